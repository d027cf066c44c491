//! Media as the API shows them.
use super::article::Article;
use super::flat::{FlatFields, opt_scalar, opt_text, scalar, text};
use super::site::Site;
use super::user::User;
use crate::graphql::context::{principal, state};
use crate::imaging::{Fit, Format};
use crate::services::media;
use crate::services::media::variant::{self, VariantRequest};
use async_graphql::{Context, ContextSelectionSet, Enum, ID, Object, SimpleObject, Value};
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

    /// Whether the item is public: marked so, or used by published content. Public media have
    /// stable links (cacheable for good); private ones have signed links that expire after the
    /// `media_url_ttl_secs` setting.
    async fn public(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(media::is_public(&state(ctx)?.db, &self.0).await?)
    }

    /// BlurHash of the image (4×3 components), computed on upload, to paint before the image
    /// arrives; null for other files and images that could not be decoded.
    async fn blurhash(&self) -> Option<&str> {
        self.0.blurhash.as_deref()
    }

    /// The image's dominant colour as `#rrggbb`, computed on upload.
    async fn dominant_color(&self) -> Option<&str> {
        self.0.dominant_color.as_deref()
    }

    /// A URL that reads the file, or with any argument a resized variant of an image. The width
    /// snaps to the nearest configured one (`WHARF_MEDIA_VARIANT_WIDTHS`) and never exceeds the
    /// image's own; with a height the box takes the nearest of the ratios 1:1, 4:3, 3:2, 16:9,
    /// 21:9, 3:4, 2:3, 9:16, 4:5, and `fit` says how the image meets it. Variants are made on
    /// their first request, EXIF orientation applied and metadata stripped. Stable for public
    /// media, else signed for `media_url_ttl_secs`.
    async fn url(
        &self,
        ctx: &Context<'_>,
        width: Option<u32>,
        height: Option<u32>,
        fit: Option<ImageFit>,
        format: Option<ImageFormat>,
    ) -> async_graphql::Result<String> {
        let st = state(ctx)?;
        if width.is_none() && height.is_none() && fit.is_none() && format.is_none() {
            return Ok(media::media_url(&st.db, &st.storage, &st.settings, &self.0).await?);
        }
        let request = VariantRequest {
            width,
            height,
            fit: fit.map(Fit::from),
            format: format.map(Format::from),
        };
        let spec = variant::resolve(&st.settings, &self.0, request)?;
        let public = media::is_public(&st.db, &self.0).await?;
        Ok(variant::variant_url(
            &st.storage,
            &st.settings,
            &self.0,
            &spec,
            public,
        )?)
    }

    /// A `srcset` of the image's variants (`URL 320w, URL 640w, …`) for `<img srcset>` or a
    /// `<picture>` `<source>` (one per format). Widths snap as in `url` (none given: every
    /// configured width); widths wider than the image collapse into its own.
    async fn srcset(
        &self,
        ctx: &Context<'_>,
        widths: Option<Vec<u32>>,
        height: Option<u32>,
        fit: Option<ImageFit>,
        format: Option<ImageFormat>,
    ) -> async_graphql::Result<String> {
        let st = state(ctx)?;
        let request = VariantRequest {
            width: None,
            height,
            fit: fit.map(Fit::from),
            format: format.map(Format::from),
        };
        let widths = widths.unwrap_or_default();
        let specs = variant::srcset_specs(&st.settings, &self.0, &widths, request)?;
        let public = media::is_public(&st.db, &self.0).await?;
        let mut out = Vec::with_capacity(specs.len());
        for (spec, real_width) in specs {
            let url = variant::variant_url(&st.storage, &st.settings, &self.0, &spec, public)?;
            out.push(format!("{url} {real_width}w"));
        }
        Ok(out.join(", "))
    }
}

impl FlatFields for Media {
    fn flat_field(&self, ctx: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        let m = &self.0;
        Some(match name {
            "id" => scalar(&super::to_id(m.id)),
            "key" => text(&m.storage_key),
            "filename" => text(&m.filename),
            "contentType" => text(&m.content_type),
            "size" => scalar(&m.size_bytes),
            "sha256" => text(&m.sha256),
            "width" => opt_scalar(m.width.as_ref()),
            "height" => opt_scalar(m.height.as_ref()),
            "alt" => opt_text(m.alt.as_deref()),
            "createdAt" => scalar(&m.created_at),
            "blurhash" => opt_text(m.blurhash.as_deref()),
            "dominantColor" => opt_text(m.dominant_color.as_deref()),
            // A stable link needs no look-up once the item is marked public (`media_url`).
            "url" if m.public => {
                let st = ctx.data_opt::<crate::state::AppState>()?;
                text(&st.storage.stable_url(&m.storage_key).ok()?)
            }
            _ => return None,
        })
    }
}

/// How an image meets a width × height box.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImageFit {
    /// Fill the box, cropping the middle of what overflows.
    Cover,
    /// Fit inside the box, whole.
    Contain,
}

impl From<ImageFit> for Fit {
    fn from(f: ImageFit) -> Self {
        match f {
            ImageFit::Cover => Fit::Cover,
            ImageFit::Contain => Fit::Contain,
        }
    }
}

/// The format of an image variant.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP (lossy).
    Webp,
    /// AVIF.
    Avif,
}

impl From<ImageFormat> for Format {
    fn from(f: ImageFormat) -> Self {
        match f {
            ImageFormat::Jpeg => Format::Jpeg,
            ImageFormat::Png => Format::Png,
            ImageFormat::Webp => Format::Webp,
            ImageFormat::Avif => Format::Avif,
        }
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
