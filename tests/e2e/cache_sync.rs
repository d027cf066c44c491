//! Two servers on one PostgreSQL database keep their anonymous response caches in step through
//! `LISTEN`/`NOTIFY` (`wharf::cache_sync`): a change made through one server empties the other's
//! cache at once, and a server whose listening connection is lost empties its cache until it
//! listens again.
//!
//! PostgreSQL only: SQLite has no notifications between processes, and the embedded stack runs
//! as one instance per data folder (two processes on one SQLite file see each other's changes
//! after the TTL, as `instances.rs` shows with its signed-in reads).
use anyhow::{Context, Result, bail, ensure};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::json;
use std::time::{Duration, Instant};
use wharf::Settings;
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(postgres, settings = long_ttl;
    a_change_through_one_server_reaches_the_others_cache_within_100_ms,
    a_server_that_loses_its_listening_connection_empties_its_cache_and_listens_again,
);

/// Entries outlive every test: only a notification, or a server emptying its cache while deaf,
/// can make a server answer a changed title.
fn long_ttl(settings: &mut Settings) {
    settings.response_cache_ttl_ms = 60_000;
}

const DOMAIN: &str = "sync.example.com";
const READ: &str =
    "query($site: String!, $slug: String!) { article(site: $site, slug: $slug) { title } }";
/// The promise: every instance drops what a change affects within this.
const BOUND: Duration = Duration::from_millis(100);
/// Changes measured; the best one is held to [`BOUND`] (see below why not each).
const RUNS: usize = 5;
/// How often the other server is asked while a change is on its way.
const POLL: Duration = Duration::from_millis(5);
/// Longer than this (and far below the TTL) fails any single run outright.
const GIVE_UP: Duration = Duration::from_secs(3);

/// The second server, the owner's and the editor's tokens, the site's and the published
/// article's IDs.
struct Setup {
    b: TestApp,
    owner: String,
    editor: String,
    site: String,
    id: String,
}

/// A second server on `a`'s database, a site whose editor published the article `news` ("v0"),
/// and the outbox drained, so that no notification of that work is still on its way.
async fn setup(a: &TestApp) -> Result<Setup> {
    let b = a.spawn_second_tweaked(long_ttl).await?;
    let owner = a.signup("owner@sync.example.com").await?;
    let site = a.create_site(&owner.token, DOMAIN, &["en"]).await?;
    let editor = a.signup("editor@sync.example.com").await?;
    ok(&a
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"editor@sync.example.com\", role: EDITOR) { role } }",
            json!({ "s": site }),
        )
        .await?)?;
    let article = a
        .create_article(
            &editor.token,
            json!({ "siteId": site, "title": "v0", "slug": "news" }),
        )
        .await?;
    let id = str_at(&article, "/id")?;
    a.publish(&editor.token, &id).await?;
    outbox_drained(a).await?;
    Ok(Setup {
        b,
        owner: owner.token,
        editor: editor.token,
        site,
        id,
    })
}

