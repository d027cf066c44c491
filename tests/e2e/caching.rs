//! Cacheable reads: GET, automatic persisted queries, ETag and Cache-Control, and the anonymous
//! response cache that a change empties at once.
use anyhow::Result;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wharf_tests::{TestApp, e2e, error_code, ok};

e2e!(
    anonymous_reads_over_get_carry_etag_and_cache_control,
    mutations_over_get_are_refused,
    persisted_queries_are_registered_then_sent_by_hash,
    a_change_empties_the_response_cache_at_once,
);

const COUNT: &str = "{ articles(filter: { site: \"cache.example.com\" }) { totalCount } }";

fn url(app: &TestApp, params: &[(&str, &str)]) -> String {
    let qs: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}/graphql?{qs}", app.address)
}

async fn anonymous_reads_over_get_carry_etag_and_cache_control(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@cache.example.com").await?;
    app.create_site(&owner.token, "cache.example.com", &["en"])
        .await?;
    let first = app
        .client
        .get(url(&app, &[("query", COUNT)]))
        .send()
        .await?;
    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(first.headers()["cache-control"], "public, max-age=5");
    let etag = first.headers()["etag"].to_str()?.to_owned();
    let body: Value = first.json().await?;
    assert_eq!(ok(&body)?["articles"]["totalCount"], 0);
    let again = app
        .client
        .get(url(&app, &[("query", COUNT)]))
        .header("if-none-match", &etag)
        .send()
        .await?;
    assert_eq!(again.status().as_u16(), 304);
    let signed_in = app
        .client
        .get(url(&app, &[("query", "{ viewer { id } }")]))
        .bearer_auth(&owner.token)
        .send()
        .await?;
    assert_eq!(signed_in.headers()["cache-control"], "private, no-store");
    Ok(())
}

async fn mutations_over_get_are_refused(app: TestApp) -> Result<()> {
    let mutation = "mutation { register(input: { email: \"get@example.com\", password: \"long enough 1\" }) { accessToken } }";
    let resp: Value = app
        .client
        .get(url(&app, &[("query", mutation)]))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(error_code(&resp)?, "BAD_USER_INPUT");
    assert_eq!(
        resp["errors"][0]["extensions"]["reason"],
        "METHOD_NOT_ALLOWED"
    );
    let login = app.graphql("mutation { login(email: \"get@example.com\", password: \"long enough 1\") { accessToken } }", json!({})).await?;
    assert_eq!(
        error_code(&login)?,
        "UNAUTHENTICATED",
        "the GET mutation must not have run"
    );
    Ok(())
}

async fn persisted_queries_are_registered_then_sent_by_hash(app: TestApp) -> Result<()> {
    let query = "{ sites { totalCount } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let unknown = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "extensions": ext }))
        .send()
        .await?;
    let unknown: Value = unknown.json().await?;
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(error_code(&unknown)?, "PERSISTED_QUERY_NOT_FOUND");
    let wrong: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ sites { edges { node { id } } } }", "extensions": ext }))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(error_code(&wrong)?, "BAD_USER_INPUT");
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"],
        "extensions.persistedQuery.sha256Hash"
    );
    let register: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "extensions": ext }))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ok(&register)?["sites"]["totalCount"], 0);
    let by_hash = app
        .client
        .get(url(&app, &[("extensions", &ext.to_string())]))
        .send()
        .await?;
    assert_eq!(by_hash.status().as_u16(), 200);
    assert!(by_hash.headers().contains_key("etag"));
    let body: Value = by_hash.json().await?;
    assert_eq!(ok(&body)?["sites"]["totalCount"], 0);
    Ok(())
}

async fn a_change_empties_the_response_cache_at_once(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@cache.example.com").await?;
    let site = app
        .create_site(&owner.token, "cache.example.com", &["en"])
        .await?;
    assert_eq!(
        ok(&app.graphql(COUNT, json!({})).await?)?["articles"]["totalCount"],
        0
    );
    assert_eq!(
        ok(&app.graphql(COUNT, json!({})).await?)?["articles"]["totalCount"],
        0,
        "now served from the cache"
    );
    let a = app
        .create_article(&owner.token, json!({ "siteId": site, "title": "Fresh" }))
        .await?;
    app.publish(&owner.token, a["id"].as_str().unwrap_or_default())
        .await?;
    assert_eq!(
        ok(&app.graphql(COUNT, json!({})).await?)?["articles"]["totalCount"],
        1,
        "the publication emptied the cache"
    );
    Ok(())
}
