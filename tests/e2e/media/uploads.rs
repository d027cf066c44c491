//! Uploads in the request (GraphQL multipart): sniffing, limits, filenames, serving.
use super::*;

e2e!(media;
    a_multipart_upload_is_sniffed_recorded_and_served,
    a_lying_or_disallowed_upload_is_refused_and_leaves_nothing,
    an_oversized_upload_is_refused_and_leaves_nothing,
    filenames_are_sanitized,
);

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
    // A multipart request without its `map` part is refused as malformed, before any work.
    let operations = json!({
        "query": "mutation($f: Upload!) { uploadMedia(site: \"x\", file: $f) { id } }",
        "variables": { "f": null },
    });
    let form = Form::new()
        .text("operations", operations.to_string())
        .part("0", Part::bytes(png(1, 1, 100)).file_name("a.png"));
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    assert_eq!(media_rows(&app).await?, 1);
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