/// Waits until the outbox has no work left, and the notifications of the workers' last work have
/// landed: from then on, only what a test does empties a cache.
async fn outbox_drained(app: &TestApp) -> Result<()> {
    let started = Instant::now();
    while !entities::outbox::Entity::find()
        .filter(entities::outbox::Column::DoneAt.is_null())
        .all(&app.db)
        .await?
        .is_empty()
    {
        ensure!(
            started.elapsed() < GIVE_UP * 10,
            "the outbox was not drained"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

/// The article's title as an anonymous reader of `server` sees it (cached after the first read).
async fn title_on(server: &TestApp) -> Result<String> {
    let body = server
        .graphql(READ, json!({ "site": DOMAIN, "slug": "news" }))
        .await?;
    str_at(ok(&body)?, "/article/title")
}

/// Changes the title in the database behind the servers' backs: no server is told, so one that
/// answers the old title serves it from its cache.
async fn change_unannounced(app: &TestApp, id: &str, title: &str) -> Result<()> {
    let done = entities::article::Entity::update_many()
        .col_expr(entities::article::Column::Title, Expr::value(title))
        .filter(entities::article::Column::Id.eq(uuid::Uuid::parse_str(id)?))
        .exec(&app.db)
        .await?;
    ensure!(done.rows_affected == 1, "the article was not changed");
    Ok(())
}

/// Sets the title through `server` as the editor.
async fn change_through(server: &TestApp, editor: &str, id: &str, title: &str) -> Result<()> {
    ok(&server
        .graphql_as(
            editor,
            "mutation($id: ID!, $t: String!) { updateArticle(id: $id, input: { title: $t }) { title } }",
            json!({ "id": id, "t": title }),
        )
        .await?)?;
    Ok(())
}

/// How long after `since` `server` first answers `title`; an error after [`GIVE_UP`].
async fn until_seen(server: &TestApp, title: &str, since: Instant) -> Result<Duration> {
    loop {
        let seen = title_on(server).await?;
        if seen == title {
            return Ok(since.elapsed());
        }
        if since.elapsed() > GIVE_UP {
            bail!("after {GIVE_UP:?} the server still answers {seen:?}, not {title:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Asserts `server` answers `title` (from its cache) for `during`.
async fn keeps_answering(server: &TestApp, title: &str, during: Duration) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < during {
        let seen = title_on(server).await?;
        ensure!(
            seen == title,
            "the cache was emptied without a notification: {seen:?} instead of {title:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

async fn a_change_through_one_server_reaches_the_others_cache_within_100_ms(
    a: TestApp,
) -> Result<()> {
    let Setup {
        b,
        owner,
        editor,
        site,
        id,
    } = setup(&a).await?;
    assert_eq!(title_on(&b).await?, "v0");
    // B serves from its cache: a change it is not told of does not show.
    change_unannounced(&a, &id, "unannounced").await?;
    keeps_answering(&b, "v0", Duration::from_millis(200)).await?;

    // Measured from A's answer to the mutation to B's first answer with the new title. The
    // promise is held against the best of several runs, not each: on a loaded 2-core CI machine
    // one run can lose tens of milliseconds to a busy CPU (the test's own polling included)
    // without the notification being late. A mechanism that does not work fails every run at
    // GIVE_UP (far below the TTL), and one that is slow fails the best of them.
    let mut samples = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        let title = format!("v{run}");
        change_through(&a, &editor, &id, &title).await?;
        let answered = Instant::now();
        samples.push(until_seen(&b, &title, answered).await?);
        // B has cached the new title again: the next run starts from a cached entry.
        assert_eq!(title_on(&b).await?, title);
    }
    let mut sorted = samples.clone();
    sorted.sort();
    wharf_tests::loud(&format!(
        "cache_sync: a change through A reached B's cache after (ms, run order) {:?}",
        samples.iter().map(Duration::as_millis).collect::<Vec<_>>()
    ));
    ensure!(
        sorted[0] <= BOUND,
        "the best of {RUNS} runs took {:?} (all: {samples:?}); the bound is {BOUND:?}",
        sorted[0]
    );

    // A change that gives the outbox no work (a site's name) is told as well: the notification
    // comes from the mutation itself, not from the outbox worker that follows an article's.
    let name = "{ site(domain: \"sync.example.com\") { name } }";
    let name_on = async |server: &TestApp| -> Result<String> {
        str_at(ok(&server.graphql(name, json!({})).await?)?, "/site/name")
    };
    outbox_drained(&a).await?;
    assert_eq!(name_on(&b).await?, DOMAIN);
    entities::site::Entity::update_many()
        .col_expr(entities::site::Column::Name, Expr::value("Unannounced"))
        .exec(&a.db)
        .await?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(200) {
        assert_eq!(name_on(&b).await?, DOMAIN, "served from B's cache");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ok(&a
        .graphql_as(
            &owner,
            "mutation($id: ID!) { updateSite(id: $id, input: { name: \"Renamed\" }) { name } }",
            json!({ "id": site }),
        )
        .await?)?;
    let renamed = Instant::now();
    while name_on(&b).await? != "Renamed" {
        ensure!(renamed.elapsed() < GIVE_UP, "B still answers the old name");
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

async fn a_server_that_loses_its_listening_connection_empties_its_cache_and_listens_again(
    a: TestApp,
) -> Result<()> {
    let Setup { b, editor, id, .. } = setup(&a).await?;
    let port: u16 = b
        .address
        .rsplit(':')
        .next()
        .context("no port in the address")?
        .parse()?;
    let name = wharf::cache_sync::application_name(port);
    let before = listening_backend(&a, &name, None).await?;
    assert_eq!(title_on(&b).await?, "v0");
    // A change B does not hear of, as if its notification came while B was not listening.
    change_unannounced(&a, &id, "missed").await?;
    keeps_answering(&b, "v0", Duration::from_millis(200)).await?;

    // PostgreSQL ends B's listening connection (as a restart or a failover would).
    let killed =
        a.db.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend($1)",
            [before.into()],
        ))
        .await?
        .context("no answer from pg_terminate_backend")?;
    ensure!(
        killed.try_get_by_index::<bool>(0)?,
        "the backend was not ended"
    );
    // B drops what it may have missed: its cache is emptied, the change shows.
    until_seen(&b, "missed", Instant::now()).await?;
    let after = listening_backend(&a, &name, Some(before)).await?;
    ensure!(after != before);
    // Just after LISTEN returns B empties its cache once more; then it is quiet again.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Listening again: a change it is not told of does not show (no more emptying while deaf)...
    assert_eq!(title_on(&b).await?, "missed");
    change_unannounced(&a, &id, "unannounced").await?;
    keeps_answering(&b, "missed", Duration::from_millis(300)).await?;
    // ...and one made through A does, by its notification.
    change_through(&a, &editor, &id, "heard").await?;
    let took = until_seen(&b, "heard", Instant::now()).await?;
    wharf_tests::loud(&format!(
        "cache_sync: after the reconnection, a change through A reached B's cache after {} ms",
        took.as_millis()
    ));
    Ok(())
}

/// The backend PID of the connection named `name` once it has run `LISTEN` and is idle, other
/// than `not` (a connection that was ended); waits for it up to [`GIVE_UP`] times ten.
async fn listening_backend(app: &TestApp, name: &str, not: Option<i32>) -> Result<i32> {
    let started = Instant::now();
    loop {
        let rows = app
            .db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = $1 AND state = 'idle' AND query LIKE 'LISTEN%'",
                [name.into()],
            ))
            .await?;
        let mut pids: Vec<i32> = rows
            .iter()
            .map(|r| r.try_get_by_index::<i32>(0))
            .collect::<Result<_, _>>()?;
        // An ended backend may still show for a moment.
        pids.retain(|pid| Some(*pid) != not);
        match pids.as_slice() {
            [pid] => return Ok(*pid),
            [_, _, ..] => bail!("more than one listening connection named {name:?}: {pids:?}"),
            _ => {}
        }
        ensure!(
            started.elapsed() < GIVE_UP * 10,
            "no listening connection named {name:?} (other than {not:?})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
