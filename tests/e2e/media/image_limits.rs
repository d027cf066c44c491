//! What image variants refuse, with a reason: bombs (from the header), undecodable files,
//! formats and names that are not offered, non-images; what they handle: 16-bit PNGs and
//! animated GIFs (first frame); and the rate limit on variant requests.
use super::images::{fetch, upload_image, variant_url};
use super::pictures;
use super::*;
use image::ImageFormat;

e2e!(media, settings = webp_only;
    bombs_corrupt_files_and_unoffered_variants_are_refused_with_a_reason,
    sixteen_bit_pngs_and_animated_gifs_are_resized,
);
e2e!(settings = few_requests; variant_requests_are_rate_limited_per_client);

fn webp_only(s: &mut wharf::Settings) {
    s.media_variant_formats = vec!["webp".into()];
}

fn few_requests(s: &mut wharf::Settings) {
    s.rate_limit_anonymous_per_minute = 5;
}

async fn reason_of(resp: reqwest::Response) -> Result<(u16, String)> {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await?;
    Ok((status, str_at(&body, "/errors/0/extensions/reason")?))
}

async fn bombs_corrupt_files_and_unoffered_variants_are_refused_with_a_reason(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let url_of = |id: Value, args: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            app.graphql_as(
                &token,
                &format!("query($id: ID!) {{ media(id: $id) {{ url({args}) }} }}"),
                json!({ "id": id }),
            )
            .await
        }
    };

    // 100,000 × 100,000 pixels in a 100-byte file: stored as a file, never decoded.
    let bomb = upload_image(
        &app,
        &token,
        &site,
        "bomb.png",
        "image/png",
        pictures::bomb_png(100_000, 100_000),
    )
    .await?;
    assert_eq!(bomb["blurhash"], Value::Null);
    let refused = url_of(bomb["id"].clone(), "width: 320").await?;
    assert_eq!(error_code(&refused)?, "BAD_USER_INPUT");
    assert_eq!(
        str_at(&refused, "/errors/0/extensions/reason")?,
        "IMAGE_TOO_MANY_PIXELS"
    );
    assert_eq!(
        refused.pointer("/errors/0/extensions/params/max"),
        Some(&json!(40_000_000))
    );

    // A PNG header over garbage: the link is given, the variant is refused when asked for.
    let corrupt =
        upload_image(&app, &token, &site, "c.png", "image/png", png(64, 64, 2000)).await?;
    let url = variant_url(&app, &token, &str_at(&corrupt, "/id")?, "width: 320").await?;
    let (status, reason) = reason_of(app.client.get(&url).send().await?).await?;
    assert_eq!((status, reason.as_str()), (400, "IMAGE_UNREADABLE"));

    // Only the configured formats (here WebP) besides the original's own.
    let photo = pictures::jpeg(&pictures::halves(400, 300))?;
    let m = upload_image(&app, &token, &site, "p.jpg", "image/jpeg", photo).await?;
    let refused = url_of(m["id"].clone(), "width: 320, format: AVIF").await?;
    assert_eq!(
        str_at(&refused, "/errors/0/extensions/reason")?,
        "IMAGE_FORMAT_NOT_OFFERED"
    );
    assert_eq!(error_field(&refused).as_deref(), Some("format"));
    let good = variant_url(
        &app,
        &token,
        &str_at(&m, "/id")?,
        "width: 320, format: WEBP",
    )
    .await?;
    fetch(&app, &good).await?;
    // Names that are not offered are refused before any work, even with a valid signature.
    let key = str_at(&m, "/key")?;
    let folder = key.rsplit_once('/').map(|p| p.0).unwrap_or_default();
    let signer = wharf::storage::signed::UrlSigner::new(TEST_JWT_SECRET.as_bytes());
    let expires = chrono::Utc::now().timestamp() + 600;
    for name in [
        "w333-q80.webp",
        "w320-q81.webp",
        "w320.png",
        "w320-q80.avif",
        "w320-5x3-cover-q80.webp",
    ] {
        let variant = format!("{folder}/v/{name}");
        let sig = signer.sign("GET", &variant, expires);
        let url = format!(
            "{}/media/{variant}?expires={expires}&sig={sig}",
            app.address
        );
        let resp = app.client.get(&url).send().await?;
        let status = resp.status().as_u16();
        assert_eq!(status, 404, "{name}");
    }
    // Made variants: the original and the WebP one only.
    let made: Vec<String> = app
        .stored_objects()
        .into_iter()
        .filter(|k| k.contains("/v/"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    Ok(())
}

async fn sixteen_bit_pngs_and_animated_gifs_are_resized(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let deep = upload_image(
        &app,
        &token,
        &site,
        "deep.png",
        "image/png",
        pictures::png16(700, 350)?,
    )
    .await?;
    assert!(deep["blurhash"].is_string(), "{deep}");
    let url = variant_url(&app, &token, &str_at(&deep, "/id")?, "width: 320").await?;
    let (ct, _, bytes) = fetch(&app, &url).await?;
    assert_eq!(ct, "image/png");
    let back = pictures::decode(&bytes, ImageFormat::Png)?;
    assert_eq!((back.width(), back.height()), (320, 160));
    assert_eq!(back.color(), image::ColorType::Rgb8, "brought to 8 bits");

    let gif = pictures::animated_gif(400, 200)?;
    let gif = upload_image(&app, &token, &site, "anim.gif", "image/gif", gif).await?;
    let url = variant_url(&app, &token, &str_at(&gif, "/id")?, "width: 320").await?;
    let (ct, _, bytes) = fetch(&app, &url).await?;
    assert_eq!(ct, "image/png", "a GIF's variants are PNG");
    let back = pictures::decode(&bytes, ImageFormat::Png)?.into_rgba8();
    assert_eq!(back.dimensions(), (320, 160));
    let p = back.get_pixel(160, 80);
    assert!(p[0] > 200 && p[2] < 50, "the first (red) frame, got {p:?}");
    Ok(())
}

async fn variant_requests_are_rate_limited_per_client(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&pictures::halves(400, 300))?;
    let m = upload_image(&app, &token, &site, "p.jpg", "image/jpeg", photo).await?;
    let url = variant_url(&app, &token, &str_at(&m, "/id")?, "width: 320").await?;
    for _ in 0..5 {
        assert_eq!(app.client.get(&url).send().await?.status().as_u16(), 200);
    }
    let resp = app.client.get(&url).send().await?;
    assert!(resp.headers().contains_key("retry-after"));
    let (status, reason) = reason_of(resp).await?;
    assert_eq!((status, reason.as_str()), (429, "RATE_LIMITED"));
    Ok(())
}
