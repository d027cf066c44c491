//! `wharf import` / `wharf export`: markdown with front matter in, the same format out.
use anyhow::Result;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wharf::auth::Principal;
use wharf::services::article::transfer::{export_dir, import_dir, parse_file};
use wharf_tests::{TestApp, e2e, ok};

const LIMITS: wharf::services::article::BodyLimits = wharf::services::article::BodyLimits {
    max_bytes: 1 << 20,
    render_budget: std::time::Duration::from_secs(10),
};

e2e!(importing_twice_updates_in_place_and_export_writes_the_same_format);
e2e!(an_export_imports_again_unchanged_and_exports_the_same_bytes);

fn err(e: wharf::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// The admin who imports, the owner's token, and the owner's site in English and Chinese.
async fn admin_and_site(
    app: &TestApp,
    domain: &str,
) -> Result<(Principal, String, entities::site::Model)> {
    let admin = wharf::services::user::ensure_admin(
        &app.db,
        "root@example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(err)?;
    let owner = app.signup(&format!("owner@{domain}")).await?;
    app.create_site(&owner.token, domain, &["en", "zh-CN"])
        .await?;
    let site = wharf::services::site::find_site(&app.db, "site", domain)
        .await
        .map_err(err)?;
    let principal = Principal::User {
        user_id: admin.id,
        is_admin: true,
    };
    Ok((principal, owner.token, site))
}

async fn importing_twice_updates_in_place_and_export_writes_the_same_format(
    app: TestApp,
) -> Result<()> {
    let (principal, owner_token, site) = admin_and_site(&app, "import.example.com").await?;
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
    let drafts = app.graphql_as(&owner_token, "{ articles(filter: { site: \"import.example.com\", locale: \"zh-CN\", status: DRAFT }) { edges { node { slug translations { slug } } } } }", json!({})).await?;
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

/// Every file under `root`, by its path below `root`.
fn files(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root)?.to_path_buf(),
                    std::fs::read(&path)?,
                );
            }
        }
    }
    Ok(out)
}

/// Front matter with Chinese text, quotes, colons, multi-line values, dates (one with
/// microseconds, one scheduled) and lists goes out, comes back in, and goes out as the same
/// bytes.
async fn an_export_imports_again_unchanged_and_exports_the_same_bytes(app: TestApp) -> Result<()> {
    let (principal, _, site) = admin_and_site(&app, "roundtrip.example.com").await?;
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("guide.md"),
        r#"---
title: 'Trade terms: "FOB" and ''CIF'''
tags: ['Fairs: Canton', '"Quoted"', 外贸]
published_at: 2026-01-05T08:00:00.123456Z
excerpt: |-
  Line one: the terms.
  Line "two", 'quoted'.
---
# Terms

FOB: free on board.
"#,
    )?;
    std::fs::create_dir(dir.path().join("zh"))?;
    std::fs::write(
        dir.path().join("zh/zhinan.md"),
        r#"---
title: '外贸指南："FOB" 与 ''CIF'': 区别'
slug: 外贸指南
locale: zh-CN
translation_of: guide
tags:
- '展会: 广交会'
- 外贸
published_at: 2031-03-01T09:30:00Z
excerpt: |-
  第一行：说明
  第二行 "引" 'a: b'
---
# 指南

内容："引号"
"#,
    )?;
    std::fs::write(
        dir.path().join("draft.md"),
        "---\ntitle: '草稿: 未完'\n---\n还没写完。\n",
    )?;
    let first = import_dir(&app.db, &principal, &site, dir.path(), LIMITS)
        .await
        .map_err(err)?;
    assert_eq!(
        (first.created, first.failed.len()),
        (3, 0),
        "{:?}",
        first.failed
    );

    let out = tempfile::tempdir()?;
    assert_eq!(
        export_dir(&app.db, &site, out.path()).await.map_err(err)?,
        3
    );
    let read = |path: &str| -> Result<_> {
        parse_file(&std::fs::read_to_string(out.path().join(path))?).map_err(anyhow::Error::msg)
    };
    let (front, body) = read("zh-CN/外贸指南.md")?;
    assert_eq!(front.title, r#"外贸指南："FOB" 与 'CIF': 区别"#);
    assert_eq!(front.tags, vec!["展会: 广交会", "外贸"]);
    assert_eq!(front.translation_of.as_deref(), Some("guide"));
    assert_eq!(
        front.published_at.map(|at| at.to_rfc3339()).as_deref(),
        Some("2031-03-01T09:30:00+00:00")
    );
    assert_eq!(
        front.excerpt.as_deref(),
        Some("第一行：说明\n第二行 \"引\" 'a: b'")
    );
    assert_eq!(body, "# 指南\n\n内容：\"引号\"\n");
    let (front, _) = read("en/guide.md")?;
    assert_eq!(front.title, r#"Trade terms: "FOB" and 'CIF'"#);
    assert_eq!(front.tags, vec!["Fairs: Canton", "\"Quoted\"", "外贸"]);
    assert_eq!(
        front.published_at.map(|at| at.to_rfc3339()).as_deref(),
        Some("2026-01-05T08:00:00.123456+00:00")
    );

    let again = import_dir(&app.db, &principal, &site, out.path(), LIMITS)
        .await
        .map_err(err)?;
    assert_eq!(
        (again.created, again.updated, again.failed.len()),
        (0, 3, 0),
        "{:?}",
        again.failed
    );
    let second = tempfile::tempdir()?;
    assert_eq!(
        export_dir(&app.db, &site, second.path())
            .await
            .map_err(err)?,
        3
    );
    let (first, second) = (files(out.path())?, files(second.path())?);
    assert_eq!(first.len(), 3);
    for (path, bytes) in &first {
        assert_eq!(
            second.get(path).map(|b| String::from_utf8_lossy(b)),
            Some(String::from_utf8_lossy(bytes)),
            "{} changed on the second export",
            path.display()
        );
    }
    assert_eq!(first, second);
    Ok(())
}
