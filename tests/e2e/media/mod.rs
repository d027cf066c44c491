//! Media: uploads (multipart and direct), checks, serving, deletion and cover images, each run
//! against local disk and against a real S3 server (in process, SigV4 checked), on SQLite and
//! PostgreSQL. Shared helpers live here; the tests sit in one file per topic.
mod direct;
mod image_costs;
mod image_limits;
mod images;
mod library;
mod lifecycle;
mod links;
mod pictures;
mod public;
mod s3_failures;
mod served;
mod sizes;
mod sweep;
mod uploads;

use anyhow::{Context, Result, bail};
use entities::media;
use reqwest::multipart::{Form, Part};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use std::time::Duration;
use wharf_tests::{
    MediaStore, Stack, TEST_JWT_SECRET, TEST_MEDIA_MAX_BYTES, TestApp, e2e, error_code,
    error_field, ok, spawn_app_tweaked, str_at,
};

const MEDIA_FIELDS: &str =
    "id key filename contentType size sha256 width height alt url uploader { id } site { id }";

/// A PNG of `w`×`h` pixels as far as headers go (signature and IHDR), padded to `len` bytes.
pub(crate) fn png(w: u32, h: u32, len: usize) -> Vec<u8> {
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

pub(crate) fn pdf() -> Vec<u8> {
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
pub(crate) async fn upload_ok(
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

/// PUTs bytes to an upload URL the way `curl --data-binary` does (with a form content type,
/// which neither S3's presigned URL nor Wharf's signed link cares about).
async fn put(app: &TestApp, url: &str, bytes: Vec<u8>) -> Result<u16> {
    Ok(app
        .client
        .put(url)
        .header("content-type", "application/x-www-form-urlencoded")
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
