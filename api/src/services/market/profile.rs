//! A site's market profile figures, computed by Wharf from its deals and checks.
use super::DealStatus;
use crate::error::AppResult;
use entities::link_deal;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};
use uuid::Uuid;

/// Deals of the site (either side) that are live now.
pub async fn live_deals(db: &impl ConnectionTrait, site_id: Uuid) -> AppResult<u64> {
    Ok(link_deal::Entity::find()
        .filter(link_deal::Column::Status.eq(DealStatus::Live))
        .filter(
            Condition::any()
                .add(link_deal::Column::OfferSiteId.eq(site_id))
                .add(link_deal::Column::PartnerSiteId.eq(site_id)),
        )
        .count(db)
        .await?)
}

/// Links this site placed (its own side of deals) that Wharf has verified live at least once.
pub async fn verified_outbound_links(db: &impl ConnectionTrait, site_id: Uuid) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let (p1, p2) = if backend == DbBackend::Postgres {
        ("$1", "$2")
    } else {
        ("?", "?")
    };
    let sql = format!(
        "SELECT COUNT(DISTINCT c.deal_id) AS n FROM link_checks c JOIN link_deals d ON d.id = c.deal_id \
         WHERE c.live = {} AND ((d.offer_site_id = {p1} AND c.side = 'offer') \
         OR (d.partner_site_id = {p2} AND c.side = 'partner'))",
        if backend == DbBackend::Postgres {
            "TRUE"
        } else {
            "1"
        }
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [site_id.into(), site_id.into()],
        ))
        .await?;
    let n: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}
