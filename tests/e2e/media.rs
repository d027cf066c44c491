//! Media: uploads (multipart and direct), checks, serving, deletion and cover images, each run
//! against local disk and against a real S3 server (in process, SigV4 checked), on SQLite and
//! PostgreSQL.
use anyhow::{Context, Result, bail};
use entities::{media, outbox};
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::Duration;
use wharf_tests::{
    MediaStore, Stack, TEST_JWT_SECRET, TEST_MEDIA_MAX_BYTES, TestApp, e2e_media, e2e_stores,
    error_code, error_field, ok, spawn_app_tweaked, str_at,
};

e2e_media!(
    a_multipart_upload_is_sniffed_recorded_and_served,
    a_lying_or_disallowed_upload_is_refused_and_leaves_nothing,
    an_oversized_upload_is_refused_and_leaves_nothing,
    filenames_are_sanitized,
    a_direct_upload_is_checked_before_it_is_recorded,
    tampered_or_expired_links_and_tickets_are_refused,
    deleting_media_removes_the_row_and_then_the_object,
    an_article_cover_image_is_set_read_and_cleared,
);
e2e_stores!([s3: S3]; a_failed_object_delete_is_retried_from_the_outbox);
e2e_stores!([s3: S3WrongSecret]; a_wrong_s3_secret_is_refused_and_leaves_no_row);
e2e_stores!([s3: S3Unreachable]; an_unreachable_s3_gives_a_clear_error_and_no_row);

const MEDIA_FIELDS: &str =
    "id key filename contentType size sha256 width height alt url uploader { id } site { id }";

/// A PNG of `w`×`h` pixels as far as headers go (signature and IHDR), padded to `len` bytes.
fn png(w: u32, h: u32, len: usize) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let mut i = 0u8;
    while b.len() < len {
        b.push(i);
        i = i.wrapping_add(7);
    }
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

async fn media_rows(app: &TestApp) -> Result<u64> {
    Ok(media::Entity::find().count(&app.db).await?)
}

/// Sends `uploadMedia` as a GraphQL multipart request; returns the status and the body.
async fn upload(
    app: &TestApp,
    token: &str,
    site: &str,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
    alt: Option<&str>,
) -> Result<(u16, Value)> {
    let operations = json!({
        "query": format!("mutation($site: String!, $file: Upload!, $alt: String) {{ uploadMedia(site: $site, file: $file, alt: $alt) {{ {MEDIA_FIELDS} }} }}"),
        "variables": { "site": site, "file": null, "alt": alt },
    });
    let form = Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str(content_type)?,
        );
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.json().await?))
}

