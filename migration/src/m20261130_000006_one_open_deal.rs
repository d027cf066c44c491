//! At most one open deal per proposing site and offer, as a partial unique index.
//!
//! The service checks this rule under a lock on the offer; the index makes the database refuse
//! a second open deal whatever path writes it. Open means proposed, accepted, live or broken;
//! rejected, cancelled and expired deals are over and may be many.
//!
//! Before this index, concurrent proposals could open several deals for one pair. Those
//! duplicates are resolved first, or the index could not be built: of each pair's open deals
//! the one furthest along (live, broken, accepted, proposed) is kept, the earliest among equals,
//! and the others are cancelled.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index's name; the service maps its violation to CONFLICT.
pub const INDEX: &str = "ux_link_deals_open_offer_partner";

const OPEN: &str = "('proposed', 'accepted', 'live', 'broken')";

fn rank(table: &str) -> String {
    format!(
        "(CASE {table}.status WHEN 'live' THEN 3 WHEN 'broken' THEN 2 WHEN 'accepted' THEN 1 ELSE 0 END)"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // A deal is cancelled when another open deal of its pair ranks before it. The deal that
        // ranks first is never cancelled, so the result does not depend on the order in which
        // the database visits the rows.
        let (mine, keep) = (rank("link_deals"), rank("k"));
        db.execute_unprepared(&format!(
            "UPDATE link_deals SET status = 'cancelled', expires_at = NULL, next_check_at = NULL, \
             version = version + 1 \
             WHERE status IN {OPEN} AND EXISTS (SELECT 1 FROM link_deals k \
             WHERE k.offer_id = link_deals.offer_id AND k.partner_site_id = link_deals.partner_site_id \
             AND k.id <> link_deals.id AND k.status IN {OPEN} \
             AND ({keep} > {mine} OR ({keep} = {mine} AND (k.created_at < link_deals.created_at \
             OR (k.created_at = link_deals.created_at AND k.id < link_deals.id)))))"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON link_deals (offer_id, partner_site_id) \
             WHERE status IN {OPEN}"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!("DROP INDEX IF EXISTS {INDEX}"))
            .await?;
        Ok(())
    }
}
