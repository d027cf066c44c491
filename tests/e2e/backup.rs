//! Backups and moving to another stack (issue 21): a site filled with every kind of data —
//! members and invitations, sessions and API tokens, articles with translations, revisions and
//! tags, media, webhooks with deliveries, categories and products, an inquiry, a link offer
//! and a live deal with its events and checks — is backed up and restored into an empty stack,
//! and moved to the other database (SQLite ↔ PostgreSQL) with its media moved to S3. Every
//! query a client may send is answered the same by the new stack as by the old, and the old
//! stack's sessions and tokens keep working there.
//!
//! The queries are built from the schema itself (every field without required arguments, a
//! few levels deep), so a field added later is compared too. Left out: media `url`s (signed
//! for the serving host), token `lastUsedAt` (moves as the test uses the tokens).
use crate::inquiries::{inquiry_input, submit};
use crate::market::{ALPHA, BETA, create_offer, deal_op, link_page, party, place, propose, quiet};
use crate::media::{png, upload_ok};
use anyhow::{Context, Result, bail, ensure};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use wharf::backup::{self, TransferTo};
use wharf_tests::receiver::Receiver;
use wharf_tests::{MediaStore, PartnerServer, Stack, TestApp, e2e, fresh_target, ok, str_at};

e2e!(partner = quiet;
    a_backup_restored_into_an_empty_stack_answers_every_query_as_the_original,
    a_transfer_to_the_other_database_and_s3_keeps_every_answer_and_every_session,
    a_damaged_or_newer_backup_is_refused_and_a_full_database_is_not_overwritten,
);

/// What the tests sign in with and ask about.
struct Filled {
    site: String,
    owner: String,
    refresh: String,
    deals_token: String,
    deal: String,
    hook: String,
    media: String,
}

async fn gql_ok(app: &TestApp, token: &str, query: &str, vars: Value) -> Result<Value> {
    let body = app.graphql_as(token, query, vars).await?;
    Ok(ok(&body)?.clone())
}

