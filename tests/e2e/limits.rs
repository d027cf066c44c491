//! Rate limits: sign-in per account and IP, anonymous requests per IP, API tokens per token.
use anyhow::Result;
use serde_json::json;
use wharf::Settings;
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

fn tight(s: &mut Settings) {
    s.rate_limit_sign_in_account_per_minute = 3;
    s.rate_limit_sign_in_ip_per_minute = 100;
    s.rate_limit_anonymous_per_minute = 5;
    s.rate_limit_token_per_minute = 3;
}

e2e!(settings = tight; sign_in_attempts_are_limited_per_account, anonymous_callers_and_tokens_are_limited_with_retry_after);

const LOGIN: &str =
    "mutation($e: String!) { login(email: $e, password: \"wrong password\") { accessToken } }";

async fn sign_in_attempts_are_limited_per_account(app: TestApp) -> Result<()> {
    let auth = app.signup("ann@example.com").await?;
    // The signup was the first attempt for this account.
    for _ in 0..2 {
        let body = app
            .graphql_as(&auth.token, LOGIN, json!({ "e": "ann@example.com" }))
            .await?;
        assert_eq!(error_code(&body)?, "UNAUTHENTICATED");
        assert_eq!(
            body["errors"][0]["extensions"]["reason"],
            "WRONG_CREDENTIALS"
        );
    }
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&auth.token)
        .json(&json!({ "query": LOGIN, "variables": { "e": "ANN@example.com" } }))
        .send()
        .await?;
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: serde_json::Value = resp.json().await?;
    assert_eq!(error_code(&body)?, "RATE_LIMITED");
    let extensions = &body["errors"][0]["extensions"];
    assert!(extensions["retryAfter"].as_u64() >= Some(1));
    assert_eq!(extensions["reason"], "RATE_LIMITED");
    assert_eq!(extensions["params"]["seconds"], extensions["retryAfter"]);
    assert!(retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| s >= 1)));
    let other = app
        .graphql_as(&auth.token, LOGIN, json!({ "e": "bob@example.com" }))
        .await?;
    assert_eq!(
        error_code(&other)?,
        "UNAUTHENTICATED",
        "another account is not limited"
    );
    Ok(())
}

async fn anonymous_callers_and_tokens_are_limited_with_retry_after(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@example.com").await?;
    let created = app
        .graphql_as(&owner.token, "mutation { createApiToken(input: { name: \"t\", scopes: [\"content:read\"] }) { token } }", json!({}))
        .await?;
    let token = str_at(ok(&created)?, "/createApiToken/token")?;
    // The signup above was anonymous: 4 more anonymous requests pass, the next is refused.
    for _ in 0..4 {
        ok(&app.graphql("{ sites { totalCount } }", json!({})).await?)?;
    }
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ sites { totalCount } }" }))
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().contains_key("retry-after"));
    let body: serde_json::Value = resp.json().await?;
    assert_eq!(error_code(&body)?, "RATE_LIMITED");
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(extensions["reason"], "RATE_LIMITED");
    assert!(
        extensions["params"]["seconds"].as_u64() >= Some(1),
        "{body}"
    );
    // Signed-in users are not limited per IP; tokens are limited per token.
    ok(&app
        .graphql_as(&owner.token, "{ viewer { id } }", json!({}))
        .await?)?;
    for _ in 0..3 {
        ok(&app
            .graphql_as(&token, "{ viewer { id } }", json!({}))
            .await?)?;
    }
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 429);
    Ok(())
}
