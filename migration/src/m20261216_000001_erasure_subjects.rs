//! Erasure needs to find every copy of a person's data: an `inquiry.received` event carries the
//! buyer's name, e-mail and message in its outbox row and in each webhook delivery made of it.
//! `subject_id` names the record such a row was made about (the inquiry), indexed, so erasing
//! an inquiry (`deleteInquiry`, the retention purge) deletes those rows in the same
//! transaction. Rows written before this migration are labelled from their payloads here.
use crate::helpers::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::uuid_null;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["outbox", "webhook_deliveries"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(uuid_null("subject_id"))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(index(table, &["subject_id"], false))
                .await?;
        }
        label_inquiry_rows(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{table}_subject_id"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("subject_id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(FromQueryResult)]
struct Stored {
    id: String,
    payload: String,
}

/// Labels the rows that already exist: `webhook.event` outbox rows of an `inquiry.*` event
/// and their deliveries (`data.inquiry.id` in the payload), and `mail.inquiry` rows.
async fn label_inquiry_rows(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    // Read as text on both databases: the payload column is JSON text on SQLite and `json`
    // on PostgreSQL; the row ID is an integer (outbox) or a UUID (deliveries).
    let (outbox_sql, deliveries_sql) = match backend {
        DbBackend::Postgres => (
            "SELECT id::text AS id, payload::text AS payload FROM outbox \
             WHERE kind IN ('webhook.event', 'mail.inquiry')",
            "SELECT id::text AS id, payload::text AS payload FROM webhook_deliveries \
             WHERE event LIKE 'inquiry.%'",
        ),
        _ => (
            "SELECT CAST(id AS TEXT) AS id, CAST(payload AS TEXT) AS payload FROM outbox \
             WHERE kind IN ('webhook.event', 'mail.inquiry')",
            "SELECT CASE WHEN typeof(id) = 'blob' THEN lower(hex(id)) ELSE id END AS id, CAST(payload AS TEXT) AS payload \
             FROM webhook_deliveries WHERE event LIKE 'inquiry.%'",
        ),
    };
    for (table, sql) in [
        ("outbox", outbox_sql),
        ("webhook_deliveries", deliveries_sql),
    ] {
        let rows = Stored::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?;
        for row in rows {
            let Some(subject) = inquiry_of(&row.payload) else {
                continue;
            };
            let update = Query::update()
                .table(table)
                .value("subject_id", subject)
                .and_where(Expr::col("id").eq(row_id(table, &row.id)?))
                .to_owned();
            db.execute(&update).await?;
        }
    }
    Ok(())
}

/// The inquiry a stored payload is about: an `inquiry.*` event (as the outbox stores it, or
/// as a delivery sends it) or an inquiry e-mail.
fn inquiry_of(payload: &str) -> Option<Uuid> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    let event = value.get("event").and_then(|e| e.as_str());
    let id = match event {
        Some(e) if e.starts_with("inquiry.") => value.pointer("/data/inquiry/id"),
        Some(_) => None,
        None => value.get("inquiry_id"),
    }?;
    Uuid::parse_str(id.as_str()?).ok()
}

/// The row's key as the column stores it.
fn row_id(table: &str, id: &str) -> Result<SimpleExpr, DbErr> {
    if table == "outbox" {
        let n: i64 = id
            .parse()
            .map_err(|_| DbErr::Custom(format!("outbox id {id}")))?;
        return Ok(n.into());
    }
    let uuid = Uuid::parse_str(id).map_err(|_| DbErr::Custom(format!("delivery id {id}")))?;
    Ok(uuid.into())
}

#[cfg(test)]
mod tests {
    use super::inquiry_of;

    #[test]
    fn only_inquiry_payloads_name_a_subject() {
        let id = "0193a9a0-0000-7000-8000-000000000001";
        let event =
            format!(r#"{{"event":"inquiry.received","data":{{"inquiry":{{"id":"{id}"}}}}}}"#);
        assert_eq!(inquiry_of(&event).map(|u| u.to_string()), Some(id.into()));
        let mail = format!(r#"{{"inquiry_id":"{id}"}}"#);
        assert_eq!(inquiry_of(&mail).map(|u| u.to_string()), Some(id.into()));
        let article =
            format!(r#"{{"event":"article.published","data":{{"inquiry":{{"id":"{id}"}}}}}}"#);
        assert_eq!(inquiry_of(&article), None);
        assert_eq!(inquiry_of("not json"), None);
    }
}
