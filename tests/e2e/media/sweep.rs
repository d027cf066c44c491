//! Direct uploads never confirmed are swept: their `incoming/` objects and their records go,
//! each exactly once however many instances sweep, and a confirmation racing the sweep either
//! records the file or finds the upload gone. Confirmed files are untouched.
use super::*;
use entities::{media_upload, outbox};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, QueryFilter};
use std::collections::BTreeMap;
use wharf::services::media::pending::sweep_abandoned;
use wharf_tests::e2e;

e2e!(media, settings = sweep_often;
    abandoned_uploads_are_swept_once_by_two_servers_and_confirmed_files_stay,
);
e2e!(media, settings = sweep_never;
    twenty_concurrent_sweeps_take_each_upload_once,
    a_confirmation_racing_the_sweep_either_records_the_file_or_finds_it_gone,
);

/// Each instance looks for abandoned uploads every 100 ms (the age stays the default day; the
/// tests make uploads old by moving their creation time back).
fn sweep_often(s: &mut wharf::Settings) {
    s.media_upload_sweep_poll_ms = 100;
}

/// The servers' own sweepers stay idle; the test sweeps.
fn sweep_never(s: &mut wharf::Settings) {
    s.media_upload_sweep_poll_ms = 3_600_000;
}

/// An upload asked for, with its URL and ticket.
struct Asked {
    key: String,
    url: String,
    ticket: String,
}

async fn ask(app: &TestApp, token: &str, site: &str, name: &str, size: usize) -> Result<Asked> {
    let body = create_upload_url(app, token, site, name, "image/png", size).await?;
    let t = &ok(&body)?["createUploadUrl"];
    Ok(Asked {
        key: str_at(t, "/key")?,
        url: str_at(t, "/url")?,
        ticket: str_at(t, "/token")?,
    })
}

/// Moves the creation time of every upload two days back, past the default abandon age.
async fn age_all_uploads(app: &TestApp) -> Result<()> {
    let old = chrono::Utc::now() - chrono::Duration::days(2);
    media_upload::Entity::update_many()
        .col_expr(media_upload::Column::CreatedAt, Expr::value(old))
        .exec(&app.db)
        .await?;
    Ok(())
}

async fn pending_rows(app: &TestApp) -> Result<u64> {
    Ok(media_upload::Entity::find().count(&app.db).await?)
}

/// How many `media.delete` outbox rows name each key.
async fn deletes_by_key(app: &TestApp) -> Result<BTreeMap<String, usize>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("media.delete"))
        .all(&app.db)
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let key = row.payload["key"].as_str().unwrap_or_default().to_owned();
        *out.entry(key).or_insert(0) += 1;
    }
    Ok(out)
}

const ABANDONED: usize = 10;

/// Sweeps of one upload each that race the confirmations.
const RACING_SWEEPS: usize = 5;

async fn abandoned_uploads_are_swept_once_by_two_servers_and_confirmed_files_stay(
    a: TestApp,
) -> Result<()> {
    let b = a.spawn_second_sharing_media(sweep_often).await?;
    let (token, site) = setup(&a).await?;
    let bytes = png(4, 4, 5 * 1024);

    // Two files confirmed, one through each server.
    let mut confirmed = Vec::new();
    for server in [&a, &b] {
        let asked = ask(server, &token, &site, "kept.png", bytes.len()).await?;
        assert_eq!(put(server, &asked.url, bytes.clone()).await?, 200);
        let m = confirm(server, &token, &asked.ticket, None).await?;
        confirmed.push(ok(&m)?["confirmUpload"].clone());
    }
    // Ten uploads sent and never confirmed, asked for through both servers, and one asked for
    // and never sent.
    let mut abandoned = Vec::new();
    for i in 0..ABANDONED {
        let server = if i % 2 == 0 { &a } else { &b };
        let asked = ask(server, &token, &site, &format!("left-{i}.png"), bytes.len()).await?;
        assert_eq!(put(server, &asked.url, bytes.clone()).await?, 200);
        abandoned.push(asked);
    }
    abandoned.push(ask(&a, &token, &site, "never-sent.png", bytes.len()).await?);
    let kept: Vec<String> = confirmed
        .iter()
        .map(|m| str_at(m, "/key"))
        .collect::<Result<_>>()?;
    let mut expected_objects = kept.clone();
    expected_objects.extend(
        abandoned[..ABANDONED]
            .iter()
            .map(|u| format!("incoming/{}", u.key)),
    );
    expected_objects.sort();
    assert_eq!(a.stored_objects(), expected_objects);
    assert_eq!(pending_rows(&a).await?, (ABANDONED + 3) as u64);

    // A day passes for all of them at once: both sweepers, polling every 100 ms, race.
    age_all_uploads(&a).await?;
    let mut kept_sorted = kept.clone();
    kept_sorted.sort();
    eventually("every upload is swept and its object deleted", || async {
        Ok(pending_rows(&a).await? == 0 && a.stored_objects() == kept_sorted)
    })
    .await?;

    // Each upload was swept once: one object delete per upload (confirmed ones included: a
    // stray upload through their still valid link would be there), never two.
    let deletes = deletes_by_key(&a).await?;
    for key in abandoned.iter().map(|u| &u.key).chain(kept.iter()) {
        assert_eq!(
            deletes.get(&format!("incoming/{key}")),
            Some(&1),
            "{key}: {deletes:?}"
        );
    }
    assert_eq!(deletes.len(), ABANDONED + 3, "{deletes:?}");

    // The confirmed files are untouched.
    assert_eq!(media_rows(&a).await?, 2);
    for m in &confirmed {
        let got = a.client.get(str_at(m, "/url")?).send().await?;
        assert_eq!(got.status().as_u16(), 200);
        assert_eq!(got.bytes().await?.to_vec(), bytes);
    }
    // A swept upload is gone for good: its ticket answers NOT_FOUND, and (local media) its
    // link, still valid, takes no bytes.
    let late = confirm(&b, &token, &abandoned[0].ticket, None).await?;
    assert_eq!(error_code(&late)?, "NOT_FOUND", "{late}");
    if a.store == MediaStore::Local {
        assert_eq!(put(&a, &abandoned[1].url, bytes.clone()).await?, 404);
        assert_eq!(a.stored_objects(), kept_sorted);
    }
    Ok(())
}

