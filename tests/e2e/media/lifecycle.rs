//! Deleting media (row at once, object through the outbox, retried) and article covers.
use super::*;
use entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

e2e!(media;
    the_media_of_a_site_are_listed_newest_first_for_members,
    deleting_media_removes_the_row_and_then_the_object,
    an_article_cover_image_is_set_read_and_cleared,
);
e2e!(stores = [s3: S3]; a_failed_object_delete_is_retried_from_the_outbox);

async fn deleting_media_removes_the_row_and_then_the_object(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let keep = upload_ok(&app, &token, &site, "b.png", "image/png", png(3, 3, 300)).await?;
    let id = str_at(&m, "/id")?;
    let stranger = app.signup("stranger@example.com").await?;
    let q = "mutation($id: ID!) { deleteMedia(id: $id) }";
    let refused = app
        .graphql_as(&stranger.token, q, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&refused)?, "NOT_FOUND");

    let deleted = app.graphql_as(&token, q, json!({ "id": id })).await?;
    assert_eq!(ok(&deleted)?["deleteMedia"], id);
    assert_eq!(media_rows(&app).await?, 1);
    let keep_key = str_at(&keep, "/key")?;
    eventually("the object is deleted", || async {
        Ok(app.stored_objects() == vec![keep_key.clone()])
    })
    .await?;
    eventually("the outbox row is done", || async {
        let open = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .filter(outbox::Column::DoneAt.is_null())
            .count(&app.db)
            .await?;
        Ok(open == 0)
    })
    .await?;
    let again = app.graphql_as(&token, q, json!({ "id": id })).await?;
    assert_eq!(error_code(&again)?, "NOT_FOUND");
    Ok(())
}

async fn an_article_cover_image_is_set_read_and_cleared(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let article = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Canton Fair report" }),
        )
        .await?;
    let article_id = str_at(&article, "/id")?;
    let image = upload_ok(
        &app,
        &token,
        &site,
        "cover.png",
        "image/png",
        png(1200, 630, 500),
    )
    .await?;
    let image_id = str_at(&image, "/id")?;
    let set = "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id coverImage { id width height url } } }";
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": image_id }))
        .await?;
    let cover = &ok(&body)?["setArticleCoverImage"]["coverImage"];
    assert_eq!(cover["id"], image_id);
    assert_eq!(cover["width"], 1200);
    let got = app.client.get(str_at(cover, "/url")?).send().await?;
    assert_eq!(got.status().as_u16(), 200);

    // Readers see it on the published article.
    app.publish(&token, &article_id).await?;
    let read = app
        .graphql(
            "query($id: ID!) { article(id: $id) { coverImage { id contentType } } }",
            json!({ "id": article_id }),
        )
        .await?;
    assert_eq!(ok(&read)?["article"]["coverImage"]["id"], image_id);

    // Media of another site, or a document, cannot be a cover.
    let other = app
        .create_site(&token, "other.example.com", &["en"])
        .await?;
    let foreign = upload_ok(&app, &token, &other, "f.png", "image/png", png(2, 2, 100)).await?;
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": foreign["id"] }))
        .await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&body).as_deref(), Some("mediaId"));
    let doc = upload_ok(&app, &token, &site, "d.pdf", "application/pdf", pdf()).await?;
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": doc["id"] }))
        .await?;
    assert_eq!(error_field(&body).as_deref(), Some("mediaId"));

    // Someone who cannot write the site cannot change it.
    let stranger = app.signup("stranger@example.com").await?;
    let body = app
        .graphql_as(&stranger.token, set, json!({ "a": article_id, "m": null }))
        .await?;
    assert_eq!(error_code(&body)?, "FORBIDDEN");

    // Clearing it, and deleting the media, both leave the article without a cover.
    let body = app
        .graphql_as(&token, set, json!({ "a": article_id, "m": null }))
        .await?;
    assert_eq!(
        ok(&body)?["setArticleCoverImage"]["coverImage"],
        Value::Null
    );
    app.graphql_as(&token, set, json!({ "a": article_id, "m": image_id }))
        .await?;
    let del = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteMedia(id: $id) }",
            json!({ "id": image_id }),
        )
        .await?;
    ok(&del)?;
    let read = app
        .graphql(
            "query($id: ID!) { article(id: $id) { coverImage { id } } }",
            json!({ "id": article_id }),
        )
        .await?;
    assert_eq!(ok(&read)?["article"]["coverImage"], Value::Null);
    Ok(())
}

async fn a_failed_object_delete_is_retried_from_the_outbox(mut app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let m = upload_ok(&app, &token, &site, "a.png", "image/png", png(3, 3, 300)).await?;
    let key = str_at(&m, "/key")?;
    let s3 = app.s3.as_mut().context("an S3 test without S3")?;
    s3.stop().await?;

    let q = "mutation($id: ID!) { deleteMedia(id: $id) }";
    let deleted = app.graphql_as(&token, q, json!({ "id": m["id"] })).await?;
    ok(&deleted)?;
    assert_eq!(media_rows(&app).await?, 0, "the row goes at once");
    eventually("the first delete attempt has failed", || async {
        let row = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .one(&app.db)
            .await?
            .context("no outbox row")?;
        Ok(row.last_error.is_some() && row.done_at.is_none())
    })
    .await?;
    assert_eq!(app.stored_objects(), vec![key], "the object is still there");

    app.s3
        .as_mut()
        .context("an S3 test without S3")?
        .restart()
        .await?;
    eventually("the retried delete succeeded", || async {
        let done = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("media.delete"))
            .filter(outbox::Column::DoneAt.is_not_null())
            .count(&app.db)
            .await?;
        Ok(done == 1 && app.stored_objects().is_empty())
    })
    .await?;
    Ok(())
}

async fn the_media_of_a_site_are_listed_newest_first_for_members(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app).await?;
    let mut ids = Vec::new();
    for name in ["a.png", "b.png", "c.png"] {
        let m = upload_ok(&app, &token, &site, name, "image/png", png(2, 2, 100)).await?;
        ids.push(str_at(&m, "/id")?);
    }
    let q = "query($site: String!, $after: String) { siteMedia(site: $site, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id filename url } } } }";
    let first = app
        .graphql_as(&token, q, json!({ "site": "media.example.com" }))
        .await?;
    let page = &ok(&first)?["siteMedia"];
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["edges"][0]["node"]["id"], ids[2]);
    assert_eq!(page["edges"][1]["node"]["id"], ids[1]);
    let after = str_at(page, "/pageInfo/endCursor")?;
    let second = app
        .graphql_as(&token, q, json!({ "site": site, "after": after }))
        .await?;
    let page = &ok(&second)?["siteMedia"];
    assert_eq!(page["edges"][0]["node"]["filename"], "a.png");
    assert_eq!(page["pageInfo"]["hasNextPage"], false);

    let stranger = app.signup("stranger@example.com").await?;
    let refused = app
        .graphql_as(&stranger.token, q, json!({ "site": site }))
        .await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    Ok(())
}
