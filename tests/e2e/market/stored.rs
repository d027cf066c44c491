//! The market's enums keep the names stored before they were sea-orm active enums: rows
//! written with those names (here by plain SQL) read back as the same values, through the
//! entities and through the API, and new rows are written with them.
use super::*;
use anyhow::{Context, Result};
use entities::link_check::Side;
use entities::link_deal::DealStatus;
use entities::link_offer::{OfferKind, OfferStatus, Placement};
use entities::{link_check, link_deal, link_deal_event, link_offer};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use wharf_tests::{PartnerServer, TestApp, e2e, ok};

e2e!(partner = quiet; market_rows_stored_with_the_earlier_names_read_back_the_same);

/// Every stored name the market used before, with the value and the API name it stands for.
const PLACEMENTS: [(&str, Placement, &str); 5] = [
    ("homepage", Placement::Homepage, "HOMEPAGE"),
    ("footer", Placement::Footer, "FOOTER"),
    ("sidebar", Placement::Sidebar, "SIDEBAR"),
    ("article", Placement::Article, "ARTICLE"),
    ("partners_page", Placement::PartnersPage, "PARTNERS_PAGE"),
];
const KINDS: [(&str, OfferKind, &str); 2] = [
    ("reciprocal", OfferKind::Reciprocal, "RECIPROCAL"),
    ("one_way", OfferKind::OneWay, "ONE_WAY"),
];
const OFFER_STATUSES: [(&str, OfferStatus, &str); 3] = [
    ("open", OfferStatus::Open, "OPEN"),
    ("paused", OfferStatus::Paused, "PAUSED"),
    ("closed", OfferStatus::Closed, "CLOSED"),
];
const DEAL_STATUSES: [(&str, DealStatus, &str); 7] = [
    ("proposed", DealStatus::Proposed, "PROPOSED"),
    ("accepted", DealStatus::Accepted, "ACCEPTED"),
    ("live", DealStatus::Live, "LIVE"),
    ("broken", DealStatus::Broken, "BROKEN"),
    ("rejected", DealStatus::Rejected, "REJECTED"),
    ("cancelled", DealStatus::Cancelled, "CANCELLED"),
    ("expired", DealStatus::Expired, "EXPIRED"),
];
const SIDES: [(&str, Side, &str); 2] = [
    ("offer", Side::Offer, "OFFER"),
    ("partner", Side::Partner, "PARTNER"),
];

/// Sets `column` of every row of `table` to the stored name `value`, in plain SQL.
async fn store(app: &TestApp, table: &str, column: &str, value: &str) -> Result<()> {
    app.db
        .execute_unprepared(&format!("UPDATE {table} SET {column} = '{value}'"))
        .await?;
    Ok(())
}

/// The stored text of `column` in the only row of `table`.
async fn stored(app: &TestApp, table: &str, column: &str) -> Result<String> {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT {column} AS v FROM {table}"),
        ))
        .await?
        .context("no row")?;
    Ok(row.try_get::<String>("", "v")?)
}

async fn market_rows_stored_with_the_earlier_names_read_back_the_same(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "ONE_WAY", "tools").await?;
    let deal = propose(&app, &beta, &offer).await?;
    let deal_id = uuid::Uuid::parse_str(&deal)?;
    // New rows are written with the earlier names.
    assert_eq!(
        stored(&app, "link_offers", "placement").await?,
        "partners_page"
    );
    assert_eq!(stored(&app, "link_offers", "kind").await?, "one_way");
    assert_eq!(stored(&app, "link_offers", "status").await?, "open");
    assert_eq!(stored(&app, "link_deals", "status").await?, "proposed");
    assert_eq!(
        stored(&app, "link_deal_events", "to_status").await?,
        "proposed"
    );
    link_check::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        deal_id: Set(deal_id),
        side: Set(Side::Partner),
        page_url: Set("http://beta.test/partners".into()),
        http_status: Set(Some(200)),
        live: Set(true),
        link_found: Set(true),
        rel: Set(None),
        anchor_text: Set(None),
        noindex: Set(false),
        nofollow_page: Set(false),
        robots_blocked: Set(false),
        redirect_chain: Set(json!([])),
        error: Set(None),
        checked_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await?;
    assert_eq!(stored(&app, "link_checks", "side").await?, "partner");

    let offer_of = || async {
        let body = app
            .graphql_as(
                &alpha.token,
                "query($id: ID!) { linkOffer(id: $id) { placement kind status } }",
                json!({ "id": offer }),
            )
            .await?;
        Ok::<_, anyhow::Error>(ok(&body)?["linkOffer"].clone())
    };
    let offer_row = || async {
        link_offer::Entity::find()
            .one(&app.db)
            .await?
            .context("no offer row")
    };
    for (name, value, api) in PLACEMENTS {
        store(&app, "link_offers", "placement", name).await?;
        assert_eq!(offer_row().await?.placement, value, "{name}");
        assert_eq!(offer_of().await?["placement"], api, "{name}");
    }
    for (name, value, api) in KINDS {
        store(&app, "link_offers", "kind", name).await?;
        assert_eq!(offer_row().await?.kind, value, "{name}");
        assert_eq!(offer_of().await?["kind"], api, "{name}");
    }
    for (name, value, api) in OFFER_STATUSES {
        store(&app, "link_offers", "status", name).await?;
        assert_eq!(offer_row().await?.status, value, "{name}");
        assert_eq!(offer_of().await?["status"], api, "{name}");
    }

    let deal_of = || async {
        let body = app
            .graphql_as(
                &beta.token,
                "query($id: ID!) { linkDeal(id: $id) { status events { fromStatus toStatus } checks { side } } }",
                json!({ "id": deal }),
            )
            .await?;
        Ok::<_, anyhow::Error>(ok(&body)?["linkDeal"].clone())
    };
    for (name, value, api) in DEAL_STATUSES {
        store(&app, "link_deals", "status", name).await?;
        store(&app, "link_deal_events", "from_status", name).await?;
        store(&app, "link_deal_events", "to_status", name).await?;
        let row = link_deal::Entity::find_by_id(deal_id)
            .one(&app.db)
            .await?
            .context("no deal row")?;
        assert_eq!(row.status, value, "{name}");
        let event = link_deal_event::Entity::find()
            .one(&app.db)
            .await?
            .context("no event row")?;
        assert_eq!((event.from_status, event.to_status), (Some(value), value));
        let read = deal_of().await?;
        assert_eq!(read["status"], api, "{name}");
        assert_eq!(
            read["events"][0],
            json!({ "fromStatus": api, "toStatus": api })
        );
    }
    for (name, value, api) in SIDES {
        store(&app, "link_checks", "side", name).await?;
        let check = link_check::Entity::find()
            .one(&app.db)
            .await?
            .context("no check row")?;
        assert_eq!(check.side, value, "{name}");
        assert_eq!(deal_of().await?["checks"][0]["side"], api, "{name}");
    }
    Ok(())
}
