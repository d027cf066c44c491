//! Checking a deal's placements and turning the result into transitions.
//!
//! Used by `checkLinkDeal` (on demand) and by the watcher (due deals, claimed with a lease so
//! that several instances on one database never check one deal at once).
use super::deal::{get_deal, sides_of};
use super::machine::apply_transition;
use super::{DealStatus, OfferKind, Side};
use crate::auth::{Principal, Scope};
use crate::config::Settings;
use crate::error::{AppError, AppResult, Reason};
use crate::linkcheck::{Checker, LinkReport};
use crate::services::{now, site::get_site};
use chrono::{DateTime, Duration, Utc};
use entities::{link_check, link_deal, link_offer};
use rand::Rng;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Set,
    Statement, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// How long a claimed deal stays leased to the watcher that claimed it.
pub const LEASE_SECS: i64 = 300;

/// Fetches the submitted placements of `deal` and reports on each.
pub async fn run_checks(
    db: &impl ConnectionTrait,
    checker: &Checker,
    deal: &link_deal::Model,
) -> AppResult<Vec<(Side, LinkReport)>> {
    let offer_site = get_site(db, deal.offer_site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    let partner_site = get_site(db, deal.partner_site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    let offer_check = async {
        match &deal.offer_page_url {
            Some(page) => Some((
                Side::Offer,
                checker
                    .check_placement(page, &offer_site.domain, &partner_site.domain)
                    .await,
            )),
            None => None,
        }
    };
    let partner_check = async {
        match &deal.partner_page_url {
            Some(page) => Some((
                Side::Partner,
                checker
                    .check_placement(page, &partner_site.domain, &offer_site.domain)
                    .await,
            )),
            None => None,
        }
    };
    let (a, b) = tokio::join!(offer_check, partner_check);
    Ok(a.into_iter().chain(b).collect())
}

/// Stores the reports in the deal's history and applies what they mean: accepted → live when
/// every required link is live; live → broken after `failures_before_broken` failed checks in a
/// row; broken → live when the links are back. Fails with `CONFLICT` when the deal changed
/// since it was read (the reports are then not stored).
pub async fn record_outcome(
    db: &(impl ConnectionTrait + TransactionTrait),
    settings: &Settings,
    deal: &link_deal::Model,
    reports: &[(Side, LinkReport)],
) -> AppResult<link_deal::Model> {
    let status = deal.status;
    let offer = link_offer::Entity::find_by_id(deal.offer_id)
        .one(db)
        .await?;
    let reciprocal = offer.is_none_or(|o| o.kind == OfferKind::Reciprocal);
    let live = |side: Side| reports.iter().any(|(s, r)| *s == side && r.live);
    let all_live = live(Side::Offer) && (!reciprocal || live(Side::Partner));
    let now = now();
    let txn = crate::services::begin_write(db).await?;
    for (side, report) in reports {
        crate::metrics::observe_check(if report.live {
            "live"
        } else if report.error.is_some() {
            "error"
        } else {
            "not_live"
        });
        link_check::ActiveModel {
            id: Set(Uuid::now_v7()),
            deal_id: Set(deal.id),
            side: Set(*side),
            page_url: Set(report.page_url.clone()),
            http_status: Set(report.http_status.map(i32::from)),
            live: Set(report.live),
            link_found: Set(report.link_found),
            rel: Set(report.rel.clone()),
            anchor_text: Set(report.anchor_text.clone()),
            noindex: Set(report.noindex),
            nofollow_page: Set(report.nofollow_page),
            robots_blocked: Set(report.robots_blocked),
            redirect_chain: Set(serde_json::json!(report.redirect_chain)),
            error: Set(report.error.clone()),
            checked_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let mut changes = link_deal::ActiveModel {
        last_checked_at: Set(Some(now)),
        next_check_at: Set(Some(next_check(settings, now))),
        ..Default::default()
    };
    let failures = if all_live {
        0
    } else {
        deal.consecutive_failures.saturating_add(1)
    };
    let threshold = i32::try_from(settings.checker_failures_before_broken).unwrap_or(i32::MAX);
    let to = match status {
        DealStatus::Accepted if all_live => Some(DealStatus::Live),
        DealStatus::Live if failures >= threshold => Some(DealStatus::Broken),
        DealStatus::Broken if all_live => Some(DealStatus::Live),
        DealStatus::Accepted | DealStatus::Live | DealStatus::Broken => None,
        _ => {
            return Err(not_checkable(status));
        }
    };
    // An accepted deal is not watched yet: failures only count once it has been live.
    changes.consecutive_failures = Set(if status == DealStatus::Accepted {
        0
    } else {
        failures
    });
    if to == Some(DealStatus::Live) {
        changes.expires_at = Set(None);
        if status == DealStatus::Accepted {
            changes.live_since = Set(Some(now));
        }
    }
    let note = to.map(|_| summary(reports));
    let deal = apply_transition(&txn, deal, to, None, note, changes).await?;
    txn.commit().await?;
    Ok(deal)
}

fn summary(reports: &[(Side, LinkReport)]) -> String {
    reports
        .iter()
        .map(|(side, r)| {
            let verdict = if r.live {
                "live".to_owned()
            } else {
                r.error.clone().unwrap_or_else(|| reason(r))
            };
            format!("{}: {verdict}", side.to_value())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a fetched page's link does not count.
fn reason(r: &LinkReport) -> String {
    if !r.link_found {
        "link not found".into()
    } else if r.noindex {
        "page is noindex".into()
    } else if r.robots_blocked {
        "page is disallowed by robots.txt".into()
    } else if r.nofollow_page {
        "page is nofollow".into()
    } else {
        format!("link is {}", r.rel.as_deref().unwrap_or("not followed"))
    }
}

fn next_check(settings: &Settings, now: DateTime<Utc>) -> DateTime<Utc> {
    let interval = i64::try_from(settings.checker_recheck_interval_secs).unwrap_or(i64::MAX / 4);
    let jitter = i64::try_from(settings.checker_recheck_jitter_secs).unwrap_or(0);
    let extra = if jitter > 0 {
        rand::rng().random_range(0..=jitter)
    } else {
        0
    };
    now + Duration::seconds(interval.saturating_add(extra).min(10 * 365 * 86400))
}

/// Checks a deal now, for an agent of either site (`checkLinkDeal`).
pub async fn check_deal_now(
    db: &(impl ConnectionTrait + TransactionTrait),
    checker: &Checker,
    settings: &Settings,
    principal: &Principal,
    id: Uuid,
) -> AppResult<link_deal::Model> {
    let deal = get_deal(db, principal, id).await?;
    if sides_of(db, principal, &deal, Scope::DealsWrite)
        .await?
        .is_empty()
    {
        return Err(AppError::forbidden(
            "only the deal's sites may check it (owners, or API tokens with deals:write)",
        )
        .because(Reason::NotYourDeal));
    }
    let status = deal.status;
    if !matches!(
        status,
        DealStatus::Accepted | DealStatus::Live | DealStatus::Broken
    ) {
        return Err(not_checkable(status));
    }
    let cooldown = i64::try_from(settings.checker_manual_cooldown_secs).unwrap_or(i64::MAX / 4);
    if let Some(last) = deal.last_checked_at {
        let wait = cooldown - (now() - last).num_seconds();
        if cooldown > 0 && wait > 0 {
            return Err(AppError::rate_limited(format!(
                "this deal was checked less than {cooldown} s ago; try again in {wait} s"
            ))
            .because(Reason::RateLimited)
            .with("seconds", wait));
        }
    }
    if deal.offer_page_url.is_none() && deal.partner_page_url.is_none() {
        return Err(
            AppError::bad_input("id", "no placement has been submitted yet")
                .because(Reason::NoPlacement),
        );
    }
    let reports = run_checks(db, checker, &deal).await?;
    match record_outcome(db, settings, &deal, &reports).await {
        // The watcher (or a placement) changed the deal while we fetched: the fresh findings
        // still hold, so apply them to the current version once.
        Err(e) if e.code == crate::error::ErrorCode::Conflict => {
            let current = get_deal(db, principal, id).await?;
            let same_pages = current.offer_page_url == deal.offer_page_url
                && current.partner_page_url == deal.partner_page_url;
            if !same_pages {
                return Err(e);
            }
            record_outcome(db, settings, &current, &reports).await
        }
        other => other,
    }
}

/// Claims up to `limit` deals due for a check and leases them for [`LEASE_SECS`].
pub async fn claim_due(db: &impl ConnectionTrait, limit: u64) -> AppResult<Vec<link_deal::Model>> {
    let backend = db.get_database_backend();
    let pg = backend == DbBackend::Postgres;
    let now = now();
    let until = now + Duration::seconds(LEASE_SECS);
    let p = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    let lock = if pg { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE link_deals SET next_check_at = {} WHERE id IN (SELECT id FROM link_deals \
         WHERE status IN ('accepted', 'live', 'broken') AND next_check_at IS NOT NULL \
         AND next_check_at <= {} ORDER BY next_check_at LIMIT {limit}{lock}) RETURNING *",
        p(1),
        p(2)
    );
    let values: Vec<sea_orm::Value> = vec![until.into(), now.into()];
    Ok(
        link_deal::Model::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

/// Moves proposals and accepted deals past their `expires_at` to expired.
pub async fn expire_due(db: &(impl ConnectionTrait + TransactionTrait)) -> AppResult<usize> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let due = link_deal::Entity::find()
        .filter(link_deal::Column::Status.is_in([DealStatus::Proposed, DealStatus::Accepted]))
        .filter(link_deal::Column::ExpiresAt.lte(now()))
        .limit(100)
        .all(db)
        .await?;
    let mut expired = 0;
    for deal in due {
        let changes = link_deal::ActiveModel {
            next_check_at: Set(None),
            ..Default::default()
        };
        let txn = crate::services::begin_write(db).await?;
        match apply_transition(&txn, &deal, Some(DealStatus::Expired), None, None, changes).await {
            Ok(_) => {
                txn.commit().await?;
                expired += 1;
            }
            // Someone acted on it meanwhile: their transition stands.
            Err(e) if e.code == crate::error::ErrorCode::Conflict => txn.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

/// The refusal to check a deal that is not accepted, live or broken.
fn not_checkable(status: DealStatus) -> AppError {
    AppError::conflict(
        "status",
        format!(
            "the deal is {}; only accepted, live and broken deals are checked",
            status.to_value()
        ),
    )
    .because(Reason::DealStatus)
    .with("status", status.to_value().to_uppercase())
}
