//! Malformed requests and GraphQL limits: each gets a clear code and changes nothing.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok};

e2e!(
    malformed_json_is_a_bad_request,
    unknown_fields_and_wrong_types_are_bad_user_input,
    an_oversized_request_is_refused_before_it_is_read,
    queries_that_are_too_deep_or_too_costly_are_refused,
    internal_details_never_reach_the_client,
    aliases_batches_and_long_queries_each_have_their_own_refusal,
);

async fn malformed_json_is_a_bad_request(app: TestApp) -> Result<()> {
    for body in [
        &b"{\"query\": "[..],
        b"not json",
        b"[]",
        b"{\"variables\": {}}",
    ] {
        let (status, json) = app.post_raw("application/json", body.to_vec()).await?;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(body));
        assert_eq!(error_code(&json)?, "BAD_USER_INPUT");
    }
    let (status, json) = app
        .post_raw("text/plain", b"{ viewer { id } }".to_vec())
        .await?;
    assert_eq!(status, 400);
    assert_eq!(error_code(&json)?, "BAD_USER_INPUT");
    let (_, parse) = app
        .post_raw(
            "application/json",
            serde_json::to_vec(&json!({ "query": "{ viewer { " }))?,
        )
        .await?;
    assert_eq!(error_code(&parse)?, "BAD_USER_INPUT");
    Ok(())
}

async fn unknown_fields_and_wrong_types_are_bad_user_input(app: TestApp) -> Result<()> {
    let unknown = app.graphql("{ viewer { id shoeSize } }", json!({})).await?;
    assert_eq!(error_code(&unknown)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&unknown).as_deref(), Some("shoeSize"));
    let auth = app.signup("ann@example.com").await?;
    let create = "mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }";
    let extra = app
        .graphql_as(
            &auth.token,
            create,
            json!({ "input": { "name": "x", "domain": "x.com", "color": "red" } }),
        )
        .await?;
    assert_eq!(error_code(&extra)?, "BAD_USER_INPUT");
    let wrong_type = app
        .graphql_as(
            &auth.token,
            create,
            json!({ "input": { "name": 42, "domain": "x.com" } }),
        )
        .await?;
    assert_eq!(error_code(&wrong_type)?, "BAD_USER_INPUT");
    let missing = app
        .graphql_as(&auth.token, create, json!({ "input": { "name": "x" } }))
        .await?;
    assert_eq!(error_code(&missing)?, "BAD_USER_INPUT");
    let inline = app
        .graphql_as(
            &auth.token,
            "mutation { createSite(input: { name: 1, domain: \"x.com\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&inline)?, "BAD_USER_INPUT");
    let sites = app.graphql("{ sites { totalCount } }", json!({})).await?;
    assert_eq!(ok(&sites)?["sites"]["totalCount"], 0);
    Ok(())
}

async fn an_oversized_request_is_refused_before_it_is_read(app: TestApp) -> Result<()> {
    let huge = json!({ "query": "{ viewer { id } }", "variables": { "pad": "x".repeat(5 * 1024 * 1024) } });
    let (status, body) = app
        .post_raw("application/json", serde_json::to_vec(&huge)?)
        .await?;
    assert_eq!(status, 413);
    assert_eq!(error_code(&body)?, "PAYLOAD_TOO_LARGE");
    Ok(())
}

async fn queries_that_are_too_deep_or_too_costly_are_refused(app: TestApp) -> Result<()> {
    let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } }";
    let body = app.graphql(deep, json!({})).await?;
    assert_eq!(error_code(&body)?, "QUERY_TOO_DEEP");
    let aliases: String = (0..30)
        .map(|i| format!("a{i}: articles(first: 100) {{ edges {{ node {{ id title slug tags {{ id name }} }} }} }} "))
        .collect();
    let costly = app.graphql(&format!("{{ {aliases} }}"), json!({})).await?;
    assert_eq!(error_code(&costly)?, "QUERY_TOO_COMPLEX");
    Ok(())
}

async fn internal_details_never_reach_the_client(app: TestApp) -> Result<()> {
    // Every error seen over the suite has a code from the fixed table; none carries SQL text.
    let auth = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&auth.token, "leak.example.com", &["en"])
        .await?;
    let body = app
        .graphql_as(&auth.token, "mutation($s: ID!) { a: createTag(input: { siteId: $s, name: \"Dup\" }) { id } b: createTag(input: { siteId: $s, name: \"dup\" }) { id } }", json!({ "s": site }))
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT");
    let text = body.to_string().to_lowercase();
    for leak in ["sqlite", "postgres", "constraint", "select ", "insert "] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    Ok(())
}

async fn aliases_batches_and_long_queries_each_have_their_own_refusal(app: TestApp) -> Result<()> {
    let aliases: String = (0..31).map(|i| format!("a{i}: viewer {{ id }} ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({})).await?;
    assert_eq!(error_code(&body)?, "TOO_MANY_ALIASES");
    let ops: Vec<_> = (0..11)
        .map(|_| json!({ "query": "{ viewer { id } }" }))
        .collect();
    let (status, batch) = app
        .post_raw("application/json", serde_json::to_vec(&ops)?)
        .await?;
    assert_eq!(
        (status, error_code(&batch)?),
        (400, "BATCH_TOO_LARGE".to_owned())
    );
    let ops: Vec<_> = (0..2)
        .map(|_| json!({ "query": "{ viewer { id } }" }))
        .collect();
    let (status, two) = app
        .post_raw("application/json", serde_json::to_vec(&ops)?)
        .await?;
    assert_eq!(status, 200);
    assert_eq!(two.as_array().map(Vec::len), Some(2));
    let long = format!("{{ viewer {{ id }} }} #{}", "x".repeat(40 * 1024));
    let (status, body) = app
        .post_raw(
            "application/json",
            serde_json::to_vec(&json!({ "query": long }))?,
        )
        .await?;
    assert_eq!(
        (status, error_code(&body)?),
        (413, "QUERY_TOO_LARGE".to_owned())
    );
    Ok(())
}
