//! Health, readiness, request IDs, metrics, the way browsers reach the API explorer, and
//! cross-origin requests from storefront pages.
use anyhow::Result;
use wharf::Settings;
use wharf_tests::{TestApp, e2e};

e2e!(
    health_and_readiness_answer,
    browsers_asking_for_graphql_are_sent_to_the_explorer,
    without_allowed_origins_no_cors_header_is_sent
);

fn one_storefront_origin(s: &mut Settings) {
    s.cors_allowed_origins = vec!["https://shop.example.com".into()];
}

e2e!(settings = one_storefront_origin; an_allowed_origin_may_call_the_api_and_others_get_no_cors_headers);

const PING: &str = r#"{"query":"{ __typename }"}"#;

/// A `POST /graphql` from a page of `origin`.
async fn post_from(app: &TestApp, origin: &str) -> Result<reqwest::Response> {
    Ok(app
        .client
        .post(format!("{}/graphql", app.address))
        .header("origin", origin)
        .header("content-type", "application/json")
        .body(PING)
        .send()
        .await?)
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn an_allowed_origin_may_call_the_api_and_others_get_no_cors_headers(
    app: TestApp,
) -> Result<()> {
    // The preflight a browser sends before a POST with a bearer token.
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await?;
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        header(&preflight, "access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    let methods = header(&preflight, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = header(&preflight, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert_eq!(header(&preflight, "access-control-max-age"), Some("3600"));
    assert_eq!(header(&preflight, "access-control-allow-credentials"), None);

    let allowed = post_from(&app, "https://shop.example.com").await?;
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    let exposed = header(&allowed, "access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("x-request-id"),
        "{exposed}"
    );
    assert!(
        header(&allowed, "vary")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("origin"),
        "answers differ by origin, so caches must keep them apart"
    );
    let body: serde_json::Value = allowed.json().await?;
    assert_eq!(body["data"]["__typename"], "Query");

    // Another origin, or a look-alike, gets its answer without CORS headers (the browser
    // then keeps the page from reading it); the request itself is not refused.
    for other in [
        "https://evil.example.com",
        "https://shop.example.com.evil.net",
        "http://shop.example.com",
    ] {
        let resp = post_from(&app, other).await?;
        assert_eq!(resp.status().as_u16(), 200, "{other}");
        assert_eq!(
            header(&resp, "access-control-allow-origin"),
            None,
            "{other}"
        );
    }
    Ok(())
}

async fn without_allowed_origins_no_cors_header_is_sent(app: TestApp) -> Result<()> {
    let resp = post_from(&app, "https://shop.example.com").await?;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(header(&resp, "access-control-allow-origin"), None);
    Ok(())
}

async fn health_and_readiness_answer(app: TestApp) -> Result<()> {
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await?;
    assert_eq!(health.status().as_u16(), 200);
    let ready: serde_json::Value = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ready["checks"]["database"], "ok");
    assert_eq!(ready["status"], "ready");
    Ok(())
}

/// `GET /graphql` without a query sends a browser to the Studio's explorer, a page of this
/// server under the Studio's strict CSP (it loads nothing from any other host).
async fn browsers_asking_for_graphql_are_sent_to_the_explorer(app: TestApp) -> Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let resp = client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 302);
    assert_eq!(resp.headers()["location"], "/studio/explorer");

    let page = client
        .get(format!("{}/studio/explorer", app.address))
        .send()
        .await?;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()?
            .starts_with("text/html")
    );
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("http"), "no other host: {csp}");
    assert!(page.text().await?.contains("/studio/assets/app.js"));

    // The explorer itself ships in the binary.
    let script = client
        .get(format!("{}/studio/assets/pages/explorer.js", app.address))
        .send()
        .await?;
    assert_eq!(script.status().as_u16(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()?
            .starts_with("text/javascript")
    );
    Ok(())
}

e2e!(
    metrics_count_operations_and_report_pool_and_outbox,
    every_response_carries_a_request_id
);

async fn metrics_count_operations_and_report_pool_and_outbox(app: TestApp) -> Result<()> {
    let body = serde_json::json!({ "query": "query MetricsProbe { viewer { id } }", "operationName": "MetricsProbe" });
    app.client
        .post(format!("{}/graphql", app.address))
        .json(&body)
        .send()
        .await?;
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        text.contains("wharf_graphql_operations_total{operation=\"MetricsProbe\",outcome=\"ok\"}"),
        "{text}"
    );
    assert!(text.contains(
        "wharf_graphql_operation_seconds_bucket{operation=\"MetricsProbe\",le=\"+Inf\"}"
    ));
    for series in [
        "wharf_db_pool_connections{state=\"open\"}",
        "wharf_outbox_pending",
        "wharf_outbox_lag_seconds",
        "wharf_db_statements_total",
        "wharf_link_checks_total{outcome=\"live\"}",
        "wharf_http_responses_total{class=\"2xx\"}",
    ] {
        assert!(text.contains(series), "{series} missing");
    }
    Ok(())
}

async fn every_response_carries_a_request_id(app: TestApp) -> Result<()> {
    let fresh = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await?;
    let id = fresh
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(id.len(), 36, "a generated UUID: {id:?}");
    let given = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "trace-abc_123")
        .send()
        .await?;
    assert_eq!(
        given
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("trace-abc_123")
    );
    let hostile = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "a b\"c")
        .send()
        .await?;
    assert_ne!(
        hostile
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("a b\"c")
    );
    Ok(())
}