/// Uploads a file that must be accepted; returns the Media JSON.
async fn upload_ok(
    app: &TestApp,
    token: &str,
    site: &str,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Value> {
    let (status, body) = upload(app, token, site, filename, content_type, bytes, None).await?;
    if status != 200 {
        bail!("upload answered {status}: {body}");
    }
    Ok(ok(&body)?["uploadMedia"].clone())
}

async fn setup(app: &TestApp) -> Result<(String, String)> {
    let owner = app.signup("owner@example.com").await?;
    let site = app
        .create_site(&owner.token, "media.example.com", &["en"])
        .await?;
    Ok((owner.token, site))
}

async fn create_upload_url(
    app: &TestApp,
    token: &str,
    site: &str,
    filename: &str,
    content_type: &str,
    size: usize,
) -> Result<Value> {
    app.graphql_as(
        token,
        "mutation($site: String!, $filename: String!, $ct: String!, $size: Int!) { createUploadUrl(site: $site, filename: $filename, contentType: $ct, size: $size) { url method key expiresAt token headers { name value } } }",
        json!({ "site": site, "filename": filename, "ct": content_type, "size": size }),
    )
    .await
}

async fn confirm(app: &TestApp, token: &str, ticket: &str, alt: Option<&str>) -> Result<Value> {
    app.graphql_as(
        token,
        &format!("mutation($t: String!, $alt: String) {{ confirmUpload(token: $t, alt: $alt) {{ {MEDIA_FIELDS} }} }}"),
        json!({ "t": ticket, "alt": alt }),
    )
    .await
}

async fn put(app: &TestApp, url: &str, bytes: Vec<u8>) -> Result<u16> {
    Ok(app
        .client
        .put(url)
        .body(bytes)
        .send()
        .await?
        .status()
        .as_u16())
}

async fn eventually<F, Fut>(what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    for _ in 0..150 {
        if check().await? {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("timed out waiting until {what}")
}

async fn a_multipart_upload_is_sniffed_recorded_and_served(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let bytes = png(640, 480, 4000);
    let (status, body) = upload(
        &app,
        &token,
        &site,
        "Harbour at dawn.png",
        "image/png",
        bytes.clone(),
        Some("The harbour at dawn"),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let m = &ok(&body)?["uploadMedia"];
    assert_eq!(m["filename"], "Harbour at dawn.png");
    assert_eq!(m["contentType"], "image/png");
    assert_eq!(m["size"], 4000);
    assert_eq!(m["sha256"], sha256_hex(&bytes));
    assert_eq!(
        (m["width"].clone(), m["height"].clone()),
        (json!(640), json!(480))
    );
    assert_eq!(m["alt"], "The harbour at dawn");
    assert_eq!(m["site"]["id"], site);
    let key = str_at(m, "/key")?;
    assert!(key.starts_with(&format!("{site}/")) && key.ends_with("/Harbour-at-dawn.png"));
    assert_eq!(app.stored_objects(), vec![key.clone()]);
    assert_eq!(std::fs::read(app.media_dir.join(&key))?, bytes);

    let ready: Value = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ready["checks"]["storage"], "ok");

    // The URL reads the bytes back.
    let url = str_at(m, "/url")?;
    let resp = app.client.get(&url).send().await?;
    assert_eq!(resp.status().as_u16(), 200);
    // Served with the sniffed type, by Wharf (local) or by S3 (stored with the object).
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await?.to_vec(), bytes);

    // It can be read again through `media(id)` by a member, and not by a stranger.
    let id = str_at(m, "/id")?;
    let q = "query($id: ID!) { media(id: $id) { id contentType } }";
    let again = app.graphql_as(&token, q, json!({ "id": id })).await?;
    assert_eq!(ok(&again)?["media"]["contentType"], "image/png");
    let stranger = app.signup("stranger@example.com").await?;
    let hidden = app
        .graphql_as(&stranger.token, q, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&hidden)?, "NOT_FOUND");

    if app.store == MediaStore::Local {
        assert!(url.contains("/media/") && url.contains("sig="), "{url}");
        // Wharf serves local media with type, validators, ranges and cache headers.
        let range = app
            .client
            .get(&url)
            .header("range", "bytes=10-19")
            .send()
            .await?;
        assert_eq!(range.status().as_u16(), 206);
        let h = range.headers().clone();
        assert_eq!(h["content-type"], "image/png");
        assert_eq!(h["content-range"], "bytes 10-19/4000");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(
            h["cache-control"]
                .to_str()?
                .starts_with("private, max-age=")
        );
        let etag = h["etag"].to_str()?.to_owned();
        assert_eq!(etag, format!("\"{}\"", sha256_hex(&bytes)));
        assert_eq!(range.bytes().await?.to_vec(), bytes[10..20].to_vec());

        let unsatisfiable = app
            .client
            .get(&url)
            .header("range", "bytes=5000-")
            .send()
            .await?;
        assert_eq!(unsatisfiable.status().as_u16(), 416);
        assert_eq!(unsatisfiable.headers()["content-range"], "bytes */4000");

        let cached = app
            .client
            .get(&url)
            .header("if-none-match", &etag)
            .send()
            .await?;
        assert_eq!(cached.status().as_u16(), 304);

        let head = app.client.head(&url).send().await?;
        assert_eq!(head.status().as_u16(), 200);
        assert_eq!(head.headers()["content-length"], "4000");

        // A traversal attempt in the path is refused, whatever the signature.
        let traversal = app
            .client
            .get(format!(
                "{}/media/{site}/%2e%2e/%2e%2e/etc/passwd",
                app.address
            ))
            .send()
            .await?;
        assert!(
            [400, 404].contains(&traversal.status().as_u16()),
            "{}",
            traversal.status()
        );
    } else {
        assert!(url.contains("X-Amz-Signature="), "{url}");
    }
    Ok(())
}

async fn a_lying_or_disallowed_upload_is_refused_and_leaves_nothing(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    // A PNG claimed to be a JPEG.
    let (_, lie) = upload(
        &app,
        &token,
        &site,
        "photo.jpg",
        "image/jpeg",
        png(4, 4, 200),
        None,
    )
    .await?;
    assert_eq!(error_code(&lie)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&lie).as_deref(), Some("file"));
    assert!(str_at(&lie, "/errors/0/message")?.contains("declared as image/jpeg"));
    // HTML pretending to be a PNG: its type cannot be recognised from its bytes.
    let (_, html) = upload(
        &app,
        &token,
        &site,
        "x.png",
        "image/png",
        b"<html><script>alert(1)</script></html>".to_vec(),
        None,
    )
    .await?;
    assert_eq!(error_code(&html)?, "BAD_USER_INPUT");
    // A ZIP archive, honestly labelled, is not an allowed type.
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest-of-a-zip".to_vec();
    let (_, disallowed) =
        upload(&app, &token, &site, "a.zip", "application/zip", zip, None).await?;
    assert_eq!(error_code(&disallowed)?, "BAD_USER_INPUT");
    assert!(str_at(&disallowed, "/errors/0/message")?.contains("not allowed"));
    assert_eq!(media_rows(&app).await?, 0);
    assert!(
        app.stored_objects().is_empty(),
        "{:?}",
        app.stored_objects()
    );

    // No claim at all: the sniffed type is recorded.
    let m = upload_ok(
        &app,
        &token,
        &site,
        "doc",
        "application/octet-stream",
        pdf(),
    )
    .await?;
    assert_eq!(m["contentType"], "application/pdf");
    assert_eq!(m["width"], Value::Null);

    // Without write access to the site nothing is stored either.
    let stranger = app.signup("stranger@example.com").await?;
    let (_, refused) = upload(
        &app,
        &stranger.token,
        &site,
        "p.png",
        "image/png",
        png(1, 1, 100),
        None,
    )
    .await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    assert_eq!(media_rows(&app).await?, 1);
    assert_eq!(app.stored_objects().len(), 1);
    Ok(())
}

