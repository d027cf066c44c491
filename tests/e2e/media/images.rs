//! Image variants on either store: sizes and formats (decoded back), placeholders, EXIF
//! orientation applied and metadata stripped, one making for 50 parallel first requests, and
//! deletion taking the variants along.
use super::pictures::{self, halves};
use super::*;
use image::ImageFormat;

e2e!(media;
    variants_have_the_asked_size_and_format_and_images_get_placeholders,
    orientation_is_applied_and_no_metadata_reaches_a_variant,
    fifty_parallel_first_requests_make_one_variant,
    deleting_media_removes_its_variants_too,
);

const IMAGE_FIELDS: &str = "id key width height blurhash dominantColor public";

/// Uploads `bytes` and returns the media JSON with the image fields.
pub(crate) async fn upload_image(
    app: &TestApp,
    token: &str,
    site: &str,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Value> {
    let m = upload_ok(app, token, site, name, content_type, bytes).await?;
    let body = app
        .graphql_as(
            token,
            &format!("query($id: ID!) {{ media(id: $id) {{ {IMAGE_FIELDS} }} }}"),
            json!({ "id": m["id"] }),
        )
        .await?;
    Ok(ok(&body)?["media"].clone())
}

/// `Media.url` with the given arguments (GraphQL literal text, like `width: 640`).
pub(crate) async fn variant_url(
    app: &TestApp,
    token: &str,
    id: &str,
    args: &str,
) -> Result<String> {
    let body = app
        .graphql_as(
            token,
            &format!("query($id: ID!) {{ media(id: $id) {{ url({args}) }} }}"),
            json!({ "id": id }),
        )
        .await?;
    str_at(ok(&body)?, "/media/url")
}

/// GETs a URL that must answer 200; returns the content type, cache-control and the bytes.
pub(crate) async fn fetch(app: &TestApp, url: &str) -> Result<(String, String, Vec<u8>)> {
    let resp = app.client.get(url).send().await?;
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (ct, cc) = (header("content-type"), header("cache-control"));
    let bytes = resp.bytes().await?.to_vec();
    if status != 200 {
        bail!(
            "{url} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    Ok((ct, cc, bytes))
}

fn variant_keys(app: &TestApp) -> Vec<String> {
    app.stored_objects()
        .into_iter()
        .filter(|k| k.contains("/v/"))
        .collect()
}

async fn variants_have_the_asked_size_and_format_and_images_get_placeholders(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&halves(1200, 800))?;
    let m = upload_image(&app, &token, &site, "photo.jpg", "image/jpeg", photo).await?;
    let id = str_at(&m, "/id")?;
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(1200), Some(800))
    );
    let hash = str_at(&m, "/blurhash")?;
    assert_eq!(hash.len(), 28, "4×3 components: {hash}");
    let color = str_at(&m, "/dominantColor")?;
    assert!(color.len() == 7 && color.starts_with('#'), "{color}");
    assert_eq!(m["public"], false);

    // (arguments, format, expected size)
    let cases = [
        ("width: 640, format: WEBP", ImageFormat::WebP, (640, 427)),
        ("width: 700", ImageFormat::Jpeg, (640, 427)),
        (
            "width: 600, height: 600, fit: COVER, format: PNG",
            ImageFormat::Png,
            (640, 640),
        ),
        (
            "width: 320, height: 180, fit: CONTAIN, format: JPEG",
            ImageFormat::Jpeg,
            (270, 180),
        ),
        ("width: 5000, format: PNG", ImageFormat::Png, (1200, 800)),
    ];
    for (args, format, size) in cases {
        let url = variant_url(&app, &token, &id, args).await?;
        assert!(url.contains("/v/"), "{url}");
        assert!(
            url.contains("sig="),
            "a private item's variant link is signed: {url}"
        );
        let (ct, cache, bytes) = fetch(&app, &url).await?;
        assert_eq!(ct, format.to_mime_type(), "{args}");
        assert!(cache.starts_with("private, max-age="), "{cache}");
        let back = pictures::decode(&bytes, format)?;
        assert_eq!((back.width(), back.height()), size, "{args}");
    }
    // AVIF: no decoder here, so the container and its size are checked.
    let url = variant_url(&app, &token, &id, "width: 320, format: AVIF").await?;
    let (ct, _, bytes) = fetch(&app, &url).await?;
    assert_eq!(ct, "image/avif");
    assert_eq!(bytes.get(4..12), Some(&b"ftypavif"[..]));
    let size = imagesize::blob_size(&bytes)?;
    assert_eq!((size.width, size.height), (320, 213));

    // The srcset lists the configured widths the image allows, narrowest first.
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { media(id: $id) { srcset(format: WEBP) } }",
            json!({ "id": id }),
        )
        .await?;
    let srcset = str_at(ok(&body)?, "/media/srcset")?;
    let widths: Vec<&str> = srcset
        .split(", ")
        .filter_map(|c| c.rsplit(' ').next())
        .collect();
    assert_eq!(widths, ["320w", "640w", "960w", "1200w"], "{srcset}");

    // Stored next to the original, once each.
    let stored = variant_keys(&app);
    assert_eq!(stored.len(), 6, "{stored:?}");
    let prefix = format!(
        "{}/v/",
        str_at(&m, "/key")?
            .rsplit_once('/')
            .map(|p| p.0)
            .unwrap_or_default()
    );
    assert!(stored.iter().all(|k| k.starts_with(&prefix)), "{stored:?}");

    // A PDF has no placeholders and no variants.
    let pdf = upload_image(&app, &token, &site, "a.pdf", "application/pdf", pdf()).await?;
    assert_eq!(pdf["blurhash"], Value::Null);
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { media(id: $id) { url(width: 320) } }",
            json!({ "id": pdf["id"] }),
        )
        .await?;
    assert_eq!(
        str_at(&body, "/errors/0/extensions/reason")?,
        "NOT_AN_IMAGE"
    );
    Ok(())
}

