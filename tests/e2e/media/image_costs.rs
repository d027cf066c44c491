//! What an image costs to decode: a decode that would allocate more than
//! `media_image_max_decode_bytes`, or take longer than `media_variant_timeout_ms`, is refused
//! with `IMAGE_TOO_COSTLY` (and the server goes on serving); a CMYK JPEG, which cannot be
//! shrunk while it is decoded, still makes variants with its colours, at every width.
use super::images::{fetch, upload_image, variant_url};
use super::pictures;
use super::*;
use image::ImageFormat;

e2e!(media, settings = little_memory; a_decode_over_the_memory_limit_is_refused_as_too_costly);
e2e!(settings = no_time; a_variant_past_the_time_limit_is_refused_as_too_costly);
e2e!(cmyk_jpegs_make_variants_in_their_colours);

fn little_memory(s: &mut wharf::Settings) {
    // A 1000 × 1000 RGB image decodes to 3 MB.
    s.media_image_max_decode_bytes = 1024 * 1024;
}

fn no_time(s: &mut wharf::Settings) {
    s.media_variant_timeout_ms = 1;
}

async fn refusal(app: &TestApp, url: &str) -> Result<(u16, String)> {
    let resp = app.client.get(url).send().await?;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await?;
    Ok((status, str_at(&body, "/errors/0/extensions/reason")?))
}

async fn a_decode_over_the_memory_limit_is_refused_as_too_costly(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    // A PNG always decodes at full size: 3 MB of pixels against the 1 MiB limit.
    let big = image::DynamicImage::ImageRgb8(pictures::halves(1000, 1000));
    let mut png = Vec::new();
    big.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)?;
    let m = upload_image(&app, &token, &site, "big.png", "image/png", png).await?;
    // Stored as a file, its size read from the header; no placeholders (it was not decoded).
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(1000), Some(1000))
    );
    assert_eq!(m["blurhash"], Value::Null, "{m}");
    let url = variant_url(&app, &token, &str_at(&m, "/id")?, "width: 320").await?;
    assert_eq!(refusal(&app, &url).await?, (400, "IMAGE_TOO_COSTLY".into()));

    // A JPEG as large, needed 320 wide, decodes at 1/2 (500 × 500, 750 KB): within the limit.
    let photo = pictures::jpeg(&pictures::halves(1000, 1000))?;
    let m = upload_image(&app, &token, &site, "big.jpg", "image/jpeg", photo).await?;
    assert!(m["blurhash"].is_string(), "{m}");
    let url = variant_url(&app, &token, &str_at(&m, "/id")?, "width: 320").await?;
    let (content_type, _, bytes) = fetch(&app, &url).await?;
    assert_eq!(content_type, "image/jpeg");
    let back = pictures::decode(&bytes, ImageFormat::Jpeg)?;
    assert_eq!((back.width(), back.height()), (320, 320));
    // Its full size is over the limit: the original's own-size variant is refused.
    let url = variant_url(&app, &token, &str_at(&m, "/id")?, "width: 1920").await?;
    assert_eq!(refusal(&app, &url).await?, (400, "IMAGE_TOO_COSTLY".into()));
    Ok(())
}

async fn a_variant_past_the_time_limit_is_refused_as_too_costly(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&pictures::halves(2000, 1500))?;
    let m = upload_image(&app, &token, &site, "slow.jpg", "image/jpeg", photo).await?;
    let id = str_at(&m, "/id")?;
    let url = variant_url(&app, &token, &id, "width: 1280, format: AVIF").await?;
    assert_eq!(refusal(&app, &url).await?, (400, "IMAGE_TOO_COSTLY".into()));
    // The server goes on: an API read answers.
    let read = app
        .graphql_as(
            &token,
            "query($id: ID!) { media(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(str_at(&read, "/data/media/id")?, id);
    Ok(())
}

async fn cmyk_jpegs_make_variants_in_their_colours(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_image(
        &app,
        &token,
        &site,
        "print.jpg",
        "image/jpeg",
        pictures::cmyk_jpeg(1200, 600)?,
    )
    .await?;
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(1200), Some(600))
    );
    assert!(m["blurhash"].is_string(), "{m}");
    let id = str_at(&m, "/id")?;
    for (args, format, width) in [
        ("width: 320, format: JPEG", ImageFormat::Jpeg, 320),
        ("width: 960, format: PNG", ImageFormat::Png, 960),
    ] {
        let (_, _, bytes) = fetch(&app, &variant_url(&app, &token, &id, args).await?).await?;
        let back = pictures::decode(&bytes, format)?.into_rgb8();
        assert_eq!(back.dimensions(), (width, width / 2), "{args}");
        // Cyan on the left (little red), magenta on the right (little green).
        let (left, right) = (
            back.get_pixel(width / 8, width / 4),
            back.get_pixel(width - width / 8, width / 4),
        );
        assert!(
            left[0] < 100 && left[1] > 120 && left[2] > 150,
            "{args}: left is {left:?}"
        );
        assert!(
            right[1] < 100 && right[0] > 150 && right[2] > 120,
            "{args}: right is {right:?}"
        );
    }
    Ok(())
}