async fn an_oversized_upload_is_refused_and_leaves_nothing(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let big = png(10, 10, TEST_MEDIA_MAX_BYTES + 1);
    let (status, body) = upload(
        &app,
        &token,
        &site,
        "big.png",
        "image/png",
        big.clone(),
        None,
    )
    .await?;
    assert_eq!(status, 413, "{body}");
    assert_eq!(error_code(&body)?, "PAYLOAD_TOO_LARGE");

    // A direct upload announced too large is refused up front.
    let early = create_upload_url(&app, &token, &site, "big.png", "image/png", big.len()).await?;
    assert_eq!(error_code(&early)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&early).as_deref(), Some("size"));

    // One that lies about its size is refused when sent (local) or when confirmed (S3), and its
    // object is removed.
    let ticket = create_upload_url(&app, &token, &site, "big.png", "image/png", 100).await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    let status = put(&app, &str_at(ticket, "/url")?, big).await?;
    if app.store == MediaStore::Local {
        assert_eq!(status, 413);
    } else {
        assert_eq!(status, 200);
    }
    let confirmed = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
    assert_eq!(error_code(&confirmed)?, "BAD_USER_INPUT");
    assert_eq!(media_rows(&app).await?, 0);
    assert!(
        app.stored_objects().is_empty(),
        "{:?}",
        app.stored_objects()
    );
    Ok(())
}