/// Fills `app` with every kind of data (see the module's documentation).
async fn fill(app: &TestApp, partner: &PartnerServer) -> Result<Filled> {
    let alpha = party(app, partner, ALPHA, false).await?;
    let beta = party(app, partner, BETA, true).await?;
    let login = app
        .graphql(
            "mutation($e: String!) { login(email: $e, password: \"correct horse battery\") { accessToken refreshToken } }",
            json!({ "e": format!("owner@{ALPHA}") }),
        )
        .await?;
    let owner = str_at(ok(&login)?, "/login/accessToken")?;
    let refresh = str_at(ok(&login)?, "/login/refreshToken")?;
    let site = alpha.site.clone();

    // A member who accepted an invitation, and an invitation still pending.
    let invite = "mutation($s: ID!, $e: String!) { inviteSiteMember(siteId: $s, email: $e, role: EDITOR) { token } }";
    let invited = gql_ok(
        app,
        &owner,
        invite,
        json!({ "s": site, "e": "editor@alpha.test" }),
    )
    .await?;
    let token = str_at(&invited, "/inviteSiteMember/token")?;
    ok(&app
        .graphql(
            "mutation($t: String!) { acceptInvitation(token: $t, password: \"walnut orbit cascade harbour\", displayName: \"编辑 李\") { accessToken } }",
            json!({ "t": token }),
        )
        .await?)?;
    gql_ok(
        app,
        &owner,
        invite,
        json!({ "s": site, "e": "later@alpha.test" }),
    )
    .await?;

    let media = upload_ok(
        app,
        &owner,
        &site,
        "阀门 DN50.png",
        "image/png",
        png(40, 30, 2000),
    )
    .await?;
    let media = str_at(&media, "/id")?;
    let receiver = Receiver::start()?;
    let hook = gql_ok(
        app,
        &owner,
        "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
        json!({ "i": { "siteId": site, "url": receiver.url, "events": ["article.published"] } }),
    )
    .await?;
    let hook = str_at(&hook, "/createWebhook/id")?;

    let zh = app
        .create_article(
            &owner,
            json!({
                "siteId": site, "locale": "zh-CN", "slug": "球阀选型", "title": "球阀选型指南",
                "body": "# 球阀\n\n## 材质\n\n不锈钢 304 与 316。\n", "tags": ["阀门", "Valves"],
                "ogImageId": media,
            }),
        )
        .await?;
    let zh = str_at(&zh, "/id")?;
    gql_ok(
        app,
        &owner,
        "mutation($id: ID!) { updateArticle(id: $id, input: { body: \"# 球阀\\n\\n## 材质\\n\\n不锈钢 304、316 与黄铜。\\n\", metaTitle: \"球阀 | Alpha\" }) { version } }",
        json!({ "id": zh }),
    )
    .await?;
    let en = app
        .create_article(&owner, json!({
            "siteId": site, "locale": "en", "slug": "ball-valve-guide", "title": "Ball valve guide",
            "body": "# Ball valves\n\nStainless 304 and 316.\n", "tags": ["Valves"], "translationOf": zh,
        }))
        .await?;
    let en = str_at(&en, "/id")?;
    app.publish(&owner, &zh).await?;
    app.publish(&owner, &en).await?;
    app.create_article(
        &owner,
        json!({ "siteId": site, "title": "草稿 draft", "body": "Not yet." }),
    )
    .await?;
    receiver.wait_for(2, 30).await?;

    let category = "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id } }";
    let valves = gql_ok(app, &owner, category, json!({ "i": { "siteId": site, "slug": "valves",
        "translations": [{ "locale": "zh-CN", "name": "阀门" }, { "locale": "en", "name": "Valves" }] } }))
    .await?;
    let valves = str_at(&valves, "/createCategory/id")?;
    let ball = gql_ok(
        app,
        &owner,
        category,
        json!({ "i": { "siteId": site, "parentId": valves,
        "slug": "ball-valves", "translations": [{ "locale": "zh-CN", "name": "球阀" }] } }),
    )
    .await?;
    let ball = str_at(&ball, "/createCategory/id")?;
    let product = gql_ok(
        app,
        &owner,
        "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
        json!({ "i": { "siteId": site, "locale": "zh-CN", "name": "不锈钢球阀 DN50", "modelNumber": "BV-50",
            "description": "## 规格\n\n| 口径 | DN50 |\n|---|---|\n", "tags": ["阀门"], "categoryIds": [ball],
            "certifications": ["CE", "ISO 9001"], "priceMin": "12.50", "priceMax": "15.00", "currency": "USD",
            "incoterm": "FOB", "incotermPlace": "Ningbo", "moqQuantity": 500, "moqUnit": "pieces",
            "hsCode": "848180", "originCountry": "CN" } }),
    )
    .await?;
    let product = str_at(&product, "/createProduct/id")?;
    gql_ok(
        app,
        &owner,
        "mutation($id: ID!) { publishProduct(id: $id) { status } }",
        json!({ "id": product }),
    )
    .await?;
    submit(
        app,
        inquiry_input(
            &site,
            "buyer@becker.example.de",
            "Price for 2,000 DN50 ball valves, FOB Ningbo?",
        )?,
    )
    .await?;

    let offer = create_offer(app, &alpha, "RECIPROCAL", "machinery").await?;
    let deal = propose(app, &beta, &offer).await?;
    ok(&deal_op(app, &alpha.token, "acceptLinkDeal", &deal).await?)?;
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta Export 外贸"));
    partner.set(BETA, "/links", link_page(ALPHA, "阿尔法 机械"));
    place(
        app,
        &alpha,
        &deal,
        &format!("http://{ALPHA}/partners"),
        &format!("https://www.{BETA}/"),
        "Beta Export 外贸",
    )
    .await?;
    place(
        app,
        &beta,
        &deal,
        &format!("http://{BETA}/links"),
        &format!("https://www.{ALPHA}/"),
        "阿尔法 机械",
    )
    .await?;
    let live = deal_op(app, &beta.token, "checkLinkDeal", &deal).await?;
    ensure!(ok(&live)?["checkLinkDeal"]["status"] == "LIVE", "{live}");
    crate::inquiries::outbox_drained(app).await?;
    Ok(Filled {
        site,
        owner,
        refresh,
        deals_token: alpha.token,
        deal,
        hook,
        media,
    })
}

/// Fields never compared: links signed for the serving host (JSON-LD holds image links too),
/// and when a token was last used.
const VOLATILE: &[&str] = &["url", "srcset", "jsonLd", "lastUsedAt"];

/// The schema's object types: each field's name, whether it can be asked without arguments,
/// and the named type it returns with that type's kind.
type Types = HashMap<String, Vec<(String, bool, String, String)>>;

