//! Article digests (see [`crate::content::Digest`]): made when a body is written, filled in the
//! background for rows written before digests existed or by an older renderer, and read by lists
//! instead of bodies.
use crate::content::{self, Digest};
use crate::error::AppResult;
use entities::article;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::time::Duration;
use uuid::Uuid;

/// The limits a body is written under.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Largest body, in bytes.
    pub max_bytes: usize,
    /// How long rendering it for its digest may take.
    pub render_budget: Duration,
}

/// The digest columns for `body` as version `version` of article `id`: the current renderer
/// revision, and the digest, or `None` when the body did not render within the budget (then
/// readers render it themselves, within theirs, as they would without digests).
pub async fn make(id: Uuid, version: i32, body: &str, budget: Duration) -> (i32, Option<String>) {
    let digest = content::render_off_thread(id, version, body, budget)
        .await
        .ok()
        .and_then(|rendered| Digest::of(&rendered).to_json());
    (content::digest_revision(), digest)
}

/// Rows whose digest is missing or was made by another renderer.
fn stale() -> Condition {
    Condition::any()
        .add(article::Column::DigestRev.is_null())
        .add(article::Column::DigestRev.ne(content::digest_revision()))
}

/// Articles read per round of [`backfill`].
const BATCH: u64 = 64;

/// Makes the digests that are missing or stale, a batch at a time, until none is left; returns
/// how many rows it wrote. A row changed meanwhile keeps the digest its writer made (the update
/// matches the version it rendered).
pub async fn backfill(db: &impl ConnectionTrait, budget: Duration) -> AppResult<u64> {
    let mut written = 0;
    let mut after = Uuid::nil();
    loop {
        let rows: Vec<(Uuid, i32, String)> = article::Entity::find()
            .select_only()
            .columns([
                article::Column::Id,
                article::Column::Version,
                article::Column::Body,
            ])
            .filter(stale())
            .filter(article::Column::Id.gt(after))
            .order_by_asc(article::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _, _)) = rows.last() else {
            return Ok(written);
        };
        after = *last;
        for (id, version, body) in rows {
            let (rev, digest) = make(id, version, &body, budget).await;
            let done = article::Entity::update_many()
                .col_expr(article::Column::DigestRev, Expr::value(rev))
                .col_expr(article::Column::Digest, Expr::value(digest))
                .filter(article::Column::Id.eq(id))
                .filter(article::Column::Version.eq(version))
                .exec(db)
                .await?;
            written += done.rows_affected;
        }
    }
}

/// Reads the bodies of the listed articles that were read without one and whose digest cannot
/// be used, so that their derived fields can be rendered (only rows the background fill has not
/// reached yet).
pub async fn load_missing_bodies(
    db: &impl ConnectionTrait,
    rows: &mut [article::Model],
    only_without_excerpt: bool,
) -> AppResult<()> {
    let missing: Vec<Uuid> = rows
        .iter()
        .filter(|a| !(only_without_excerpt && a.excerpt.is_some()))
        .filter(|a| Digest::stored(a.digest_rev, a.digest.as_deref()).is_none())
        .map(|a| a.id)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let bodies: std::collections::HashMap<Uuid, (i32, String)> = article::Entity::find()
        .select_only()
        .columns([
            article::Column::Id,
            article::Column::Version,
            article::Column::Body,
        ])
        .filter(article::Column::Id.is_in(missing))
        .into_tuple::<(Uuid, i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, version, body)| (id, (version, body)))
        .collect();
    for row in rows.iter_mut() {
        if let Some((version, body)) = bodies.get(&row.id) {
            row.version = *version;
            row.body.clone_from(body);
        }
    }
    Ok(())
}
