//! `wharf import` / `wharf export`: markdown with front matter in, the same format out.
use anyhow::Result;
use serde_json::json;
use wharf::auth::Principal;
use wharf::services::article::transfer::{export_dir, import_dir, parse_file};
use wharf_tests::{TestApp, e2e, ok};

const LIMITS: wharf::services::article::BodyLimits = wharf::services::article::BodyLimits {
    max_bytes: 1 << 20,
    render_budget: std::time::Duration::from_secs(10),
};

e2e!(importing_twice_updates_in_place_and_export_writes_the_same_format);

fn err(e: wharf::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

async fn importing_twice_updates_in_place_and_export_writes_the_same_format(
    app: TestApp,
) -> Result<()> {
    let admin = wharf::services::user::ensure_admin(
        &app.db,
        "root@example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(err)?;
    let owner = app.signup("owner@import.example.com").await?;
    app.create_site(&owner.token, "import.example.com", &["en", "zh-CN"])
        .await?;
    let site = wharf::services::site::find_site(&app.db, "site", "import.example.com")
        .await
        .map_err(err)?;
    let principal = Principal::User {
        user_id: admin.id,
        is_admin: true,
    };
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("canton-fair.md"),
        "---\ntitle: Canton Fair guide\ntags: [Fairs, China]\npublished_at: 2026-04-15T08:00:00Z\n---\n# Canton Fair\n\nPhase 1 opens in April.\n",
    )?;
    std::fs::create_dir(dir.path().join("zh"))?;
    std::fs::write(
        dir.path().join("zh/guangjiaohui.md"),
        "---\ntitle: 广交会指南\nslug: 广交会指南\nlocale: zh-CN\ntranslation_of: canton-fair\ntags: [展会]\n---\n# 广交会\n\n第一期四月开幕。\n",
    )?;
    std::fs::write(dir.path().join("broken.md"), "no front matter here")?;

    let first = import_dir(&app.db, &principal, &site, dir.path(), LIMITS)
        .await
        .map_err(err)?;
    assert_eq!(
        (first.created, first.updated, first.failed.len()),
        (2, 0, 1)
    );
    assert_eq!(
        (
            first.created_published,
            first.created_scheduled,
            first.created_drafts
        ),
        (1, 0, 1),
        "the file without published_at is a draft, and the report says so"
    );
    std::fs::write(
        dir.path().join("canton-fair.md"),
        "---\ntitle: Canton Fair guide (2026)\ntags: [Fairs]\npublished_at: 2026-04-15T08:00:00Z\n---\nUpdated.\n",
    )?;
    let second = import_dir(&app.db, &principal, &site, dir.path(), LIMITS)
        .await
        .map_err(err)?;
    assert_eq!(
        (second.created, second.updated),
        (0, 2),
        "a re-import updates by slug"
    );

    let read = app
        .graphql("{ article(site: \"import.example.com\", slug: \"canton-fair\") { title publishedAt tags { name } translations { locale slug } } }", json!({}))
        .await?;
    let a = &ok(&read)?["article"];
    assert_eq!(a["title"], "Canton Fair guide (2026)");
    assert_eq!(a["publishedAt"], "2026-04-15T08:00:00+00:00");
    assert_eq!(a["tags"], json!([{ "name": "Fairs" }]));
    let drafts = app.graphql_as(&owner.token, "{ articles(filter: { site: \"import.example.com\", locale: \"zh-CN\", status: DRAFT }) { edges { node { slug translations { slug } } } } }", json!({})).await?;
    assert_eq!(
        ok(&drafts)?["articles"]["edges"][0]["node"]["translations"],
        json!([{ "slug": "canton-fair" }])
    );

    // A future published_at on a published article would take it offline: refused, unchanged.
    std::fs::write(
        dir.path().join("canton-fair.md"),
        "---\ntitle: Canton Fair guide (moved)\npublished_at: 2099-01-01T00:00:00Z\n---\nLater.\n",
    )?;
    let third = import_dir(&app.db, &principal, &site, dir.path(), LIMITS)
        .await
        .map_err(err)?;
    let refused: Vec<&String> = third.failed.iter().map(|(_, why)| why).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused.iter().any(|why| why.starts_with("published_at: ")),
        "{refused:?}"
    );
    let read = app
        .graphql(
            "{ article(site: \"import.example.com\", slug: \"canton-fair\") { title status } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        ok(&read)?["article"],
        json!({ "title": "Canton Fair guide (2026)", "status": "PUBLISHED" })
    );

    let out = tempfile::tempdir()?;
    assert_eq!(
        export_dir(&app.db, &site, out.path()).await.map_err(err)?,
        2
    );
    let (front, body) = parse_file(&std::fs::read_to_string(
        out.path().join("zh-CN/广交会指南.md"),
    )?)
    .map_err(anyhow::Error::msg)?;
    assert_eq!(front.translation_of.as_deref(), Some("canton-fair"));
    assert_eq!(front.tags, vec!["展会"]);
    assert!(body.contains("第一期四月开幕"));
    // What export wrote imports again without changes to the count.
    let again = import_dir(&app.db, &principal, &site, out.path(), LIMITS)
        .await
        .map_err(err)?;
    assert_eq!(
        (again.created, again.updated, again.failed.len()),
        (0, 2, 0)
    );
    Ok(())
}