async fn twenty_concurrent_sweeps_take_each_upload_once(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let bytes = png(2, 2, 300);
    let mut keys = Vec::new();
    for i in 0..ABANDONED {
        let asked = ask(&app, &token, &site, &format!("x-{i}.png"), bytes.len()).await?;
        assert_eq!(put(&app, &asked.url, bytes.clone()).await?, 200);
        keys.push(asked.key);
    }
    age_all_uploads(&app).await?;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(1);
    // Small batches, so the sweeps overlap on the same rows.
    let sweeps = (0..20).map(|_| sweep_abandoned(&app.db, cutoff, 3));
    let results = futures_util::future::join_all(sweeps).await;
    let mut swept = Vec::new();
    for result in results {
        swept.extend(result.map_err(|e| anyhow::anyhow!("sweep failed: {}", e.message))?);
    }
    // Whatever the first round left (a sweep that found every row taken), a second takes.
    swept.extend(
        sweep_abandoned(&app.db, cutoff, 100)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?,
    );
    swept.sort();
    keys.sort();
    assert_eq!(swept, keys, "each upload swept exactly once");
    assert_eq!(deletes_by_key(&app).await?.len(), ABANDONED);
    assert!(deletes_by_key(&app).await?.values().all(|n| *n == 1));
    eventually("the swept objects are deleted", || async {
        Ok(app.stored_objects().is_empty())
    })
    .await?;
    Ok(())
}

async fn a_confirmation_racing_the_sweep_either_records_the_file_or_finds_it_gone(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let bytes = png(2, 2, 300);
    let mut uploads = Vec::new();
    for i in 0..ABANDONED {
        let asked = ask(&app, &token, &site, &format!("r-{i}.png"), bytes.len()).await?;
        assert_eq!(put(&app, &asked.url, bytes.clone()).await?, 200);
        uploads.push(asked);
    }
    age_all_uploads(&app).await?;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(1);
    let confirms = futures_util::future::join_all(
        uploads
            .iter()
            .map(|u| confirm(&app, &token, &u.ticket, None)),
    );
    // Five sweeps of one upload each race the ten confirmations.
    let sweeps = futures_util::future::join_all(
        (0..RACING_SWEEPS).map(|_| sweep_abandoned(&app.db, cutoff, 1)),
    );
    let (confirms, _) = tokio::join!(confirms, sweeps);
    // Let the sweep finish whatever the race left (confirmed uploads are swept too, keeping
    // their files).
    sweep_abandoned(&app.db, cutoff, 100)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;

    let mut recorded = Vec::new();
    for (upload, answer) in uploads.iter().zip(confirms) {
        let answer = answer?;
        if answer.get("errors").is_none() {
            recorded.push(upload.key.clone());
        } else {
            let code = error_code(&answer)?;
            assert!(code == "NOT_FOUND" || code == "CONFLICT", "{answer}");
        }
    }
    // Every confirmation the racing sweeps left alone won.
    assert!(recorded.len() >= ABANDONED - RACING_SWEEPS, "{recorded:?}");
    // The winners' files are recorded and stored; the losers left nothing.
    assert_eq!(media_rows(&app).await?, recorded.len() as u64);
    recorded.sort();
    eventually("only the recorded files remain", || async {
        Ok(app.stored_objects() == recorded)
    })
    .await?;
    assert_eq!(pending_rows(&app).await?, 0);
    Ok(())
}
