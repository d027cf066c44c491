//! GraphQL over WebSocket runs on the same pipeline as HTTP: credentials checked per operation
//! (revocation and expiry close open sockets), the same rate limits per client address, the
//! same size and document checks, cache invalidation after writes; and sockets have limits of
//! their own (connections and subscriptions per address, subscriptions per connection, a
//! `connection_init` deadline). Each of these tests failed before the pipeline was shared.
use anyhow::Result;
use serde_json::{Value, json};
use std::time::Duration;
use wharf::Settings;
use wharf_tests::{TestApp, WsClient, e2e, error_code, ok, str_at};

/// Access tokens that live 2 s; sockets re-check their credential every second.
fn short_tokens(s: &mut Settings) {
    s.access_token_ttl_secs = 2;
    s.ws_recheck_secs = 1;
}

/// Small limits, and the client address taken from `X-Forwarded-For`, so one test can act as
/// several addresses.
fn tight(s: &mut Settings) {
    s.trust_proxy_headers = true;
    s.rate_limit_anonymous_per_minute = 5;
    s.rate_limit_sign_in_ip_per_minute = 3;
    s.rate_limit_sign_in_account_per_minute = 100;
    s.response_cache_ttl_ms = 60_000;
    s.ws_max_connections_per_ip = 2;
    s.ws_max_subscriptions_per_connection = 3;
    s.ws_max_subscriptions_per_ip = 4;
    s.ws_init_timeout_ms = 500;
}

e2e!(a_revoked_api_token_stops_working_on_its_open_socket);
e2e!(settings = short_tokens; an_expired_access_token_closes_its_socket);
e2e!(settings = tight;
    websocket_operations_count_against_the_http_rate_limits,
    sign_in_attempts_over_websocket_are_counted_per_address,
    a_mutation_over_websocket_refreshes_what_anonymous_readers_get,
    oversized_and_malformed_operations_get_the_http_errors_over_websocket,
    sockets_and_subscriptions_are_limited_per_connection_and_address,
    a_socket_without_connection_init_is_closed,
);

const CREATE_ARTICLE: &str =
    "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }";

async fn a_revoked_api_token_stops_working_on_its_open_socket(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@revoke.example.com").await?;
    let site = app
        .create_site(&owner.token, "revoke.example.com", &["en"])
        .await?;
    let created = app
        .graphql_as(
            &owner.token,
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }",
            json!({ "i": { "name": "ci", "scopes": ["content:read", "content:write"] } }),
        )
        .await?;
    let token = str_at(ok(&created)?, "/createApiToken/token")?;
    let token_id = str_at(ok(&created)?, "/createApiToken/apiToken/id")?;
    let mut ws = WsClient::connect_as(&app.address, &token).await?;
    let first = ws
        .run(
            CREATE_ARTICLE,
            json!({ "input": { "siteId": site, "title": "One" } }),
        )
        .await?;
    ok(&first)?;

    let revoked = app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": token_id }),
        )
        .await?;
    ok(&revoked)?;
    let second = ws
        .run(
            CREATE_ARTICLE,
            json!({ "input": { "siteId": site, "title": "Two" } }),
        )
        .await?;
    assert_eq!(error_code(&second)?, "UNAUTHENTICATED", "{second}");
    let (code, reason) = ws.closed().await?;
    assert_eq!(code, 4403, "{reason}");

    let titles = app
        .graphql_as(
            &owner.token,
            "query($s: String!) { articles(filter: { site: $s }) { edges { node { title } } } }",
            json!({ "s": site }),
        )
        .await?;
    let edges = &ok(&titles)?["articles"]["edges"];
    assert_eq!(edges, &json!([{ "node": { "title": "One" } }]), "{titles}");
    Ok(())
}

async fn an_expired_access_token_closes_its_socket(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@expiry.example.com").await?;
    let mut ws = WsClient::connect_as(&app.address, &owner.token).await?;
    let mine = ws.run("{ apiTokens { id } }", json!({})).await?;
    assert_eq!(ok(&mine)?["apiTokens"], json!([]), "{mine}");
    // The token lives 2 s: the server closes the socket when it expires, without waiting for
    // the client to send anything.
    let (code, reason) = ws.closed().await?;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("expired"), "{reason}");
    // A new socket with the expired token is refused at connection_init.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let refused = WsClient::connect_as(&app.address, &owner.token).await;
    assert!(refused.is_err(), "an expired token was accepted");
    Ok(())
}

async fn websocket_operations_count_against_the_http_rate_limits(app: TestApp) -> Result<()> {
    let mut ws = WsClient::connect(&app.address, json!({}), Some("10.1.0.1")).await?;
    let mut codes = Vec::new();
    for _ in 0..7 {
        let body = ws.run("{ viewer { id } }", json!({})).await?;
        codes.push(error_code(&body).unwrap_or_else(|_| "OK".to_owned()));
    }
    assert_eq!(
        codes,
        ["OK", "OK", "OK", "OK", "OK", "RATE_LIMITED", "RATE_LIMITED"],
        "5 anonymous operations a minute per address, as over HTTP"
    );
    // The socket and HTTP share the address's bucket.
    let http = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", "10.1.0.1")
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await?;
    assert_eq!(http.status().as_u16(), 429);
    let mut other = WsClient::connect(&app.address, json!({}), Some("10.1.0.2")).await?;
    let body = other.run("{ viewer { id } }", json!({})).await?;
    ok(&body)?;
    Ok(())
}

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";