async fn filenames_are_sanitized(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(
        &app,
        &token,
        &site,
        "../../etc/passwd",
        "image/png",
        png(2, 2, 100),
    )
    .await?;
    assert_eq!(m["filename"], "passwd");
    let key = str_at(&m, "/key")?;
    assert!(key.ends_with("/passwd") && !key.contains(".."), "{key}");
    assert_eq!(app.stored_objects(), vec![key]);

    // Control characters (here through a direct upload, where the name is a plain argument).
    let ticket = create_upload_url(
        &app,
        &token,
        &site,
        "..\\..\\we\u{7}ird\r\nname\u{202E}.png",
        "image/png",
        100,
    )
    .await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    assert_eq!(
        put(&app, &str_at(ticket, "/url")?, png(2, 2, 100)).await?,
        200
    );
    let m = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
    let m = &ok(&m)?["confirmUpload"];
    assert_eq!(m["filename"], "weirdname.png");
    assert!(str_at(m, "/key")?.ends_with("/weirdname.png"));
    Ok(())
}

async fn a_direct_upload_is_checked_before_it_is_recorded(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let bytes = pdf();
    let ticket = create_upload_url(
        &app,
        &token,
        &site,
        "price list.pdf",
        "application/pdf",
        bytes.len(),
    )
    .await?;
    let ticket = ok(&ticket)?["createUploadUrl"].clone();
    assert_eq!(ticket["method"], "PUT");
    let url = str_at(&ticket, "/url")?;
    let token_str = str_at(&ticket, "/token")?;
    if app.store == MediaStore::Local {
        assert!(url.starts_with(&format!("{}/media/", app.address)), "{url}");
    } else {
        assert!(url.contains("X-Amz-Signature="), "{url}");
    }

    // Confirming before anything was sent is refused.
    let early = confirm(&app, &token, &token_str, None).await?;
    assert_eq!(error_code(&early)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&early).as_deref(), Some("token"));

    assert_eq!(put(&app, &url, bytes.clone()).await?, 200);
    let m = confirm(&app, &token, &token_str, Some("Price list 2026")).await?;
    let m = ok(&m)?["confirmUpload"].clone();
    assert_eq!(m["contentType"], "application/pdf");
    assert_eq!(m["filename"], "price list.pdf");
    assert_eq!(m["size"], bytes.len());
    assert_eq!(m["sha256"], sha256_hex(&bytes));
    assert_eq!(m["alt"], "Price list 2026");
    assert_eq!(m["key"], ticket["key"]);
    let got = app.client.get(str_at(&m, "/url")?).send().await?;
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await?.to_vec(), bytes);

    // What is stored is the checked copy under the final key; the upload itself is gone.
    assert_eq!(app.stored_objects(), vec![str_at(&m, "/key")?]);

    // A ticket works once.
    let twice = confirm(&app, &token, &token_str, None).await?;
    assert_eq!(error_code(&twice)?, "CONFLICT");

    // The upload URL, still valid, cannot change the confirmed file.
    let swap = put(&app, &url, png(1, 1, 100)).await?;
    if app.store == MediaStore::Local {
        assert_eq!(swap, 409);
    }
    let again = app.client.get(str_at(&m, "/url")?).send().await?;
    assert_eq!(again.bytes().await?.to_vec(), bytes);
    if app.store.is_s3() {
        // With S3 the stray upload stays under `incoming/` until a lifecycle rule expires it.
        let stray = app.stored_objects();
        assert!(
            stray.iter().any(|k| k.starts_with("incoming/")),
            "{stray:?}"
        );
        let orphan = stray.into_iter().find(|k| k.starts_with("incoming/"));
        if let Some(orphan) = orphan {
            std::fs::remove_file(app.media_dir.join(orphan))?;
        }
    }

    // A mislabelled direct upload (announced as PDF, sent a PNG) is refused and removed.
    let ticket = create_upload_url(&app, &token, &site, "x.pdf", "application/pdf", 100).await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    assert_eq!(
        put(&app, &str_at(ticket, "/url")?, png(1, 1, 100)).await?,
        200
    );
    let lie = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
    assert_eq!(error_code(&lie)?, "BAD_USER_INPUT");
    assert_eq!(media_rows(&app).await?, 1);
    assert_eq!(app.stored_objects().len(), 1);

    // A type that is not allowed cannot even get a URL.
    let svg = create_upload_url(&app, &token, &site, "x.svg", "image/svg+xml", 100).await?;
    assert_eq!(error_field(&svg).as_deref(), Some("contentType"));
    Ok(())
}

