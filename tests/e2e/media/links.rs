//! Signed links and tickets: tampered or expired ones are refused, by Wharf and by S3.
use super::*;

e2e!(media; tampered_or_expired_links_and_tickets_are_refused);

async fn tampered_or_expired_links_and_tickets_are_refused(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let url = str_at(&m, "/url")?;
    let key = str_at(&m, "/key")?;
    let tampered = tamper_signature(&url)?;
    let resp = app.client.get(&tampered).send().await?;
    assert_eq!(resp.status().as_u16(), 403, "tampered GET");

    let ticket = create_upload_url(&app, &token, &site, "b.png", "image/png", 300).await?;
    let ticket = &ok(&ticket)?["createUploadUrl"];
    let upload_url = str_at(ticket, "/url")?;
    let status = put(&app, &tamper_signature(&upload_url)?, png(3, 3, 300)).await?;
    assert_eq!(status, 403, "tampered PUT");
    // A download link cannot be used to upload.
    assert_eq!(
        put(&app, &url, png(3, 3, 300)).await?,
        403,
        "GET link used for PUT"
    );

    // A tampered ticket is refused.
    let mut bad_ticket = str_at(ticket, "/token")?;
    bad_ticket.insert(1, 'x');
    let refused = confirm(&app, &token, &bad_ticket, None).await?;
    assert_eq!(error_field(&refused).as_deref(), Some("token"));

    if app.store == MediaStore::Local {
        // A correctly signed link whose time is up.
        let signer = wharf::storage::signed::UrlSigner::new(TEST_JWT_SECRET.as_bytes());
        let expires = chrono::Utc::now().timestamp() - 5;
        let sig = signer.sign("GET", &key, expires);
        let expired = format!("{}/media/{key}?expires={expires}&sig={sig}", app.address);
        assert_eq!(
            app.client.get(&expired).send().await?.status().as_u16(),
            403
        );
        // Moving the expiry without the key breaks the signature.
        let later = expires + 3600;
        let moved = format!("{}/media/{key}?expires={later}&sig={sig}", app.address);
        assert_eq!(app.client.get(&moved).send().await?.status().as_u16(), 403);
        // No signature at all.
        let bare = format!("{}/media/{key}", app.address);
        assert_eq!(app.client.get(&bare).send().await?.status().as_u16(), 403);
    }
    Ok(())
}

/// The URL with the last hex digit of its signature changed.
fn tamper_signature(url: &str) -> Result<String> {
    let marker = if url.contains("X-Amz-Signature=") {
        "X-Amz-Signature="
    } else {
        "sig="
    };
    let at = url.find(marker).context("no signature in the URL")? + marker.len();
    let end = url[at..].find('&').map_or(url.len(), |i| at + i);
    let mut out = url.to_owned();
    let last = &url[end - 1..end];
    out.replace_range(end - 1..end, if last == "0" { "1" } else { "0" });
    Ok(out)
}

/// Links live `media_url_ttl_secs`; after that both Wharf (local) and S3 refuse them.
async fn links_expire(store: MediaStore) -> Result<()> {
    let app = spawn_app_tweaked(Stack::Sqlite, store, |s| {
        s.media_url_ttl_secs = 1;
        s.media_upload_ttl_secs = 1;
    })
    .await?
    .context("the SQLite stack always runs")?;
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let ticket = create_upload_url(&app, &token, &site, "b.png", "image/png", 300).await?;
    let ticket = ok(&ticket)?["createUploadUrl"].clone();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let got = app.client.get(str_at(&m, "/url")?).send().await?;
    assert_eq!(got.status().as_u16(), 403, "expired GET link");
    let status = put(&app, &str_at(&ticket, "/url")?, png(3, 3, 300)).await?;
    assert_eq!(status, 403, "expired PUT link");
    let late = confirm(&app, &token, &str_at(&ticket, "/token")?, None).await?;
    assert!(str_at(&late, "/errors/0/message")?.contains("expired"));
    assert_eq!(media_rows(&app).await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_links_are_refused_on_local_disk() -> Result<()> {
    links_expire(MediaStore::Local).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_links_are_refused_by_s3() -> Result<()> {
    links_expire(MediaStore::S3).await
}

/// With a public base URL, the links of public media are that base plus the key and never
/// expire; local media are then served to anyone, cacheable for good (keys never change
/// content). Private media keep signed links.
async fn public_media(store: MediaStore) -> Result<()> {
    let app = spawn_app_tweaked(Stack::Sqlite, store, |s| {
        s.media_public_base_url = Some("https://cdn.example.com/media/".into());
    })
    .await?
    .context("the SQLite stack always runs")?;
    let (token, site) = setup(&app).await?;
    let bytes = png(3, 3, 300);
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", bytes.clone()).await?;
    let key = str_at(&m, "/key")?;
    assert!(
        !str_at(&m, "/url")?.starts_with("https://cdn.example.com/"),
        "private: signed"
    );
    let marked = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { setMediaPublic(id: $id, public: true) { public url } }",
            json!({ "id": m["id"] }),
        )
        .await?;
    assert_eq!(ok(&marked)?["setMediaPublic"]["public"], true);
    assert_eq!(
        str_at(&marked, "/data/setMediaPublic/url")?,
        format!("https://cdn.example.com/media/{key}")
    );
    let resp = app
        .client
        .get(format!("{}/media/{key}", app.address))
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(resp.bytes().await?.to_vec(), bytes);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_media_links_on_local_disk_are_served_to_anyone() -> Result<()> {
    public_media(MediaStore::Local).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_media_links_on_s3_use_the_public_base_and_are_served_by_wharf() -> Result<()> {
    public_media(MediaStore::S3).await
}
