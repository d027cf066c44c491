//! Direct uploads: presigned (S3) or signed (local) PUT, then `confirmUpload`.
use super::*;

e2e!(media; a_direct_upload_is_checked_before_it_is_recorded);

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
