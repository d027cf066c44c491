//! S3 that refuses Wharf (a wrong secret) or does not answer: clear errors, no rows.
use super::*;

e2e!(stores = [s3: S3WrongSecret]; a_wrong_s3_secret_is_refused_and_leaves_no_row);
e2e!(stores = [s3: S3Unreachable]; an_unreachable_s3_gives_a_clear_error_and_no_row);

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
