//! Rendering bodies built to be slow: repeated headings (anchor de-duplication used to be
//! quadratic), deep quotes and lists (the sanitizer's work grew with depth × length), and the
//! time budget that bounds any render a request waits for.
use anyhow::Result;
use serde_json::json;
use wharf::Settings;
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

fn one_ms_budget(s: &mut Settings) {
    s.render_budget_ms = 1;
}

e2e!(adversarial_bodies_render_with_unique_anchors_and_capped_nesting);
e2e!(settings = one_ms_budget; a_render_past_its_budget_answers_timeout_and_the_server_stays_up);

const READ: &str = "query($id: ID!) { article(id: $id) { html toc { anchor } } }";

async fn adversarial_bodies_render_with_unique_anchors_and_capped_nesting(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@render.example.com").await?;
    let site = app
        .create_site(&owner.token, "render.example.com", &["en"])
        .await?;
    let headings = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Headings", "body": "# h\n".repeat(20_000) }),
        )
        .await?;
    let id = str_at(&headings, "/id")?;
    let body = app
        .graphql_as(&owner.token, READ, json!({ "id": id }))
        .await?;
    let toc = ok(&body)?["article"]["toc"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(toc.len(), 20_000);
    assert_eq!(toc[19_999]["anchor"], "h-20000");
    let html = str_at(ok(&body)?, "/article/html")?;
    assert!(html.contains("<h1 id=\"h-20000\">h</h1>"));

    for deep in [
        ">".repeat(100_000) + " quoted",
        "- ".repeat(100_000) + "listed",
    ] {
        let a = app
            .create_article(
                &owner.token,
                json!({ "siteId": site, "title": "Deep", "body": deep }),
            )
            .await?;
        let body = app
            .graphql_as(&owner.token, READ, json!({ "id": str_at(&a, "/id")? }))
            .await?;
        let html = str_at(ok(&body)?, "/article/html")?;
        let opened = html.matches("<blockquote>").count() + html.matches("<ul>").count();
        assert!(
            opened <= wharf::content::MAX_NESTING,
            "{opened} levels in the HTML"
        );
        assert!(
            html.contains("quoted") || html.contains("listed"),
            "the text is kept"
        );
    }
    Ok(())
}

async fn a_render_past_its_budget_answers_timeout_and_the_server_stays_up(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@budget.example.com").await?;
    let site = app
        .create_site(&owner.token, "budget.example.com", &["en"])
        .await?;
    let a = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Big", "body": "# h\n\n> - *a* [b](c)\n\n".repeat(20_000) }),
        )
        .await?;
    let body = app
        .graphql_as(&owner.token, READ, json!({ "id": str_at(&a, "/id")? }))
        .await?;
    assert_eq!(error_code(&body)?, "TIMEOUT", "{body}");
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await?;
    assert_eq!(health.status().as_u16(), 200);
    Ok(())
}
