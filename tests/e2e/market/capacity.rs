//! Capacities under concurrency: an offer's slots and one open deal per site and offer hold
//! when twenty requests race for them.
use super::*;
use anyhow::{Context, Result};
use entities::link_deal;
use futures_util::future::join_all;
use sea_orm::PaginatorTrait;
use serde_json::{Value, json};
use wharf_tests::{PartnerServer, TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(partner = crowded;
    twenty_concurrent_accepts_with_one_slot_left_accept_exactly_one,
    twenty_concurrent_proposals_for_one_site_and_offer_open_exactly_one,
    upgrading_keeps_the_furthest_open_deal_of_each_site_and_offer,
);

/// How many requests race.
const RACERS: usize = 20;

fn domain(i: usize) -> String {
    format!("p{i:02}.test")
}

/// Like `quiet`, with the partner sites `p01.test` … `p22.test` resolved to the partner server.
pub fn crowded(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    let domains: Vec<String> = (1..=RACERS + 2).map(domain).collect();
    let names: Vec<&str> = domains.iter().map(String::as_str).collect();
    s.checker_resolve.extend(partner.resolve_entries(&names));
}

/// `n` verified sites (`p01.test`, …) of one owner; returns the owner's token and the sites.
async fn partner_sites(
    app: &TestApp,
    partner: &PartnerServer,
    n: usize,
) -> Result<(String, Vec<String>)> {
    let owner = app.signup("owner@partners.test").await?;
    let mut sites = Vec::new();
    for i in 1..=n {
        let domain = domain(i);
        let site = app.create_site(&owner.token, &domain, &["en"]).await?;
        let body = app
            .graphql_as(
                &owner.token,
                "query($id: ID!) { site(id: $id) { verificationToken } }",
                json!({ "id": site }),
            )
            .await?;
        let token = str_at(ok(&body)?, "/site/verificationToken")?;
        partner.set(
            &domain,
            "/",
            wharf_tests::Page::html(&format!(
                "<html><head><meta name=\"wharf-site-verification\" content=\"{token}\"></head></html>"
            )),
        );
        let body = app
            .graphql_as(
                &owner.token,
                "mutation($id: ID!) { verifySite(siteId: $id) { verified } }",
                json!({ "id": site }),
            )
            .await?;
        assert_eq!(ok(&body)?["verifySite"]["verified"], true, "{body}");
        sites.push(site);
    }
    Ok((owner.token, sites))
}

async fn propose_for(app: &TestApp, token: &str, offer: &str, site: &str) -> Result<Value> {
    app.graphql_as(
        token,
        "mutation($i: ProposeLinkDealInput!) { proposeLinkDeal(input: $i) { id status } }",
        json!({ "i": { "offerId": offer, "siteId": site } }),
    )
    .await
}

/// A losing answer's `extensions.code` and `extensions.field`.
type Loss = (String, Option<String>);

/// Splits racing answers into the winners and the losers' error codes and fields.
fn tally(answers: Vec<Result<Value>>) -> Result<(Vec<Value>, Vec<Loss>)> {
    let mut won = Vec::new();
    let mut lost = Vec::new();
    for answer in answers {
        let answer = answer?;
        if answer.get("errors").is_none() {
            won.push(answer);
        } else {
            lost.push((error_code(&answer)?, error_field(&answer)));
        }
    }
    Ok((won, lost))
}

async fn deals_of_offer(app: &TestApp, offer: &str, status: &str) -> Result<u64> {
    Ok(link_deal::Entity::find()
        .filter(link_deal::Column::OfferId.eq(uuid::Uuid::parse_str(offer)?))
        .filter(link_deal::Column::Status.eq(status))
        .count(&app.db)
        .await?)
}

async fn twenty_concurrent_accepts_with_one_slot_left_accept_exactly_one(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    // Three slots; two are taken below, so one is left when the race starts.
    let offer = create_offer(&app, &alpha, "ONE_WAY", "tools").await?;
    let (owner, sites) = partner_sites(&app, &partner, RACERS + 2).await?;
    let mut deals = Vec::new();
    for site in &sites {
        let body = propose_for(&app, &owner, &offer, site).await?;
        deals.push(str_at(ok(&body)?, "/proposeLinkDeal/id")?);
    }
    for deal in &deals[..2] {
        ok(&deal_op(&app, &alpha.token, "acceptLinkDeal", deal).await?)?;
    }

    let answers = join_all(
        deals[2..]
            .iter()
            .map(|deal| deal_op(&app, &alpha.token, "acceptLinkDeal", deal)),
    )
    .await;
    let (won, lost) = tally(answers)?;
    assert_eq!(
        won.len(),
        1,
        "exactly one accept takes the last slot; lost: {lost:?}"
    );
    assert_eq!(lost.len(), RACERS - 1);
    for (code, field) in &lost {
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("slots")),
            "{lost:?}"
        );
    }
    assert_eq!(deals_of_offer(&app, &offer, "accepted").await?, 3);
    assert_eq!(
        deals_of_offer(&app, &offer, "proposed").await?,
        (RACERS - 1) as u64
    );

    // A slot freed by a cancellation can be taken again, once.
    let winner = str_at(&won[0], "/data/acceptLinkDeal/id")?;
    ok(&deal_op(&app, &alpha.token, "cancelLinkDeal", &winner).await?)?;
    let waiting: Vec<&String> = deals[2..].iter().filter(|d| **d != winner).collect();
    let answers = join_all(
        waiting
            .iter()
            .map(|deal| deal_op(&app, &alpha.token, "acceptLinkDeal", deal)),
    )
    .await;
    let (won, lost) = tally(answers)?;
    assert_eq!(won.len(), 1, "lost: {lost:?}");
    assert!(lost.iter().all(|(c, _)| c == "CONFLICT"), "{lost:?}");
    assert_eq!(deals_of_offer(&app, &offer, "accepted").await?, 3);
    Ok(())
}