async fn orientation_is_applied_and_no_metadata_reaches_a_variant(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    // Stored 300×200, red left and blue right; orientation 6 says "turn 90° clockwise to show".
    let original = pictures::jpeg_with_exif(&halves(300, 200), 6)?;
    assert!(pictures::has_metadata(&original));
    let m = upload_image(&app, &token, &site, "phone.jpg", "image/jpeg", original).await?;
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(200), Some(300)),
        "the size as shown"
    );
    let id = str_at(&m, "/id")?;
    for (args, format) in [
        ("width: 320, format: JPEG", ImageFormat::Jpeg),
        ("width: 320, format: PNG", ImageFormat::Png),
        ("width: 320, format: WEBP", ImageFormat::WebP),
    ] {
        let (_, _, bytes) = fetch(&app, &variant_url(&app, &token, &id, args).await?).await?;
        assert!(!pictures::has_metadata(&bytes), "{args}: metadata left");
        if format == ImageFormat::Jpeg {
            assert!(!pictures::jpeg_has_app1(&bytes), "{args}: an APP1 segment");
        }
        let back = pictures::decode(&bytes, format)?.into_rgb8();
        assert_eq!(
            back.dimensions(),
            (200, 300),
            "{args}: upright and never enlarged"
        );
        // Turned clockwise, the left (red) half is now on top.
        let (top, bottom) = (back.get_pixel(100, 40), back.get_pixel(100, 260));
        assert!(top[0] > 150 && top[2] < 100, "{args}: top is {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{args}: bottom is {bottom:?}"
        );
    }

    // A large turned photo needed small is shrunk while it is decoded (a JPEG at 1/2, 1/4 or
    // 1/8 of its size): the variant is still upright, at its exact size, with its colours.
    let large = pictures::jpeg_with_exif(&halves(2400, 1600), 6)?;
    let m = upload_image(&app, &token, &site, "large.jpg", "image/jpeg", large).await?;
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(1600), Some(2400))
    );
    let id = str_at(&m, "/id")?;
    for (args, format, size) in [
        ("width: 320, format: JPEG", ImageFormat::Jpeg, (320, 480)),
        ("width: 960, format: WEBP", ImageFormat::WebP, (960, 1440)),
        (
            "width: 320, height: 320, format: PNG",
            ImageFormat::Png,
            (320, 320),
        ),
    ] {
        let (_, _, bytes) = fetch(&app, &variant_url(&app, &token, &id, args).await?).await?;
        let back = pictures::decode(&bytes, format)?.into_rgb8();
        assert_eq!(back.dimensions(), size, "{args}");
        let (w, h) = size;
        let (top, bottom) = (
            back.get_pixel(w / 2, h / 8),
            back.get_pixel(w / 2, h - h / 8),
        );
        assert!(top[0] > 150 && top[2] < 100, "{args}: top is {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{args}: bottom is {bottom:?}"
        );
    }
    Ok(())
}

async fn fifty_parallel_first_requests_make_one_variant(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&halves(800, 600))?;
    let m = upload_image(&app, &token, &site, "p.jpg", "image/jpeg", photo).await?;
    let url = variant_url(
        &app,
        &token,
        &str_at(&m, "/id")?,
        "width: 640, format: WEBP",
    )
    .await?;
    let requests = (0..50).map(|_| fetch(&app, &url));
    let answers = futures_util::future::try_join_all(requests).await?;
    let first = &answers[0].2;
    assert!(
        answers.iter().all(|(_, _, b)| b == first),
        "every answer has the same bytes"
    );
    assert_eq!(variant_keys(&app).len(), 1);
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await?
        .text()
        .await?;
    let made = metrics
        .lines()
        .find(|l| l.starts_with("wharf_media_variants_made_total "))
        .with_context(|| format!("no variant counter in {metrics}"))?;
    assert_eq!(made, "wharf_media_variants_made_total 1");
    Ok(())
}

async fn deleting_media_removes_its_variants_too(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&halves(700, 500))?;
    let m = upload_image(&app, &token, &site, "p.jpg", "image/jpeg", photo).await?;
    let id = str_at(&m, "/id")?;
    for args in ["width: 320", "width: 640, format: WEBP"] {
        fetch(&app, &variant_url(&app, &token, &id, args).await?).await?;
    }
    assert_eq!(variant_keys(&app).len(), 2);
    let deleted = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteMedia(id: $id) }",
            json!({ "id": id }),
        )
        .await?;
    ok(&deleted)?;
    eventually("the original and its variants are deleted", || async {
        Ok(app.stored_objects().is_empty())
    })
    .await
}
