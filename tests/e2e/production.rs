//! What a production server shows strangers: no field suggestions.
use anyhow::Result;
use serde_json::json;
use wharf::Settings;
use wharf::config::Environment;
use wharf_tests::{TestApp, e2e, e2e_with, error_code};

fn production(s: &mut Settings) {
    s.environment = Environment::Production;
}

e2e_with!(super::production;
    production_validation_errors_suggest_no_field_names,
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
