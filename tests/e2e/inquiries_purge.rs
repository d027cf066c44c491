//! The inquiry retention purge runs once across instances (issue 20, point 5): each run is
//! claimed in `job_claims` first, so when a run falls due on several instances at the same
//! moment, one of them runs it and the others leave it.
use crate::inquiries::{Shop, inquiry_input, quick_tokens, shop, stored, submit};
use anyhow::{Context, Result, bail, ensure};
use chrono::{Duration, Utc};
use entities::{inquiry, inquiry_event, job_claim};
use futures_util::future::join_all;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use wharf::jobs::inquiries::JOB;
use wharf::services::job_claim::claim_run;
use wharf_tests::{TestApp, e2e, ok};

e2e!(
    settings = hourly_purge;
    a_purge_due_on_two_instances_at_once_runs_on_one_of_them,
    of_twenty_claims_of_one_due_run_exactly_one_gets_it,
);

/// Closed and spam inquiries are kept a day; the purge runs hourly, so within a test it runs
/// only when the test makes it due.
fn hourly_purge(s: &mut wharf::Settings) {
    quick_tokens(s);
    s.inquiry_retention_days = 1;
    s.inquiry_purge_poll_ms = 3_600_000;
}

/// The purge's claim row, once it has at least `runs` runs.
async fn claim_after(app: &TestApp, runs: i64) -> Result<job_claim::Model> {
    for _ in 0..400 {
        if let Some(row) = job_claim::Entity::find_by_id(JOB).one(&app.db).await?
            && row.runs >= runs
        {
            return Ok(row);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("the purge never ran {runs} times")
}

/// Six inquiries last changed two days ago: three closed and one spam (due for the purge), one
/// open and one new (kept). Returns the references of the due ones and of the kept ones.
async fn two_days_of_inquiries(app: &TestApp, s: &Shop) -> Result<(Vec<String>, Vec<String>)> {
    let mut refs = Vec::new();
    for n in 0..6 {
        let mut input = inquiry_input(
            &s.site,
            &format!("buyer{n}@example.com"),
            &format!("Quote {n}, please."),
        )?;
        if n == 3 {
            input["website"] = json!("filled by a bot");
        }
        refs.push(submit(app, input).await?);
    }
    for (r, status) in [(0, "CLOSED"), (1, "CLOSED"), (2, "CLOSED"), (4, "OPEN")] {
        let id = stored(app, &refs[r]).await?.id.to_string();
        ok(&app
            .graphql_as(
                &s.owner,
                "mutation($id: ID!, $s: InquiryStatus!) { setInquiryStatus(id: $id, status: $s) { status } }",
                json!({ "id": id, "s": status }),
            )
            .await?)?;
    }
    for r in &refs {
        let mut row = stored(app, r).await?.into_active_model();
        row.updated_at = Set(Utc::now() - Duration::days(2));
        row.update(&app.db).await?;
    }
    let kept = refs.split_off(4);
    Ok((refs, kept))
}

async fn a_purge_due_on_two_instances_at_once_runs_on_one_of_them(a: TestApp) -> Result<()> {
    // The first instance claimed its first run at start; the next is an hour away.
    let first = claim_after(&a, 1).await?;
    ensure!(first.runs == 1, "{first:?}");
    let s = shop(&a).await?;
    let (due, kept) = two_days_of_inquiries(&a, &s).await?;
    let due_ids: Vec<uuid::Uuid> = {
        let mut ids = Vec::new();
        for r in &due {
            ids.push(stored(&a, r).await?.id);
        }
        ids
    };
    ensure!(
        inquiry_event::Entity::find()
            .filter(inquiry_event::Column::InquiryId.is_in(due_ids.clone()))
            .count(&a.db)
            .await?
            > 0
    );

    // An hour has passed: the run is due. Two more instances start at that moment, and each
    // looks at the claim as it starts (the first sleeps until the hour it set itself).
    let mut row = first.clone().into_active_model();
    row.due_at = Set(Utc::now() - Duration::seconds(1));
    row.update(&a.db).await?;
    let (b, c) = tokio::try_join!(
        a.spawn_second_tweaked(hourly_purge),
        a.spawn_second_tweaked(hourly_purge)
    )?;
    let second = claim_after(&a, 2).await?;
    let mut left = Vec::new();
    for _ in 0..200 {
        left = inquiry::Entity::find()
            .all(&a.db)
            .await?
            .into_iter()
            .map(|i| i.reference)
            .collect();
        left.sort();
        if left.len() == kept.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    ensure!(
        left == kept,
        "the due inquiries went, the others stayed: {left:?}"
    );
    let orphans = inquiry_event::Entity::find()
        .filter(inquiry_event::Column::InquiryId.is_in(due_ids))
        .count(&a.db)
        .await?;
    ensure!(orphans == 0, "their history went with them");

    // Whichever instance lost the race looked, found the run taken, and went back to sleep.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = job_claim::Entity::find_by_id(JOB)
        .one(&a.db)
        .await?
        .context("the claim row")?;
    ensure!(
        after.runs == 2,
        "one run for the due hour, not one per instance: {after:?}"
    );
    ensure!(after == second, "{after:?} != {second:?}");
    let port = |app: &TestApp| {
        app.address
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let holder = after.claimed_by.clone().unwrap_or_default();
    ensure!(
        [port(&b), port(&c)]
            .iter()
            .any(|p| holder.ends_with(&format!("port {p}"))),
        "a new instance ran it: {holder} (first: {:?})",
        first.claimed_by
    );
    let next = after.due_at - after.claimed_at.context("claimed_at")?;
    ensure!(
        next == Duration::hours(1),
        "the next run is an hour later: {next}"
    );
    Ok(())
}

async fn of_twenty_claims_of_one_due_run_exactly_one_gets_it(app: TestApp) -> Result<()> {
    const NAME: &str = "test_once";
    for round in 1..=2_i64 {
        let claims =
            join_all(
                (0..20).map(|i| {
                    let db = app.db.clone();
                    async move {
                        claim_run(&db, NAME, &format!("claimant {i}"), Duration::hours(1)).await
                    }
                }),
            )
            .await;
        let mut won = 0;
        for claim in claims {
            if claim.map_err(|e| anyhow::anyhow!("{e:?}"))? {
                won += 1;
            }
        }
        ensure!(won == 1, "round {round}: {won} claims got the run");
        let row = job_claim::Entity::find_by_id(NAME)
            .one(&app.db)
            .await?
            .context("the claim row")?;
        ensure!(row.runs == round, "{row:?}");
        // Not due again within the hour; then the hour passes.
        ensure!(
            !claim_run(&app.db, NAME, "late", Duration::hours(1))
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
        );
        let mut due = row.into_active_model();
        due.due_at = Set(Utc::now() - Duration::seconds(1));
        due.update(&app.db).await?;
    }
    Ok(())
}
