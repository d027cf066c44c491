//! What a production server shows strangers: no field suggestions, no way from `/graphql` to the
//! API explorer unless turned on, and `/metrics` only to the holder of its token.
use anyhow::Result;
use serde_json::json;
use wharf::Settings;
use wharf::config::Environment;
use wharf_tests::{TestApp, e2e, error_code};

const METRICS_TOKEN: &str = "scrape-token-for-the-tests-0123";

fn production(s: &mut Settings) {
    s.environment = Environment::Production;
}

fn production_with_metrics_token_and_explorer(s: &mut Settings) {
    s.environment = Environment::Production;
    s.metrics_token = Some(METRICS_TOKEN.to_owned().into());
    s.graphiql = Some(true);
}

e2e!(settings = production;
    production_validation_errors_suggest_no_field_names,
    production_sends_no_one_to_the_explorer_and_hides_metrics_by_default,
);
e2e!(settings = production_with_metrics_token_and_explorer;
    metrics_answer_only_the_holder_of_the_metrics_token,
);
e2e!(development_validation_errors_keep_their_suggestions);

/// Misspelt field, argument and directive argument: each answer, with its message.
async fn misspellings(app: &TestApp) -> Result<Vec<String>> {
    let mut messages = Vec::new();
    for query in [
        "{ viewr { id } }",
        "{ sites(firstt: 1) { totalCount } }",
        "{ viewer @include(iff: true) { id } }",
    ] {
        let body = app.graphql(query, json!({})).await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{body}");
        let all: Vec<&str> = body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str())
            .collect();
        messages.push(all.join(" | "));
    }
    Ok(messages)
}

async fn production_validation_errors_suggest_no_field_names(app: TestApp) -> Result<()> {
    for message in misspellings(&app).await? {
        assert!(!message.contains("Did you mean"), "{message}");
    }
    // Introspection is off: the schema reads as null.
    let intro = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await?;
    assert!(intro["data"]["__schema"].is_null(), "{intro}");
    Ok(())
}

async fn development_validation_errors_keep_their_suggestions(app: TestApp) -> Result<()> {
    let messages = misspellings(&app).await?;
    assert!(
        messages[0].contains("Did you mean \"viewer\""),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("Did you mean \"first\""),
        "{messages:?}"
    );
    Ok(())
}

async fn production_sends_no_one_to_the_explorer_and_hides_metrics_by_default(
    app: TestApp,
) -> Result<()> {
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await?;
    assert_eq!(metrics.status().as_u16(), 404);
    assert!(!metrics.text().await?.contains("wharf_"));
    // A browser asking `/graphql` for a page gets the old answer, not the explorer.
    let page = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await?;
    assert_eq!(page.status().as_u16(), 400);
    assert!(!page.headers().contains_key("location"));
    let body: serde_json::Value = page.json().await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "MALFORMED_REQUEST"
    );
    // Reads over GET still work.
    let read = app
        .client
        .get(format!(
            "{}/graphql?query=%7B%20viewer%20%7B%20id%20%7D%20%7D",
            app.address
        ))
        .send()
        .await?;
    assert_eq!(read.status().as_u16(), 200);
    Ok(())
}

async fn metrics_answer_only_the_holder_of_the_metrics_token(app: TestApp) -> Result<()> {
    let url = format!("{}/metrics", app.address);
    let none = app.client.get(&url).send().await?;
    assert_eq!(none.status().as_u16(), 401);
    assert!(none.headers().contains_key("www-authenticate"));
    for wrong in [
        "scrape-token-for-the-tests-0124",
        "scrape-token-for-the-tests-012",
        "",
    ] {
        let resp = app.client.get(&url).bearer_auth(wrong).send().await?;
        assert_eq!(resp.status().as_u16(), 401, "{wrong:?}");
        assert!(!resp.text().await?.contains("wharf_"));
    }
    let right = app
        .client
        .get(&url)
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await?;
    assert_eq!(right.status().as_u16(), 200);
    assert!(right.text().await?.contains("wharf_http_responses_total"));
    // WHARF_GRAPHIQL=true sends browsers from `/graphql` to the explorer in production too.
    let explorer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await?;
    assert_eq!(explorer.status().as_u16(), 302);
    assert_eq!(explorer.headers()["location"], "/studio/explorer");
    Ok(())
}
