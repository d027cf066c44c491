//! Media reads and writes: uploads (multipart and direct), alt text, deletion, article cover
//! images.
use crate::graphql::context::{PageArgs, principal, state};
use crate::graphql::types::article::Article;
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::media::{Media, UploadUrl};
use crate::graphql::types::{id_arg, to_id};
use crate::services::media::{self, NewUpload, UploadRequest};
use crate::services::site;
use async_graphql::{Context, ID, Object, Upload};
use std::io::Read;

/// Reads of media.
#[derive(Default)]
pub struct MediaQuery;

#[Object]
impl MediaQuery {
    /// A media item, for members of its site.
    async fn media(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Media> {
        let st = state(ctx)?;
        let id = id_arg("id", &id)?;
        Ok(Media(media::get_media(&st.db, principal(ctx), id).await?))
    }

    /// The media of a site (ID or domain), newest first, for its members.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn site_media(
        &self,
        ctx: &Context<'_>,
        site: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Media>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        let page = PageArgs { first, after }.parse(ctx, media::LIST_ORDER)?;
        Ok(connection(
            media::list_media(&st.db, principal(ctx), site.id, &page).await?,
            Media,
        ))
    }
}

/// Writes of media.
#[derive(Default)]
pub struct MediaMutation;

#[Object]
impl MediaMutation {
    /// Uploads a file to a site in this request (GraphQL multipart request). The type is sniffed
    /// from the bytes; a claimed type that contradicts them is refused.
    async fn upload_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site: String,
        file: Upload,
        alt: Option<String>,
    ) -> async_graphql::Result<Media> {
        let st = state(ctx)?;
        let value = file.value(ctx)?;
        let limit = st.settings.media_max_bytes;
        let (filename, declared_type) = (value.filename.clone(), value.content_type.clone());
        let bytes = tokio::task::spawn_blocking(move || {
            let mut bytes = Vec::new();
            // One byte over the limit is enough to refuse.
            value
                .into_read()
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        })
        .await
        .map_err(crate::error::AppError::internal)?
        .map_err(crate::error::AppError::internal)?;
        let upload = NewUpload {
            site,
            filename,
            declared_type,
            bytes: bytes.into(),
            alt,
        };
        Ok(Media(
            media::upload_media(
                &st.db,
                &st.storage,
                &st.images,
                &st.settings,
                principal(ctx),
                upload,
            )
            .await?,
        ))
    }

    /// Prepares a direct upload: a signed URL to PUT the bytes to, and a token for
    /// `confirmUpload`.
    async fn create_upload_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site: String,
        filename: String,
        #[graphql(desc = "The media type of the file; it must be an allowed one.")]
        content_type: String,
        #[graphql(desc = "The size of the file in bytes.")] size: i64,
    ) -> async_graphql::Result<UploadUrl> {
        let st = state(ctx)?;
        let request = UploadRequest {
            site,
            filename,
            content_type,
            size,
        };
        Ok(
            media::create_upload_url(&st.db, &st.storage, &st.settings, principal(ctx), request)
                .await?
                .into(),
        )
    }

    /// Records a direct upload once its bytes are stored; the object is checked (exists, size,
    /// type) and deleted when refused.
    async fn confirm_upload(
        &self,
        ctx: &Context<'_>,
        token: String,
        alt: Option<String>,
    ) -> async_graphql::Result<Media> {
        let st = state(ctx)?;
        Ok(Media(
            media::confirm_upload(
                &st.db,
                &st.storage,
                &st.images,
                &st.settings,
                principal(ctx),
                &token,
                alt,
            )
            .await?,
        ))
    }

    /// Sets the alt text of a media item (at most 1,000 characters); null or blank removes it.
    /// For those who may change the site's content.
    async fn update_media(
        &self,
        ctx: &Context<'_>,
        id: ID,
        alt: Option<String>,
    ) -> async_graphql::Result<Media> {
        let st = state(ctx)?;
        let id = id_arg("id", &id)?;
        Ok(Media(
            media::update_media(&st.db, principal(ctx), id, alt).await?,
        ))
    }

    /// Marks a media item public (stable links that never expire, for a CDN and browsers to
    /// keep) or private (signed links that expire). Media used by published content become
    /// public by themselves; marking such an item private lasts only until its next link is
    /// asked for. For those who may change the site's content.
    async fn set_media_public(
        &self,
        ctx: &Context<'_>,
        id: ID,
        public: bool,
    ) -> async_graphql::Result<Media> {
        let st = state(ctx)?;
        let id = id_arg("id", &id)?;
        Ok(Media(
            media::set_media_public(&st.db, principal(ctx), id, public).await?,
        ))
    }

    /// Deletes a media item, its stored object and its image variants; returns its ID.
    async fn delete_media(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let st = state(ctx)?;
        let id = id_arg("id", &id)?;
        media::delete_media(&st.db, principal(ctx), id).await?;
        Ok(to_id(id))
    }

    /// Sets the cover image of an article, or removes it when `mediaId` is null. The media
    /// must be an image of the article's site.
    async fn set_article_cover_image(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        media_id: Option<ID>,
    ) -> async_graphql::Result<Article> {
        let st = state(ctx)?;
        let article_id = id_arg("articleId", &article_id)?;
        let media_id = media_id.map(|m| id_arg("mediaId", &m)).transpose()?;
        Ok(Article(
            media::set_article_cover_image(&st.db, principal(ctx), article_id, media_id).await?,
        ))
    }
}