async fn twenty_concurrent_proposals_for_one_site_and_offer_open_exactly_one(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;

    let answers =
        join_all((0..RACERS).map(|_| propose_for(&app, &beta.token, &offer, &beta.site))).await;
    let (won, lost) = tally(answers)?;
    assert_eq!(won.len(), 1, "exactly one proposal opens; lost: {lost:?}");
    for (code, field) in &lost {
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("CONFLICT", Some("offerId")),
            "{lost:?}"
        );
    }
    assert_eq!(deals_of_offer(&app, &offer, "proposed").await?, 1);
    let deal = str_at(&won[0], "/data/proposeLinkDeal/id")?;
    let events: Vec<String> = webhook_events(&app, &deal)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    assert_eq!(
        events,
        vec!["deal.proposed", "deal.proposed"],
        "one per site"
    );

    // The database itself refuses a second open deal for the pair, whatever the code does.
    let first = link_deal::Entity::find_by_id(uuid::Uuid::parse_str(&deal)?)
        .one(&app.db)
        .await?
        .context("the deal row")?;
    let mut twin: link_deal::ActiveModel = first.clone().into();
    twin.id = sea_orm::Set(uuid::Uuid::now_v7());
    let refused = sea_orm::ActiveModelTrait::insert(twin.clone(), &app.db).await;
    assert!(
        matches!(
            refused.as_ref().map_err(sea_orm::DbErr::sql_err),
            Err(Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
        ),
        "a second open deal for the same site and offer must violate a unique index: {refused:?}"
    );
    // Deals that are over do not count: a cancelled one may sit beside a new proposal.
    twin.status = sea_orm::Set(link_deal::DealStatus::Cancelled);
    sea_orm::ActiveModelTrait::insert(twin, &app.db).await?;

    // Once the open deal is over, the site may propose again, once.
    ok(&deal_op(&app, &beta.token, "cancelLinkDeal", &deal).await?)?;
    let answers =
        join_all((0..RACERS).map(|_| propose_for(&app, &beta.token, &offer, &beta.site))).await;
    let (won, lost) = tally(answers)?;
    assert_eq!(won.len(), 1, "lost: {lost:?}");
    assert!(lost.iter().all(|(c, _)| c == "CONFLICT"), "{lost:?}");
    assert_eq!(deals_of_offer(&app, &offer, "proposed").await?, 1);
    Ok(())
}

async fn upgrading_keeps_the_furthest_open_deal_of_each_site_and_offer(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offers = [
        create_offer(&app, &alpha, "ONE_WAY", "tools").await?,
        create_offer(&app, &alpha, "ONE_WAY", "tools").await?,
    ];
    let mut firsts = Vec::new();
    for offer in &offers {
        let body = propose_for(&app, &beta.token, offer, &beta.site).await?;
        let id = uuid::Uuid::parse_str(&str_at(ok(&body)?, "/proposeLinkDeal/id")?)?;
        firsts.push(
            link_deal::Entity::find_by_id(id)
                .one(&app.db)
                .await?
                .context("the deal row")?,
        );
    }
    // A database from before the index, with the duplicates the race left behind.
    app.db
        .execute_unprepared("DROP INDEX ux_link_deals_open_offer_partner")
        .await?;
    use link_deal::DealStatus::{Accepted, Cancelled, Proposed};
    let twin = |of: &link_deal::Model, status: link_deal::DealStatus, later: i64| {
        let mut t: link_deal::ActiveModel = of.clone().into();
        t.id = Set(uuid::Uuid::now_v7());
        t.status = Set(status);
        t.created_at = Set(of.created_at + chrono::Duration::seconds(later));
        t
    };
    // First offer: a later proposal, an accepted deal (kept: furthest along), a cancelled one.
    let a_later = twin(&firsts[0], Proposed, 1).insert(&app.db).await?;
    let a_accepted = twin(&firsts[0], Accepted, 2).insert(&app.db).await?;
    let a_over = twin(&firsts[0], Cancelled, 3).insert(&app.db).await?;
    // Second offer: two later proposals; the earliest is kept.
    let b_later = twin(&firsts[1], Proposed, 1).insert(&app.db).await?;
    let b_latest = twin(&firsts[1], Proposed, 2).insert(&app.db).await?;

    app.db
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = 'm20261130_000006_one_open_deal'",
        )
        .await?;
    migration::Migrator::up(&app.db, None).await?;

    let status = |id: uuid::Uuid| {
        let db = &app.db;
        async move {
            link_deal::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|d| d.status)
                .context("deal row")
        }
    };
    let expected = [
        (firsts[0].id, Cancelled),
        (a_later.id, Cancelled),
        (a_accepted.id, Accepted),
        (a_over.id, Cancelled),
        (firsts[1].id, Proposed),
        (b_later.id, Cancelled),
        (b_latest.id, Cancelled),
    ];
    for (id, want) in expected {
        assert_eq!(status(id).await?, want, "deal {id}");
    }
    // And the index is back.
    let again = twin(&firsts[1], Proposed, 5).insert(&app.db).await;
    assert!(
        matches!(
            again.as_ref().map_err(sea_orm::DbErr::sql_err),
            Err(Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
        ),
        "{again:?}"
    );
    Ok(())
}