async fn tampered_or_expired_links_and_tickets_are_refused(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let url = str_at(&m, "/url")?;
    let key = str_at(&m, "/key")?;
    let tampered = tamper_signature(&url)?;
    let resp = app.client.get(&tampered).send().await?;
    assert_eq!(resp.status().as_u16(), 403, "tampered GET");

    let ticket = create_upload_url(&app, &token, &site, "b.png", "image/png", 300).await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    let upload_url = str_at(ticket, "/url")?;
    let status = put(&app, &tamper_signature(&upload_url)?, png(3, 3, 300)).await?;
    assert_eq!(status, 403, "tampered PUT");
    // A download link cannot be used to upload.
    assert_eq!(
        put(&app, &url, png(3, 3, 300)).await?,
        403,
        "GET link used for PUT"
    );

    // A tampered ticket is refused.
    let mut bad_ticket = str_at(ticket, "/token")?;
    bad_ticket.insert(1, 'x');
    let refused = confirm(&app, &token, &bad_ticket, None).await?;
    assert_eq!(error_field(&refused).as_deref(), Some("token"));

    if app.store == MediaStore::Local {
        // A correctly signed link whose time is up.
        let signer = wharf::storage::signed::UrlSigner::new(TEST_JWT_SECRET.as_bytes());
        let expires = chrono::Utc::now().timestamp() - 5;
        let sig = signer.sign("GET", &key, expires);
        let expired = format!("{}/media/{key}?expires={expires}&sig={sig}", app.address);
        assert_eq!(
            app.client.get(&expired).send().await?.status().as_u16(),
            403
        );
        // Moving the expiry without the key breaks the signature.
        let later = expires + 3600;
        let moved = format!("{}/media/{key}?expires={later}&sig={sig}", app.address);
        assert_eq!(app.client.get(&moved).send().await?.status().as_u16(), 403);
        // No signature at all.
        let bare = format!("{}/media/{key}", app.address);
        assert_eq!(app.client.get(&bare).send().await?.status().as_u16(), 403);
    }
    Ok(())
}

/// The URL with the last hex digit of its signature changed.
fn tamper_signature(url: &str) -> Result<String> {
    let marker = if url.contains("X-Amz-Signature=") {
        "X-Amz-Signature="
    } else {
        "sig="
    };
    let at = url.find(marker).context("no signature in the URL")? + marker.len();
    let end = url[at..].find('&').map_or(url.len(), |i| at + i);
    let mut out = url.to_owned();
    let last = &url[end - 1..end];
    out.replace_range(end - 1..end, if last == "0" { "1" } else { "0" });
    Ok(out)
}