async fn sign_in_attempts_over_websocket_are_counted_per_address(app: TestApp) -> Result<()> {
    let mut attacker = WsClient::connect(&app.address, json!({}), Some("10.2.0.1")).await?;
    let mut codes = Vec::new();
    for n in 0..4 {
        let body = attacker
            .run(
                LOGIN,
                json!({ "e": format!("victim{n}@example.com"), "p": "not the password" }),
            )
            .await?;
        codes.push(error_code(&body)?);
    }
    assert_eq!(
        codes,
        [
            "UNAUTHENTICATED",
            "UNAUTHENTICATED",
            "UNAUTHENTICATED",
            "RATE_LIMITED"
        ]
    );
    // Another client's first sign-in is not held up by the attacker's failures.
    let mut other = WsClient::connect(&app.address, json!({}), Some("10.2.0.2")).await?;
    let body = other
        .run(
            LOGIN,
            json!({ "e": "someone@example.com", "p": "not the password" }),
        )
        .await?;
    assert_eq!(error_code(&body)?, "UNAUTHENTICATED", "{body}");
    Ok(())
}

async fn read_title(app: &TestApp, site: &str) -> Result<String> {
    let body: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", "10.3.0.9")
        .json(&json!({
            "query": "query($s: String!) { article(site: $s, slug: \"cached\") { title } }",
            "variables": { "s": site },
        }))
        .send()
        .await?
        .json()
        .await?;
    str_at(ok(&body)?, "/article/title")
}

async fn a_mutation_over_websocket_refreshes_what_anonymous_readers_get(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@cache.example.com").await?;
    let site = app
        .create_site(&owner.token, "cache.example.com", &["en"])
        .await?;
    let a = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Before", "slug": "cached" }),
        )
        .await?;
    let id = a["id"].as_str().unwrap_or_default().to_owned();
    app.publish(&owner.token, &id).await?;
    assert_eq!(read_title(&app, "cache.example.com").await?, "Before");
    let mut ws = WsClient::connect_as(&app.address, &owner.token).await?;
    let updated = ws
        .run(
            "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"After\" }) { title } }",
            json!({ "id": id }),
        )
        .await?;
    ok(&updated)?;
    assert_eq!(
        read_title(&app, "cache.example.com").await?,
        "After",
        "the anonymous response cache (60 s here) was dropped by the write"
    );
    Ok(())
}

async fn oversized_and_malformed_operations_get_the_http_errors_over_websocket(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@size.example.com").await?;
    let mut ws = WsClient::connect_as(&app.address, &owner.token).await?;
    let padding = " ".repeat(40 * 1024);
    let long = format!("{{ apiTokens {{ id }} {padding} }}");
    let many_aliases = format!(
        "{{ {} }}",
        (0..40)
            .map(|i| format!("a{i}: apiTokens {{ id }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for query in [
        long.as_str(),
        many_aliases.as_str(),
        "{ apiTokens { id ",
        "{ nope }",
    ] {
        let over_ws = ws.run(query, json!({})).await?;
        let over_http = app.graphql_as(&owner.token, query, json!({})).await?;
        let code = error_code(&over_ws)?;
        assert_eq!(code, error_code(&over_http)?, "{over_ws} / {over_http}");
        assert_ne!(code, "INTERNAL");
    }
    assert_eq!(
        error_code(&ws.run(&long, json!({})).await?)?,
        "QUERY_TOO_LARGE"
    );
    Ok(())
}

const EVENTS: &str = "subscription { articleEvents(site: \"limits.example.com\") { event } }";

async fn sockets_and_subscriptions_are_limited_per_connection_and_address(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@limits.example.com").await?;
    app.create_site(&owner.token, "limits.example.com", &["en"])
        .await?;
    let init = json!({ "Authorization": format!("Bearer {}", owner.token) });
    let ip = Some("10.4.0.1");
    // Four subscriptions on one socket: three run (nothing is sent for them until an event),
    // one is refused. Which one is up to the server's order of starting them.
    let mut first = WsClient::connect(&app.address, init.clone(), ip).await?;
    for _ in 0..4 {
        first.start(EVENTS, json!({})).await?;
    }
    let (_, refused) = first.any_result().await?;
    assert_eq!(error_code(&refused)?, "RATE_LIMITED", "{refused}");
    assert!(refused.to_string().contains("one connection"), "{refused}");

    // A second socket of the address: one more runs (four in all), the next is refused.
    let mut second = WsClient::connect(&app.address, init.clone(), ip).await?;
    for _ in 0..2 {
        second.start(EVENTS, json!({})).await?;
    }
    let (_, refused) = second.any_result().await?;
    assert_eq!(error_code(&refused)?, "RATE_LIMITED", "{refused}");
    assert!(refused.to_string().contains("one address"), "{refused}");

    let third = WsClient::open(&app.address, ip).await?;
    assert_eq!(third.err().map(|r| r.status), Some(429), "a third socket");
    assert!(
        WsClient::connect(&app.address, init.clone(), Some("10.4.0.2"))
            .await
            .is_ok(),
        "another address has its own count"
    );

    first.close().await?;
    // The server gives the places back once it has seen the close.
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(client) = WsClient::open(&app.address, ip).await? {
            reopened = Some(client);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        reopened.is_some(),
        "the closed socket's place was not given back"
    );
    Ok(())
}

async fn a_socket_without_connection_init_is_closed(app: TestApp) -> Result<()> {
    let Ok(mut silent) = WsClient::open(&app.address, Some("10.5.0.1")).await? else {
        anyhow::bail!("the upgrade was refused");
    };
    let (code, reason) = silent.closed().await?;
    assert_eq!(code, 4408, "{reason}");
    Ok(())
}
