//! Graceful shutdown: a request in flight when the stop comes still gets its answer and its
//! write is kept; new connections are refused; the server and its jobs stop soon after.
use anyhow::{Context, Result, bail, ensure};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wharf_tests::{TestApp, e2e, str_at};

e2e!(a_graceful_stop_answers_the_request_in_flight_refuses_new_ones_and_loses_nothing);

/// Far below the server's 30 s shutdown timeout: a stop that waited for it would fail here.
const STOP_DEADLINE: Duration = Duration::from_secs(10);

async fn a_graceful_stop_answers_the_request_in_flight_refuses_new_ones_and_loses_nothing(
    mut app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@stop.example.com").await?;
    let site = app
        .create_site(&owner.token, "stop.example.com", &["en"])
        .await?;
    let addr = app
        .address
        .strip_prefix("http://")
        .context("address without http://")?
        .to_owned();
    let body = serde_json::to_vec(&json!({
        "query": "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug title status } }",
        "variables": { "input": { "siteId": site, "title": "Written during shutdown", "slug": "in-flight" } },
    }))?;
    let (head, rest) = body.split_at(body.len() / 2);

    // The request is in flight once the server has read its head: with `Expect: 100-continue`
    // it says so (`100 Continue`) before the client sends the body, half of which is then sent.
    let mut conn = TcpStream::connect(&addr).await?;
    let headers = format!(
        "POST /graphql HTTP/1.1\r\nHost: stop.test\r\nContent-Type: application/json\r\n\
         Authorization: Bearer {}\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        owner.token,
        body.len()
    );
    conn.write_all(headers.as_bytes()).await?;
    let interim = read_head(&mut conn).await?;
    ensure!(
        interim.starts_with("HTTP/1.1 100"),
        "expected 100 Continue, got {interim}"
    );
    conn.write_all(head).await?;
    conn.flush().await?;

    // The stop is requested at once; its future resolves when the HTTP server has stopped.
    let stopped = app.stop.stop(true);

    // New connections are refused while the request is still in flight.
    let asked = Instant::now();
    loop {
        match TcpStream::connect(&addr).await {
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => break,
            _ if asked.elapsed() > STOP_DEADLINE => {
                bail!("new connections were still taken {STOP_DEADLINE:?} after the stop")
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    ensure!(
        !app.server.is_finished(),
        "the server stopped before the request in flight was answered"
    );

    conn.write_all(rest).await?;
    let (status, answer) = read_response(&mut conn).await?;
    ensure!(
        status == 200,
        "the request in flight got {status}: {answer}"
    );
    let created = &answer["data"]["createArticle"];
    ensure!(
        answer.get("errors").is_none(),
        "the request in flight failed: {answer}"
    );
    assert_eq!(created["slug"], "in-flight");
    assert_eq!(created["title"], "Written during shutdown");
    let id = str_at(created, "/id")?;

    tokio::time::timeout(STOP_DEADLINE, stopped)
        .await
        .context("the HTTP server did not stop")?;
    tokio::time::timeout(STOP_DEADLINE, &mut app.server)
        .await
        .context("run_until_stopped did not return")???;

    // The accepted write is in the database.
    let stored = entities::article::Entity::find()
        .filter(entities::article::Column::Slug.eq("in-flight"))
        .all(&app.connect_db().await?)
        .await?;
    assert_eq!(
        stored.len(),
        1,
        "exactly one article from the request in flight"
    );
    assert_eq!(stored[0].id.to_string(), id);
    assert_eq!(stored[0].title, "Written during shutdown");
    // And nothing is served any more.
    ensure!(
        TcpStream::connect(&addr).await.is_err(),
        "a stopped server took a connection"
    );
    Ok(())
}

/// Reads an interim response head (`100 Continue`), which has no body, byte by byte so that
/// nothing after it is consumed.
async fn read_head(conn: &mut TcpStream) -> Result<String> {
    let mut buf = Vec::new();
    let read = async {
        while !buf.ends_with(b"\r\n\r\n") {
            buf.push(conn.read_u8().await?);
        }
        Ok::<_, anyhow::Error>(())
    };
    tokio::time::timeout(STOP_DEADLINE, read)
        .await
        .context("no interim response")??;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Reads one HTTP/1.1 response (by `Content-Length`, or to the end of the stream); returns the
/// status and the body as JSON (`Null` when it is not JSON).
async fn read_response(conn: &mut TcpStream) -> Result<(u16, Value)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok());
                if length.is_some_and(|n| buf.len() >= end + 4 + n) {
                    return Ok::<_, anyhow::Error>((end, length));
                }
            }
            let n = conn.read(&mut chunk).await?;
            if n == 0 {
                let end = find(&buf, b"\r\n\r\n")
                    .with_context(|| format!("the connection closed before a response: {buf:?}"))?;
                return Ok((end, None));
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    let (end, length) = tokio::time::timeout(STOP_DEADLINE, read)
        .await
        .context("no response")??;
    let head = String::from_utf8_lossy(&buf[..end]);
    ensure!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "chunked responses are not read here: {head}"
    );
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status in {head}"))?;
    let body = match length {
        Some(n) => &buf[end + 4..end + 4 + n],
        None => &buf[end + 4..],
    };
    Ok((status, serde_json::from_slice(body).unwrap_or(Value::Null)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
