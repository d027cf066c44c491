//! Media as the API shows them.
use super::article::Article;
use super::site::Site;
use super::user::User;
use crate::graphql::context::{principal, state};
use crate::services::media;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::media as row;

/// A stored file of a site: an image or a document.
pub struct Media(pub row::Model);

#[Object]
impl Media {
    /// The media's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// The site it belongs to.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.site_id).await
    }

    /// The object's key in the store.
    async fn key(&self) -> &str {
        &self.0.storage_key
    }

    /// The filename, sanitized (no path, no control characters).
    async fn filename(&self) -> &str {
        &self.0.filename
    }

    /// The media type, sniffed from the bytes.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.0.size_bytes
    }

    /// SHA-256 of the bytes, in hex.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Pixel width, for images.
    async fn width(&self) -> Option<i32> {
        self.0.width
    }

    /// Pixel height, for images.
    async fn height(&self) -> Option<i32> {
        self.0.height
    }

    /// Alternative text.
    async fn alt(&self) -> Option<&str> {
        self.0.alt.as_deref()
    }

    /// Who uploaded it.
    async fn uploader(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.uploader_id).await
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Where the site's articles use this item (one look-up per item). Only for those who may
    /// change the site's content (owners, editors, admins, `content:write` tokens): anyone else
    /// gets an error (`UNAUTHENTICATED` or `FORBIDDEN`).
    #[graphql(complexity = "20 * child_complexity + 1")]
    async fn usage(&self, ctx: &Context<'_>) -> async_graphql::Result<MediaUsage> {
        let articles = media::media_usage(&state(ctx)?.db, principal(ctx), &self.0).await?;
        Ok(MediaUsage {
            in_use: !articles.is_empty(),
            articles: articles.into_iter().map(Article).collect(),
        })
    }

    /// A URL that reads the file: the public URL when a public base is configured, otherwise a
    /// signed URL that expires after the `media_url_ttl_secs` setting.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let st = state(ctx)?;
        Ok(media::media_url(&st.storage, &st.settings, &self.0).await?)
    }
}

/// Where a media item is used.
#[derive(SimpleObject)]
pub struct MediaUsage {
    /// Whether an article of the site uses it: as cover, as `og:image`, or in its markdown
    /// body by its URL or key.
    pub in_use: bool,
    /// Those articles, drafts included, the most recently changed first; at most 20.
    pub articles: Vec<Article>,
}

/// A header the upload request must carry.
#[derive(SimpleObject)]
pub struct HttpHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// Where to send the bytes of a direct upload, and how to confirm it.
#[derive(SimpleObject)]
pub struct UploadUrl {
    /// The URL to send the bytes to.
    pub url: String,
    /// The HTTP method to use: `PUT`.
    pub method: String,
    /// Headers the request must carry.
    pub headers: Vec<HttpHeader>,
    /// The key the object will have.
    pub key: String,
    /// When the URL (and the token) stop working.
    pub expires_at: DateTime<Utc>,
    /// Pass it to `confirmUpload` once the bytes are sent.
    pub token: String,
}

impl From<media::UploadTicket> for UploadUrl {
    fn from(t: media::UploadTicket) -> Self {
        Self {
            url: t.url,
            method: "PUT".into(),
            headers: t
                .headers
                .into_iter()
                .map(|(name, value)| HttpHeader { name, value })
                .collect(),
            key: t.key,
            expires_at: t.expires_at,
            token: t.token,
        }
    }
}
