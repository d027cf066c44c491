//! Wharf's tables in the backup format: every table, parents before children, each dumped as
//! JSON lines (one array of column values per row, in the manifest's column order) and loaded
//! back in batches.
use super::value::{decode, encode};
use anyhow::{Context, Result, anyhow};
use futures_util::TryStreamExt;
use sea_orm::sea_query::{ColumnType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityName, EntityTrait,
    IdenStatic, Iterable, ModelTrait, PaginatorTrait, PrimaryKeyToColumn, QueryOrder, StreamTrait,
    Value,
};
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::str::FromStr;

/// Rows inserted by one statement at most (fewer for wide tables: SQLite binds at most 32,766
/// values per statement).
const BATCH_VALUES: usize = 4_000;

/// What a dump reads from: a connection or a transaction (a snapshot).
pub trait Db: ConnectionTrait + StreamTrait + Send + Sync {}
impl Db for DatabaseConnection {}
impl Db for DatabaseTransaction {}

/// The columns of a table, by name, in the order a dump stores them.
pub fn columns_of<E: EntityTrait>() -> Vec<String> {
    E::Column::iter().map(|c| c.as_str().to_owned()).collect()
}

/// Writes every row of `E` to `out` (ordered by primary key); returns how many.
pub async fn dump<E: EntityTrait>(db: &impl Db, out: &mut impl Write) -> Result<u64>
where
    E::Model: Sync,
{
    let columns: Vec<E::Column> = E::Column::iter().collect();
    let mut query = E::find();
    for key in E::PrimaryKey::iter() {
        query = query.order_by_asc(key.into_column());
    }
    let mut rows = query.stream(db).await?;
    let mut n = 0;
    while let Some(model) = rows.try_next().await? {
        let values = columns
            .iter()
            .map(|c| {
                encode(&model.get(*c))
                    .map_err(|e| anyhow!("{}.{}: {e}", E::default().table_name(), c.as_str()))
            })
            .collect::<Result<Vec<Json>>>()?;
        serde_json::to_writer(&mut *out, &values)?;
        out.write_all(b"\n")?;
        n += 1;
    }
    Ok(n)
}

/// Inserts the rows of a dump of `E` whose columns are `names` (as the manifest lists them).
/// With `parent`, the name of a column pointing at another row of the same table, rows are
/// inserted parents first.
pub async fn load<E: EntityTrait>(
    db: &impl ConnectionTrait,
    names: &[String],
    parent: Option<&str>,
    lines: impl Iterator<Item = std::io::Result<String>>,
) -> Result<u64> {
    let table = E::default().table_name();
    let columns = names
        .iter()
        .map(|name| {
            E::Column::from_str(name)
                .map_err(|_| anyhow!("the backup's {table}.{name} is not a column of this version"))
        })
        .collect::<Result<Vec<E::Column>>>()?;
    let types: Vec<ColumnType> = columns
        .iter()
        .map(|c| c.def().get_column_type().clone())
        .collect();
    let per_statement = (BATCH_VALUES / columns.len().max(1)).max(1);
    let insert = |rows: Vec<Vec<Value>>| {
        let mut statement = Query::insert();
        statement
            .into_table(E::default().table_ref())
            .columns(columns.iter().copied());
        for row in rows {
            statement.values(row.into_iter().map(Into::into))?;
        }
        Ok::<_, anyhow::Error>(statement)
    };
    // Streamed a batch at a time; only a table of parents and children is held whole, to
    // order it (categories: a few hundred rows).
    let mut batch = Vec::with_capacity(per_statement);
    let mut n = 0;
    for (i, line) in lines.enumerate() {
        let line = line?;
        let stored: Vec<Json> = serde_json::from_str(&line)
            .with_context(|| format!("{table}: row {} is not a JSON array", i + 1))?;
        if stored.len() != columns.len() {
            return Err(anyhow!(
                "{table}: row {} has {} values for {} columns",
                i + 1,
                stored.len(),
                columns.len()
            ));
        }
        let values = types
            .iter()
            .zip(&stored)
            .zip(names)
            .map(|((ty, json), name)| {
                decode(ty, json).map_err(|e| anyhow!("{table}.{name}, row {}: {e}", i + 1))
            })
            .collect::<Result<Vec<Value>>>()?;
        batch.push(values);
        n += 1;
        if parent.is_none() && batch.len() == per_statement {
            db.execute(&insert(std::mem::take(&mut batch))?).await?;
        }
    }
    if let Some(parent) = parent {
        batch = parents_first(batch, names, parent)?;
    }
    while !batch.is_empty() {
        let rest = batch.split_off(batch.len().min(per_statement));
        db.execute(&insert(batch)?).await?;
        batch = rest;
    }
    Ok(n)
}

/// How many rows `E` holds.
pub async fn count<E: EntityTrait>(db: &impl ConnectionTrait) -> Result<u64>
where
    E::Model: Sync,
{
    Ok(E::find().count(db).await?)
}