async fn types(app: &TestApp) -> Result<Types> {
    let q = "{ __schema { types { name kind fields { name args { defaultValue type { kind } }
        type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let body = app.graphql(q, json!({})).await?;
    let mut out = Types::new();
    for t in ok(&body)?["__schema"]["types"]
        .as_array()
        .context("types")?
    {
        let (Some(name), Some(fields)) = (t["name"].as_str(), t["fields"].as_array()) else {
            continue;
        };
        let mut list = Vec::new();
        for f in fields {
            let free = f["args"].as_array().is_none_or(|args| {
                args.iter()
                    .all(|a| a["type"]["kind"] != "NON_NULL" || !a["defaultValue"].is_null())
            });
            let mut ty = &f["type"];
            while ty["name"].is_null() && !ty["ofType"].is_null() {
                ty = &ty["ofType"];
            }
            list.push((
                f["name"].as_str().unwrap_or_default().to_owned(),
                free,
                ty["name"].as_str().unwrap_or_default().to_owned(),
                ty["kind"].as_str().unwrap_or_default().to_owned(),
            ));
        }
        out.insert(name.to_owned(), list);
    }
    Ok(out)
}

/// Every field of `ty` askable without arguments, objects `depth - 1` levels further.
fn selection(types: &Types, ty: &str, depth: usize, skip: &[&str]) -> String {
    let mut parts = Vec::new();
    for (name, free, named, kind) in types.get(ty).map(Vec::as_slice).unwrap_or_default() {
        if !free
            || VOLATILE.contains(&name.as_str())
            || skip.contains(&name.as_str())
            || name.starts_with("__")
        {
            continue;
        }
        match kind.as_str() {
            "SCALAR" | "ENUM" => parts.push(name.clone()),
            "OBJECT" if depth > 1 => {
                let inner = selection(types, named, depth - 1, skip);
                if !inner.is_empty() {
                    parts.push(format!("{name} {{ {inner} }}"));
                }
            }
            _ => {}
        }
    }
    parts.join(" ")
}

/// The answers of every query the test compares, by name.
async fn answers(app: &TestApp, f: &Filled) -> Result<Map<String, Value>> {
    let types = types(app).await?;
    let site = &f.site;
    let owner = Some(f.owner.as_str());
    let roots: Vec<(&str, Option<&str>, String, &str, usize)> = vec![
        ("viewer", owner, "viewer".into(), "User", 3),
        ("site", owner, format!("site(id: \"{site}\")"), "Site", 3),
        (
            "articles",
            owner,
            format!("articles(first: 5, filter: {{ site: \"{site}\" }})"),
            "ArticleConnection",
            3,
        ),
        (
            "article",
            owner,
            format!("article(site: \"{site}\", slug: \"ball-valve-guide\", locale: \"en\")"),
            "Article",
            3,
        ),
        (
            "article as a reader",
            None,
            format!("article(site: \"{site}\", slug: \"球阀选型\")"),
            "Article",
            1,
        ),
        (
            "products",
            owner,
            format!("products(first: 5, filter: {{ site: \"{site}\" }})"),
            "ProductConnection",
            3,
        ),
        (
            "categories",
            owner,
            format!("categories(site: \"{site}\")"),
            "Category",
            3,
        ),
        (
            "media",
            owner,
            format!("media(id: \"{}\")", f.media),
            "Media",
            3,
        ),
        (
            "siteMedia",
            owner,
            format!("siteMedia(site: \"{site}\")"),
            "MediaConnection",
            3,
        ),
        (
            "webhooks",
            owner,
            format!("webhooks(siteId: \"{site}\")"),
            "Webhook",
            2,
        ),
        (
            "deliveries",
            owner,
            format!("webhookDeliveries(webhookId: \"{}\")", f.hook),
            "WebhookDelivery",
            2,
        ),
        (
            "inquiries",
            owner,
            format!("inquiries(site: \"{site}\", first: 5)"),
            "InquiryConnection",
            3,
        ),
        (
            "invitations",
            owner,
            format!("siteInvitations(siteId: \"{site}\")"),
            "SiteInvitation",
            2,
        ),
        ("apiTokens", owner, "apiTokens".into(), "ApiToken", 2),
        (
            "deal",
            Some(f.deals_token.as_str()),
            format!("linkDeal(id: \"{}\")", f.deal),
            "LinkDeal",
            3,
        ),
        (
            "deals",
            Some(f.deals_token.as_str()),
            "linkDeals(first: 5)".into(),
            "LinkDealConnection",
            3,
        ),
        (
            "offers",
            owner,
            "linkOffers(first: 5)".into(),
            "LinkOfferConnection",
            3,
        ),
        (
            "tags",
            owner,
            format!("tags(site: \"{site}\")"),
            "TagConnection",
            3,
        ),
        (
            "search",
            owner,
            format!("search(query: \"球阀\", site: \"{site}\")"),
            "SearchResult",
            3,
        ),
        (
            "sitemap",
            None,
            format!("sitemap(site: \"{site}\")"),
            "SitemapEntry",
            2,
        ),
    ];
    let mut out = Map::new();
    for (name, token, call, ty, depth) in roots {
        // The agents of a deal's site are not members of the other site.
        let skip: &[&str] = if name.starts_with("deal") {
            &["members"]
        } else {
            &[]
        };
        let query = format!("{{ {call} {{ {} }} }}", selection(&types, ty, depth, skip));
        let body = match token {
            Some(t) => app.graphql_as(t, &query, json!({})).await?,
            None => app.graphql(&query, json!({})).await?,
        };
        if body.get("errors").is_some() {
            bail!("{name}: {body}");
        }
        out.insert(name.to_owned(), body["data"].clone());
    }
    Ok(out)
}

