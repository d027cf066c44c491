//! How stored files reach browsers: raster images inline; PDFs and anything else as downloads
//! with a safe filename; Wharf's own responses sandboxed (CSP) and never sniffed.
use super::*;

e2e!(media; files_that_are_not_images_are_served_as_sandboxed_downloads);

const CSP: &str = "sandbox; default-src 'none'";

async fn files_that_are_not_images_are_served_as_sandboxed_downloads(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let chinese = upload_ok(
        &app,
        &token,
        &site,
        "展会 目录.pdf",
        "application/pdf",
        pdf(),
    )
    .await?;
    let image = upload_ok(
        &app,
        &token,
        &site,
        "booth.png",
        "image/png",
        png(3, 3, 300),
    )
    .await?;
    // A direct upload gets the same treatment.
    let ticket = create_upload_url(
        &app,
        &token,
        &site,
        "price list.pdf",
        "application/pdf",
        pdf().len(),
    )
    .await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    assert_eq!(put(&app, &str_at(ticket, "/url")?, pdf()).await?, 200);
    let direct = confirm(&app, &token, &str_at(ticket, "/token")?, None).await?;
    let direct = ok(&direct)?["confirmUpload"].clone();

    let cases = [
        (
            &chinese,
            Some(
                "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E5%B1%95%E4%BC%9A%20%E7%9B%AE%E5%BD%95.pdf",
            ),
            pdf(),
        ),
        (
            &direct,
            Some("attachment; filename=\"price list.pdf\""),
            pdf(),
        ),
        (&image, None, png(3, 3, 300)),
    ];
    for (m, disposition, bytes) in cases {
        let url = str_at(m, "/url")?;
        let resp = app.client.get(&url).send().await?;
        assert_eq!(resp.status().as_u16(), 200, "{url}");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("content-disposition").as_deref(),
            disposition,
            "{url}"
        );
        if app.store == MediaStore::Local {
            assert_eq!(header("content-security-policy").as_deref(), Some(CSP));
            assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        } else {
            // The presigned link asks S3 for the download too (objects stored before the
            // metadata was set included).
            assert_eq!(
                url.contains("response-content-disposition="),
                disposition.is_some(),
                "{url}"
            );
        }
        assert_eq!(resp.bytes().await?.to_vec(), bytes);
    }
    if app.store == MediaStore::Local {
        // HEAD and conditional answers carry the same headers.
        let url = str_at(&direct, "/url")?;
        let head = app.client.head(&url).send().await?;
        assert_eq!(
            head.headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok()),
            Some("attachment; filename=\"price list.pdf\"")
        );
        assert_eq!(
            head.headers()
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok()),
            Some(CSP)
        );
    }
    Ok(())
}
