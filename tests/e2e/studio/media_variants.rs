//! Image variants and BlurHash in the Studio (issue 17, point 5, "Products, inquiries, images"):
//! the media grid paints each image's BlurHash (decoded by the Studio's own `lib/blurhash.js`)
//! before the picture arrives, and the picture is a small variant from `Media.srcset`, never the
//! original; the item's details list the variant widths. The decoder is checked against a
//! reference decode written here in Rust.
use super::products::{OWNER, photo};
use super::{PASSWORD, overflow};
use crate::products::shop;
use anyhow::{Context, Result, bail, ensure};
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(the_media_grid_paints_a_blurhash_then_a_small_variant,);

/// BlurHash's base-83 digits.
const DIGITS: &str =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
/// The format's own example hash (4×3 components).
const KNOWN: &str = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

fn base83(text: &str) -> Result<u32> {
    text.chars().try_fold(0u32, |v, c| {
        let digit = DIGITS.find(c).context("not a base-83 digit")?;
        Ok(v * 83 + u32::try_from(digit)?)
    })
}

fn to_linear(v: u32) -> f64 {
    let c = f64::from(v) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn to_srgb(v: f64) -> i64 {
    let c = v.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    // In 0..=255 by the clamp above.
    (s * 255.0).round() as i64
}

/// The sRGB colour at (x, y) of `hash` decoded at `w`×`h`: a reference, written apart from the
/// Studio's JavaScript, straight from the format's definition.
fn reference_pixel(hash: &str, w: u32, h: u32, x: u32, y: u32) -> Result<[i64; 3]> {
    let flag = base83(&hash[..1])?;
    let (nx, ny) = (flag % 9 + 1, flag / 9 + 1);
    ensure!(hash.len() == 4 + 2 * (nx * ny) as usize, "bad length");
    let max = f64::from(base83(&hash[1..2])? + 1) / 166.0;
    let mut sum = [0.0f64; 3];
    for j in 0..ny {
        for i in 0..nx {
            let n = (i + j * nx) as usize;
            let colour = if n == 0 {
                let dc = base83(&hash[2..6])?;
                [
                    to_linear(dc >> 16),
                    to_linear((dc >> 8) & 255),
                    to_linear(dc & 255),
                ]
            } else {
                let v = base83(&hash[4 + 2 * n..6 + 2 * n])?;
                let ac = |q: u32| {
                    let x = (f64::from(q) - 9.0) / 9.0;
                    x.signum() * x * x * max
                };
                [ac(v / 361), ac((v / 19) % 19), ac(v % 19)]
            };
            let basis = (std::f64::consts::PI * f64::from(x * i) / f64::from(w)).cos()
                * (std::f64::consts::PI * f64::from(y * j) / f64::from(h)).cos();
            for (s, c) in sum.iter_mut().zip(colour) {
                *s += c * basis;
            }
        }
    }
    Ok(sum.map(to_srgb))
}

fn close(js: &Value, want: [i64; 3]) -> bool {
    (0..3).all(|k| js[k].as_i64().is_some_and(|v| (v - want[k]).abs() <= 1))
}

/// A 1200 × 900 photo-like JPEG: wide enough for three variant widths below its own.
fn big_photo() -> Result<Vec<u8>> {
    let img = RgbImage::from_fn(1200, 900, |x, y| {
        let c = |v: u32| u8::try_from(v % 256).unwrap_or(0);
        Rgb([c(40 + x / 6), c(90 + y / 5), c(200 - (x + y) / 12)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img)?;
    Ok(out)
}

const PIXELS: [(u32, u32); 4] = [(0, 0), (16, 16), (31, 5), (7, 25)];

/// Decodes `hash` at 32 × 32 with the Studio's module, in the page; returns the pixels at
/// `PIXELS` and the average colour.
async fn studio_decode(browser: &Browser, hash: &str) -> Result<Value> {
    let out = browser
        .client
        .execute_async(
            "const [hash, points, done] = arguments;
             import('/studio/assets/lib/blurhash.js').then((m) => {
               const p = m.decodeBlurhash(hash, 32, 32);
               done({ pixels: points.map(([x, y]) => Array.from(p.slice((y * 32 + x) * 4, (y * 32 + x) * 4 + 3))),
                      average: m.averageColor(hash), bad: m.decodeBlurhash(hash.slice(0, -1), 4, 4) });
             }, (e) => done({ error: String(e) }));",
            vec![json!(hash), json!(PIXELS)],
        )
        .await?;
    ensure!(out["error"].is_null(), "{out}");
    Ok(out)
}

async fn the_media_grid_paints_a_blurhash_then_a_small_variant(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let m = crate::media::upload_ok(&app, &token, &site, "plant.jpg", "image/jpeg", big_photo()?)
        .await?;
    let id = str_at(&m, "/id")?;
    let read = app
        .graphql_as(
            &token,
            "query($id: ID!) { media(id: $id) { url blurhash } }",
            json!({ "id": id }),
        )
        .await?;
    let original = str_at(&ok(&read)?["media"], "/url")?;
    let hash = str_at(&ok(&read)?["media"], "/blurhash")?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("valve-photo.jpg");
    std::fs::write(&file, photo([200, 60, 40])?)?;

    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.wait_text("h1", "Articles").await?;

    // The decoder against the reference: the format's example and the server's own hash.
    for h in [KNOWN, hash.as_str()] {
        let out = studio_decode(&browser, h).await?;
        for (n, (x, y)) in PIXELS.iter().enumerate() {
            let want = reference_pixel(h, 32, 32, *x, *y)?;
            ensure!(
                close(&out["pixels"][n], want),
                "{h} at ({x}, {y}): the Studio decodes {}, the reference {want:?}",
                out["pixels"][n]
            );
        }
        let dc = base83(&h[2..6])?;
        let dc = [dc >> 16, (dc >> 8) & 255, dc & 255].map(i64::from);
        ensure!(
            close(&out["average"], dc),
            "{h}: average {}",
            out["average"]
        );
        ensure!(out["bad"].is_null(), "a cut hash must not decode: {out}");
    }

    // Every thumbnail as it joins the page: the placeholder must be there before the picture.
    browser
        .js(
            "window.__thumbs = [];
             const seen = new WeakSet();
             new MutationObserver(() => {
               for (const box of document.querySelectorAll('.thumb-box')) {
                 if (seen.has(box)) continue;
                 seen.add(box);
                 const img = box.querySelector('img');
                 const rec = { canvas: !!box.querySelector('canvas.blurhash'), src: img.getAttribute('src'), loaded: null };
                 window.__thumbs.push(rec);
                 img.addEventListener('load', () => { rec.loaded = img.currentSrc; rec.canvasAtLoad = !!box.querySelector('canvas.blurhash'); });
               }
             }).observe(document.body, { childList: true, subtree: true });",
            vec![],
        )
        .await?;
    browser.click_text("Media").await?;
    let tile = format!(".media-tile[data-id=\"{id}\"]");
    browser.wait(&format!("{tile} .thumb-box.loaded")).await?;
    let seen = browser.js("return window.__thumbs", vec![]).await?;
    ensure!(
        seen.as_array().is_some_and(|a| a.len() == 1)
            && seen[0]["canvas"] == true
            && seen[0]["src"].is_null()
            && seen[0]["canvasAtLoad"] == true,
        "the BlurHash was not painted before the image: {seen}"
    );

    // The canvas holds the server's hash, painted as the reference decodes it.
    let shown = browser
        .js(
            "const box = document.querySelector(arguments[0] + ' .thumb-box');
             const c = box.querySelector('canvas.blurhash');
             const img = box.querySelector('img');
             return { hash: c.dataset.blurhash, pixel: Array.from(c.getContext('2d').getImageData(16, 16, 1, 1).data.slice(0, 3)),
                      srcset: img.srcset, sizes: img.sizes, current: img.currentSrc, width: img.naturalWidth };",
            vec![json!(tile)],
        )
        .await?;
    ensure!(shown["hash"] == hash.as_str(), "{shown}");
    ensure!(
        close(&shown["pixel"], reference_pixel(&hash, 32, 32, 16, 16)?),
        "{shown}"
    );
    // A srcset of variants (320, 640, 960 and the image's own 1200), the narrow one shown.
    let srcset = shown["srcset"].as_str().unwrap_or_default();
    for w in ["320w", "640w", "960w", "1200w"] {
        ensure!(srcset.contains(w), "no {w} in {srcset}");
    }
    let current = shown["current"].as_str().unwrap_or_default().to_owned();
    ensure!(
        !current.is_empty() && current != original && srcset.contains(current.as_str()),
        "the grid shows {current}, not a variant of {srcset}"
    );
    ensure!(shown["width"].as_i64().is_some_and(|w| w < 1200), "{shown}");
    let resp = app.client.get(&current).send().await?;
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ensure!(
        resp.status() == 200 && kind.starts_with("image/"),
        "{current} answered {} {kind}",
        resp.status()
    );

    // The details: size, the BlurHash preview and the widths made.
    browser
        .wait(&format!("{tile} .media-detail summary"))
        .await?
        .click()
        .await?;
    browser
        .wait_text(&format!("{tile} .media-detail dd"), "1,200 × 900 pixels")
        .await?;
    browser
        .wait(&format!("{tile} .media-detail canvas.blurhash-large"))
        .await?;
    for w in ["320 px", "640 px", "960 px", "1,200 px"] {
        browser
            .wait_text(&format!("{tile} .variant-widths li"), w)
            .await?;
    }

    // An image uploaded here gets the same: a canvas, then a variant.
    browser
        .wait("input[type=file]")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    browser
        .wait_text(".media-tile .media-name", "valve-photo.jpg")
        .await?;
    browser
        .wait(".media-tile:first-child .thumb-box.loaded canvas.blurhash")
        .await?;
    let fresh = browser
        .js(
            "return document.querySelector('.media-tile:first-child .thumb-box img').srcset",
            vec![],
        )
        .await?;
    ensure!(
        fresh.as_str().is_some_and(|s| s.contains(" 320w")),
        "{fresh}"
    );
    browser
        .screenshot_of("media-variants-en", ".media-count")
        .await?;
    browser.resize(375, 812).await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the media page scrolls sideways at phone width"
    );
    browser
        .screenshot_of("media-variants-en-phone", &tile)
        .await?;
    browser.assert_clean().await?;
    browser.close().await?;

    // The same in Chinese.
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        bail!("the browser went away");
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open("/studio/media").await?;
    browser.wait(&format!("{tile} .thumb-box.loaded")).await?;
    browser
        .wait_text(&format!("{tile} .media-detail summary"), "详情")
        .await?
        .click()
        .await?;
    browser
        .wait_text(&format!("{tile} .variant-widths li"), "320 像素")
        .await?;
    browser
        .screenshot_of("media-variants-zh", ".media-count")
        .await?;
    browser.resize(375, 812).await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the media page scrolls sideways at phone width"
    );
    browser
        .screenshot_of("media-variants-zh-phone", &tile)
        .await?;
    browser.assert_clean().await?;
    browser.close().await
}