/// Orders rows so that each comes after the row its `parent` column names (rows whose parent
/// is absent or NULL first). A cycle is an error.
fn parents_first(rows: Vec<Vec<Value>>, names: &[String], parent: &str) -> Result<Vec<Vec<Value>>> {
    let at = |name: &str| names.iter().position(|n| n == name);
    let (Some(id_at), Some(parent_at)) = (at("id"), at(parent)) else {
        return Err(anyhow!("the backup lacks the id or {parent} column"));
    };
    let key = |v: &Value| match v {
        Value::Uuid(Some(u)) => Some(*u),
        _ => None,
    };
    let mut pending: Vec<Vec<Value>> = rows;
    let mut placed: HashSet<uuid::Uuid> = HashSet::new();
    let ids: HashMap<uuid::Uuid, ()> = pending
        .iter()
        .filter_map(|r| key(&r[id_at]))
        .map(|u| (u, ()))
        .collect();
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let before = pending.len();
        let (ready, rest): (Vec<_>, Vec<_>) =
            pending.into_iter().partition(|r| match key(&r[parent_at]) {
                None => true,
                Some(p) => placed.contains(&p) || !ids.contains_key(&p),
            });
        placed.extend(ready.iter().filter_map(|r| key(&r[id_at])));
        ordered.extend(ready);
        pending = rest;
        if pending.len() == before {
            return Err(anyhow!("rows whose {parent} form a cycle"));
        }
    }
    Ok(ordered)
}

/// One of Wharf's tables, with what the backup does with it.
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns, in dump order.
    pub columns: fn() -> Vec<String>,
    /// The column pointing at a parent row of the same table.
    pub parent: Option<&'static str>,
}

macro_rules! tables {
    ($($module:ident $(($parent:literal))?),* $(,)?) => {
        /// Every table of Wharf's, parents before children (the order a restore inserts them).
        pub fn all() -> Vec<Table> {
            vec![$(Table {
                name: entities::$module::Entity.table_name(),
                columns: columns_of::<entities::$module::Entity>,
                parent: tables!(@parent $($parent)?),
            }),*]
        }

        /// Dumps table `name` into `out`.
        pub async fn dump_table(name: &str, db: &impl Db, out: &mut impl Write) -> Result<u64> {
            $(if name == entities::$module::Entity.table_name() {
                return dump::<entities::$module::Entity>(db, out).await;
            })*
            Err(anyhow!("no table {name}"))
        }

        /// Loads rows of table `name`.
        pub async fn load_table(
            name: &str,
            db: &impl ConnectionTrait,
            columns: &[String],
            lines: impl Iterator<Item = std::io::Result<String>>,
        ) -> Result<u64> {
            $(if name == entities::$module::Entity.table_name() {
                return load::<entities::$module::Entity>(db, columns, tables!(@parent $($parent)?), lines).await;
            })*
            Err(anyhow!("the backup has a table {name} this version does not know"))
        }

        /// Deletes every row of table `name`.
        pub async fn clear_table(name: &str, db: &impl ConnectionTrait) -> Result<()> {
            $(if name == entities::$module::Entity.table_name() {
                entities::$module::Entity::delete_many().exec(db).await?;
                return Ok(());
            })*
            Err(anyhow!("no table {name}"))
        }

        /// Rows in table `name`.
        pub async fn count_table(name: &str, db: &impl ConnectionTrait) -> Result<u64> {
            $(if name == entities::$module::Entity.table_name() {
                return count::<entities::$module::Entity>(db).await;
            })*
            Err(anyhow!("no table {name}"))
        }
    };
    (@parent $parent:literal) => { Some($parent) };
    (@parent) => { None };
}

tables!(
    user,
    site,
    media,
    tag,
    article,
    article_revision,
    article_tag,
    api_token,
    refresh_token,
    password_reset,
    site_member,
    site_invitation,
    category("parent_id"),
    category_translation,
    product,
    product_category,
    product_certification,
    product_media,
    product_revision,
    product_spec,
    product_tag,
    inquiry,
    inquiry_item,
    inquiry_event,
    inquiry_blocked_sender,
    inquiry_counter,
    inquiry_form_token,
    inquiry_site_setting,
    link_offer,
    link_deal,
    link_deal_event,
    link_check,
    webhook,
    webhook_delivery,
    media_upload,
    outbox,
    job_claim,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_restored_after_their_parents_and_a_cycle_is_refused() {
        let (a, b, c) = (
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
        );
        let row = |id, parent: Option<uuid::Uuid>| vec![Value::Uuid(Some(id)), Value::Uuid(parent)];
        let names = ["id".to_owned(), "parent_id".to_owned()];
        // c's parent is b, b's is a: stored children first.
        let rows = vec![row(c, Some(b)), row(b, Some(a)), row(a, None)];
        let ordered = parents_first(rows, &names, "parent_id").unwrap_or_default();
        let ids: Vec<_> = ordered.iter().map(|r| r[0].clone()).collect();
        assert_eq!(
            ids,
            vec![
                Value::Uuid(Some(a)),
                Value::Uuid(Some(b)),
                Value::Uuid(Some(c))
            ]
        );
        let cycle = vec![row(a, Some(b)), row(b, Some(a))];
        assert!(parents_first(cycle, &names, "parent_id").is_err());
    }

    #[test]
    fn every_table_is_listed_once_and_parents_come_before_children() {
        let names: Vec<&str> = all().iter().map(|t| t.name).collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len());
        let at = |n: &str| names.iter().position(|x| *x == n);
        for (child, parent) in [
            ("sites", "users"),
            ("articles", "media"),
            ("article_tags", "tags"),
            ("product_media", "products"),
            ("inquiry_items", "products"),
            ("link_checks", "link_deals"),
            ("webhook_deliveries", "webhooks"),
        ] {
            assert!(at(parent) < at(child), "{parent} before {child}");
        }
    }
}