async fn deleting_media_removes_the_row_and_then_the_object(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let keep = upload_ok(&app, &token, &site, "b.png", "image/png", png(3, 3, 300)).await?;
    let id = str_at(&m, "/id")?;
    let stranger = app.signup("stranger@example.com").await?;
    let q = "mutation($id: ID!) { deleteMedia(id: $id) }";
    let refused = app
        .graphql_as(&stranger.token, q, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&refused)?, "NOT_FOUND");

    let deleted = app.graphql_as(&token, q, json!({ "id": id })).await?;
    assert_eq!(ok(&deleted)?["deleteMedia"], id);
    assert_eq!(media_rows(&app).await?, 1);
    let keep_key = str_at(&keep, "/key")?;
    eventually("the object is deleted", || async {
        Ok(app.stored_objects() == vec![keep_key.clone()])
    })
    .await?;
    eventually("the outbox row is done", || async {
        let open = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .filter(outbox::Column::DoneAt.is_null())
            .count(&app.db)
            .await?;
        Ok(open == 0)
    })
    .await?;
    let again = app.graphql_as(&token, q, json!({ "id": id })).await?;
    assert_eq!(error_code(&again)?, "NOT_FOUND");
    Ok(())
}

async fn an_article_cover_image_is_set_read_and_cleared(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let article = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Canton Fair report" }),
        )
        .await?;
    let article_id = str_at(&article, "/id")?;
    let image = upload_ok(
        &app,
        &token,
        &site,
        "cover.png",
        "image/png",
        png(1200, 630, 500),
    )
    .await?;
    let image_id = str_at(&image, "/id")?;
    let set = "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id coverImage { id width height url } } }";
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": image_id }))
        .await?;
    let cover = &ok(&body)?["setArticleCoverImage"]["coverImage"];
    assert_eq!(cover["id"], image_id);
    assert_eq!(cover["width"], 1200);
    let got = app.client.get(str_at(cover, "/url")?).send().await?;
    assert_eq!(got.status().as_u16(), 200);

    // Readers see it on the published article.
    app.publish(&token, &article_id).await?;
    let read = app
        .graphql(
            "query($id: ID!) { article(id: $id) { coverImage { id contentType } } }",
            json!({ "id": article_id }),
        )
        .await?;
    assert_eq!(ok(&read)?["article"]["coverImage"]["id"], image_id);

    // Media of another site, or a document, cannot be a cover.
    let other = app
        .create_site(&token, "other.example.com", &["en"])
        .await?;
    let foreign = upload_ok(&app, &token, &other, "f.png", "image/png", png(2, 2, 100)).await?;
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": foreign["id"] }))
        .await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&body).as_deref(), Some("mediaId"));
    let doc = upload_ok(&app, &token, &site, "d.pdf", "application/pdf", pdf()).await?;
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": doc["id"] }))
        .await?;
    assert_eq!(error_field(&body).as_deref(), Some("mediaId"));

    // Someone who cannot write the site cannot change it.
    let stranger = app.signup("stranger@example.com").await?;
    let body = app
        .graphql_as(&stranger.token, set, json!({ "a": article_id, "m": null }))
        .await?;
    assert_eq!(error_code(&body)?, "FORBIDDEN");

    // Clearing it, and deleting the media, both leave the article without a cover.
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": null }))
        .await?;
    assert_eq!(
        ok(&body)?["setArticleCoverImage"]["coverImage"],
        Value::Null
    );
    app.graphql_as(&token, set, json!({ "a": article_id, "m": image_id }))
        .await?;
    let del = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteMedia(id: $id) }",
            json!({ "id": image_id }),
        )
        .await?;
    ok(&del)?;
    let read = app
        .graphql(
            "query($id: ID!) { article(id: $id) { coverImage { id } } }",
            json!({ "id": article_id }),
        )
        .await?;
    assert_eq!(ok(&read)?["article"]["coverImage"], Value::Null);
    Ok(())
}