/// Fails naming the first answer that differs.
fn same_answers(before: &Map<String, Value>, after: &Map<String, Value>) -> Result<()> {
    for (name, answer) in before {
        ensure!(
            after.get(name) == Some(answer),
            "{name} differs:\nbefore {answer}\nafter  {:?}",
            after.get(name)
        );
    }
    ensure!(before.len() == after.len());
    Ok(())
}

/// The stored bytes of the filled site's media, through the API's link.
async fn media_bytes(app: &TestApp, f: &Filled) -> Result<Vec<u8>> {
    let body = gql_ok(
        app,
        &f.owner,
        "query($id: ID!) { media(id: $id) { url } }",
        json!({ "id": f.media }),
    )
    .await?;
    let url = str_at(&body, "/media/url")?;
    let resp = app.client.get(&url).send().await?;
    ensure!(resp.status().is_success(), "GET {url}: {}", resp.status());
    Ok(resp.bytes().await?.to_vec())
}

/// The old stack's session and token work on the new one: the access token, a refresh with
/// the refresh token, and the API token.
async fn sessions_carry_over(to: &TestApp, f: &Filled) -> Result<()> {
    let me = gql_ok(to, &f.owner, "{ viewer { email } }", json!({})).await?;
    ensure!(me["viewer"]["email"] == format!("owner@{ALPHA}"), "{me}");
    let refreshed = to
        .graphql(
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({ "t": f.refresh }),
        )
        .await?;
    ok(&refreshed).context("refresh on the new stack")?;
    gql_ok(
        to,
        &f.deals_token,
        "query($id: ID!) { linkDeal(id: $id) { status } }",
        json!({ "id": f.deal }),
    )
    .await?;
    Ok(())
}

async fn a_backup_restored_into_an_empty_stack_answers_every_query_as_the_original(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let f = fill(&app, &partner).await?;
    let dir = tempfile::tempdir()?;
    let dest = dir.path().join("backup");
    let manifest = backup::backup_command(&app.settings(), &dest).await?;
    ensure!(manifest.objects.len() == 1, "{:?}", manifest.objects);
    let before = answers(&app, &f).await?;
    let bytes = media_bytes(&app, &f).await?;

    let Some(target) = fresh_target(app.stack, app.store).await? else {
        return Ok(());
    };
    let (report, indexed) = backup::restore_command(&target.settings, &dest).await?;
    ensure!(
        report.verified && report.tables_skipped == 0 && indexed == 2,
        "{report:?}, {indexed}"
    );
    let restored = target.start().await?;
    same_answers(&before, &answers(&restored, &f).await?)?;
    ensure!(media_bytes(&restored, &f).await? == bytes);
    sessions_carry_over(&restored, &f).await?;
    Ok(())
}

