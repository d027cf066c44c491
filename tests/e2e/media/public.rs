//! Public and private media: an item used by published content (or marked public) gets stable
//! links, its original's and its variants', cacheable for good; anything else keeps signed,
//! expiring links, and its stable form is refused. On either store (Wharf serves public
//! originals from S3 itself).
use super::images::{fetch, upload_image};
use super::pictures;
use super::*;

e2e!(media; media_used_by_published_content_get_stable_links_and_others_stay_signed);

const LINKS: &str =
    "query($id: ID!) { media(id: $id) { public url small: url(width: 320, format: WEBP) } }";

async fn links(app: &TestApp, token: &str, id: &Value) -> Result<(bool, String, String)> {
    let body = app.graphql_as(token, LINKS, json!({ "id": id })).await?;
    let m = &ok(&body)?["media"];
    Ok((
        m["public"] == true,
        str_at(m, "/url")?,
        str_at(m, "/small")?,
    ))
}

fn unsigned(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_owned()
}

async fn status(app: &TestApp, url: &str) -> Result<u16> {
    Ok(app.client.get(url).send().await?.status().as_u16())
}

async fn media_used_by_published_content_get_stable_links_and_others_stay_signed(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let photo = pictures::jpeg(&pictures::halves(600, 400))?;
    let cover = upload_image(
        &app,
        &token,
        &site,
        "cover.jpg",
        "image/jpeg",
        photo.clone(),
    )
    .await?;
    let other = upload_image(
        &app,
        &token,
        &site,
        "draft.jpg",
        "image/jpeg",
        photo.clone(),
    )
    .await?;
    let key = str_at(&cover, "/key")?;

    // Private: signed links; their stable form is refused (by Wharf; with S3, Wharf does not
    // serve private originals at all).
    let (public, url, small) = links(&app, &token, &cover["id"]).await?;
    assert!(!public);
    assert!(
        url.contains("sig=") || url.contains("X-Amz-Signature="),
        "{url}"
    );
    assert!(small.contains("sig="), "{small}");
    let stable = format!("{}/media/{key}", app.address);
    let refused = if app.store == MediaStore::Local {
        403
    } else {
        404
    };
    assert_eq!(status(&app, &stable).await?, refused);
    assert_eq!(status(&app, &unsigned(&small)).await?, 403);

    // The cover of a published article: stable links, served to anyone for good.
    let article = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Canton Fair report" }),
        )
        .await?;
    let set = app
        .graphql_as(
            &token,
            "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id } }",
            json!({ "a": article["id"], "m": cover["id"] }),
        )
        .await?;
    ok(&set)?;
    app.publish(&token, &str_at(&article, "/id")?).await?;
    let (public, url, small) = links(&app, &token, &cover["id"]).await?;
    assert!(public);
    assert_eq!(url, stable);
    assert!(!small.contains('?'), "{small}");
    let (ct, cache, bytes) = fetch(&app, &url).await?;
    assert_eq!(
        (ct.as_str(), cache.as_str()),
        ("image/jpeg", "public, max-age=31536000, immutable")
    );
    assert_eq!(bytes, photo);
    let (ct, cache, _) = fetch(&app, &small).await?;
    assert_eq!(
        (ct.as_str(), cache.as_str()),
        ("image/webp", "public, max-age=31536000, immutable")
    );
    // A tampered signature is refused even for a public item.
    assert_eq!(
        status(&app, &format!("{small}?expires=1&sig=00")).await?,
        403
    );

    // Marked public by hand, then private again.
    let mark =
        "mutation($id: ID!, $p: Boolean!) { setMediaPublic(id: $id, public: $p) { public } }";
    let marked = app
        .graphql_as(&token, mark, json!({ "id": other["id"], "p": true }))
        .await?;
    assert_eq!(ok(&marked)?["setMediaPublic"]["public"], true);
    let (_, url, _) = links(&app, &token, &other["id"]).await?;
    assert!(!url.contains('?'), "{url}");
    assert_eq!(status(&app, &url).await?, 200);
    let unmarked = app
        .graphql_as(&token, mark, json!({ "id": other["id"], "p": false }))
        .await?;
    assert_eq!(ok(&unmarked)?["setMediaPublic"]["public"], false);
    assert_eq!(status(&app, &url).await?, refused);

    // Only members mark media.
    let stranger = app.signup("stranger@example.com").await?;
    let refused = app
        .graphql_as(
            &stranger.token,
            mark,
            json!({ "id": other["id"], "p": true }),
        )
        .await?;
    assert_eq!(error_code(&refused)?, "NOT_FOUND");
    Ok(())
}