async fn a_failed_object_delete_is_retried_from_the_outbox(mut app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let key = str_at(&m, "/key")?;
    let s3 = app.s3.as_mut().context("an S3 test without S3")?;
    s3.stop().await?;

    let q = "mutation($id: ID!) { deleteMedia(id: $id) }";
    let deleted = app.graphql_as(&token, q, json!({ "id": m["id"] })).await?;
    ok(&deleted)?;
    assert_eq!(media_rows(&app).await?, 0, "the row goes at once");
    eventually("the first delete attempt has failed", || async {
        let row = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .one(&app.db)
            .await?
            .context("no outbox row")?;
        Ok(row.last_error.is_some() && row.done_at.is_none())
    })
    .await?;
    assert_eq!(app.stored_objects(), vec![key], "the object is still there");

    app.s3
        .as_mut()
        .context("an S3 test without S3")?
        .restart()
        .await?;
    eventually("the retried delete succeeded", || async {
        let done = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .filter(outbox::Column::DoneAt.is_not_null())
            .count(&app.db)
            .await?;
        Ok(done == 1 && app.stored_objects().is_empty())
    })
    .await?;
    Ok(())
}

async fn a_wrong_s3_secret_is_refused_and_leaves_no_row(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let (_, body) = upload(
        &app,
        &token,
        &site,
        "a.png",
        "image/png",
        png(2, 2, 100),
        None,
    )
    .await?;
    assert_eq!(error_code(&body)?, "INTERNAL");
    assert!(str_at(&body, "/errors/0/message")?.contains("media storage"));
    assert_eq!(media_rows(&app).await?, 0);
    assert!(app.stored_objects().is_empty());

    // A URL presigned with the wrong secret is refused by the server's SigV4 check.
    let ticket = create_upload_url(&app, &token, &site, "a.png", "image/png", 100).await?;
    let url = str_at(&ok(&ticket)?["createUploadUrl"], "/url")?;
    assert_eq!(put(&app, &url, png(2, 2, 100)).await?, 403);
    assert!(app.stored_objects().is_empty());
    Ok(())
}

async fn an_unreachable_s3_gives_a_clear_error_and_no_row(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let (_, body) = upload(
        &app,
        &token,
        &site,
        "a.png",
        "image/png",
        png(2, 2, 100),
        None,
    )
    .await?;
    assert_eq!(error_code(&body)?, "INTERNAL");
    let message = str_at(&body, "/errors/0/message")?;
    assert!(
        message.contains("media storage is unreachable"),
        "{message}"
    );
    assert_eq!(media_rows(&app).await?, 0);

    let ready: Value = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ready["checks"]["storage"], "unavailable");
    assert_eq!(ready["checks"]["database"], "ok");
    Ok(())
}

/// Links live `media_url_ttl_secs`; after that both Wharf (local) and S3 refuse them.
async fn links_expire(store: MediaStore) -> Result<()> {
    let app = spawn_app_tweaked(Stack::Sqlite, store, |s| {
        s.media_url_ttl_secs = 1;
        s.media_upload_ttl_secs = 1;
    })
    .await?
    .context("the SQLite stack always runs")?;
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let ticket = create_upload_url(&app, &token, &site, "b.png", "image/png", 300).await?;
    let ticket = ok(&ticket)?["createUploadUrl"].clone();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let got = app.client.get(str_at(&m, "/url")?).send().await?;
    assert_eq!(got.status().as_u16(), 403, "expired GET link");
    let status = put(&app, &str_at(&ticket, "/url")?, png(3, 3, 300)).await?;
    assert_eq!(status, 403, "expired PUT link");
    let late = confirm(&app, &token, &str_at(&ticket, "/token")?, None).await?;
    assert!(str_at(&late, "/errors/0/message")?.contains("expired"));
    assert_eq!(media_rows(&app).await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_links_are_refused_on_local_disk() -> Result<()> {
    links_expire(MediaStore::Local).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_links_are_refused_by_s3() -> Result<()> {
    links_expire(MediaStore::S3).await
}
