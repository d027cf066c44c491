//! Health, readiness and GraphiQL.
use anyhow::Result;
use wharf_tests::{TestApp, e2e};

e2e!(health_and_readiness_answer, graphiql_is_served_to_browsers);

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

async fn graphiql_is_served_to_browsers(app: TestApp) -> Result<()> {
    let resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()?
            .starts_with("text/html")
    );
    assert!(resp.text().await?.to_lowercase().contains("graphiql"));
    Ok(())
}