async fn a_transfer_to_the_other_database_and_s3_keeps_every_answer_and_every_session(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let f = fill(&app, &partner).await?;
    let other = match app.stack {
        Stack::Sqlite => Stack::Postgres,
        Stack::Postgres => Stack::Sqlite,
    };
    let Some(target) = fresh_target(other, MediaStore::S3).await? else {
        return Ok(());
    };
    let before = answers(&app, &f).await?;
    let bytes = media_bytes(&app, &f).await?;
    let to = TransferTo {
        database: Some(target.settings.effective_database_url()),
        data_dir: Some(target.settings.data_dir.clone()),
        s3_bucket: target.settings.s3_bucket.clone(),
        s3_endpoint: target.settings.s3_endpoint.clone(),
        s3_path_style: true,
        s3_access_key_id: target.settings.s3_access_key_id.clone(),
        s3_secret_access_key: target.settings.s3_secret_access_key.clone(),
        ..TransferTo::default()
    };
    let via = tempfile::tempdir()?;
    let to = TransferTo {
        via: Some(via.path().join("t")),
        ..to
    };
    let done = backup::transfer_command(&app.settings(), &to).await?;
    ensure!(done.made_now && done.restored.verified && done.restored.objects_stored == 1);
    // Interrupted before the last table and the object (as if): run again, it does only that.
    let target_db = sea_orm::Database::connect(target.settings.effective_database_url()).await?;
    entities::link_check::Entity::delete_many()
        .exec(&target_db)
        .await?;
    target_db.close().await?;
    let store = wharf::storage::Storage::open(&target.settings, "http://x", b"k")?;
    store.delete(&done.manifest.objects[0].key).await?;
    let again = backup::transfer_command(&app.settings(), &to).await?;
    ensure!(
        !again.made_now && again.restored.verified,
        "{:?}",
        again.restored
    );
    ensure!(
        (again.restored.tables_loaded, again.restored.objects_stored) == (1, 1),
        "{:?}",
        again.restored
    );
    let moved = target.start().await?;
    same_answers(&before, &answers(&moved, &f).await?)?;
    ensure!(media_bytes(&moved, &f).await? == bytes);
    sessions_carry_over(&moved, &f).await?;
    Ok(())
}

async fn a_damaged_or_newer_backup_is_refused_and_a_full_database_is_not_overwritten(
    app: TestApp,
    _partner: PartnerServer,
) -> Result<()> {
    // Every table of the database is in the backup (a table added later without its entity in
    // `backup::tables` fails here).
    let listing = match app.stack {
        Stack::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'"
        }
        Stack::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'seaql_migrations'"
        }
    };
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            listing,
        ))
        .await?;
    let mut in_db: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()?;
    in_db.sort();
    let mut backed_up: Vec<String> = backup::tables::all()
        .iter()
        .map(|t| t.name.to_owned())
        .collect();
    backed_up.sort();
    assert_eq!(in_db, backed_up);

    let owner = app.signup("owner@example.com").await?;
    app.create_site(&owner.token, "shop.example.com", &["en"])
        .await?;
    let dir = tempfile::tempdir()?;
    let dest = dir.path().join("b");
    backup::backup_command(&app.settings(), &dest).await?;
    // Into a folder that is not empty: refused.
    let again = backup::backup_command(&app.settings(), &dest).await;
    ensure!(
        format!(
            "{:#}",
            again.err().context("a second backup into the folder")?
        )
        .contains("not empty")
    );
    // Into a database holding other rows (the same one, changed since): refused.
    app.signup("later@example.com").await?;
    let full = backup::restore(
        &dest,
        &app.db,
        &wharf::storage::Storage::open(&app.settings(), "http://x", b"k")?,
    )
    .await;
    let why = format!("{:#}", full.err().context("a restore over data")?);
    ensure!(why.contains("restore into an empty database"), "{why}");

    // A damaged table file.
    let users = dest.join("tables/users.jsonl");
    let text = std::fs::read_to_string(&users)?;
    std::fs::write(
        &users,
        text.replace("owner@example.com", "owner@exampl3.com"),
    )?;
    let why = format!(
        "{:#}",
        backup::verify(&dest).err().context("a damaged file")?
    );
    ensure!(why.contains("tables/users.jsonl does not match"), "{why}");
    std::fs::write(&users, text)?;
    backup::verify(&dest)?;
    // A newer format, and data migrated further than this version knows.
    let manifest_path = dest.join("manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let mut newer: Value = serde_json::from_str(&manifest)?;
    newer["format"] = json!(backup::FORMAT + 1);
    std::fs::write(&manifest_path, newer.to_string())?;
    ensure!(
        format!("{:#}", backup::verify(&dest).err().context("newer format")?)
            .contains("reads format")
    );
    let mut later: Value = serde_json::from_str(&manifest)?;
    later["migration"] = json!("m29991231_000001_from_the_future");
    std::fs::write(&manifest_path, later.to_string())?;
    ensure!(
        format!(
            "{:#}",
            backup::verify(&dest).err().context("newer migration")?
        )
        .contains("does not know")
    );
    Ok(())
}
