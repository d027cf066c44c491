//! A direct upload must be exactly the size announced when its URL was asked for.
use super::*;

e2e!(media; a_direct_upload_of_another_size_than_announced_is_refused_and_removed);

async fn a_direct_upload_of_another_size_than_announced_is_refused_and_removed(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app).await?;
    // Fewer bytes than announced, and more (still under the size limit).
    for (announced, sent) in [(1000, 600), (1000, 1400)] {
        let ticket =
            create_upload_url(&app, &token, &site, "s.png", "image/png", announced).await?;
        let ticket = &ok(&ticket)?["createUploadUrl"];
        let url = str_at(ticket, "/url")?;
        assert_eq!(put(&app, &url, png(2, 2, sent)).await?, 200);
        let refused = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
        assert_eq!(error_code(&refused)?, "BAD_USER_INPUT", "{refused}");
        assert_eq!(error_field(&refused).as_deref(), Some("size"), "{refused}");
        // Nothing half-made: no row, no object (neither the upload nor a final copy).
        assert_eq!(media_rows(&app).await?, 0);
        assert_eq!(app.stored_objects(), Vec::<String>::new());
        // The ticket is spent.
        let again = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
        assert_eq!(error_code(&again)?, "NOT_FOUND", "{again}");
    }

    // Exactly the announced size is accepted.
    let bytes = png(2, 2, 1000);
    let ticket = create_upload_url(&app, &token, &site, "s.png", "image/png", 1000).await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    assert_eq!(
        put(&app, &str_at(ticket, "/url")?, bytes.clone()).await?,
        200
    );
    let m = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
    assert_eq!(ok(&m)?["confirmUpload"]["size"], 1000);
    assert_eq!(media_rows(&app).await?, 1);
    Ok(())
}
