//! The retention purge: closed and spam inquiries untouched for `inquiry_retention_days` are
//! erased (items and history by cascade), and spent form tokens are forgotten once no token of
//! their age could be accepted anyway.
//!
//! Each batch is one `DELETE`, so a row is erased once even by statements running side by side;
//! the job (`jobs::inquiries`) also claims each run, so one instance purges at a time.
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entities::inquiry::{self, InquiryStatus};
use entities::inquiry_form_token;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Erases up to `batch` closed or spam inquiries last changed before `before`; returns how many.
pub async fn purge_inquiries(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    batch: u64,
) -> AppResult<u64> {
    // The batch as a subquery: one statement on both databases, nothing read in between.
    let mut due = Query::select();
    due.column(inquiry::Column::Id)
        .from(inquiry::Entity)
        .and_where(inquiry::Column::Status.is_in([InquiryStatus::Closed, InquiryStatus::Spam]))
        .and_where(inquiry::Column::UpdatedAt.lt(before))
        .limit(batch);
    let deleted = inquiry::Entity::delete_many()
        .filter(inquiry::Column::Id.in_subquery(due.to_owned()))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Forgets form tokens spent before `before` (older than any token still accepted).
pub async fn purge_spent_tokens(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<u64> {
    let deleted = inquiry_form_token::Entity::delete_many()
        .filter(inquiry_form_token::Column::UsedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
