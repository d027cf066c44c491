//! SEO fields of an article: meta title and description, canonical URL, Open Graph image.
use crate::domain::optional_text;
use crate::error::{AppError, AppResult, Reason};
use crate::services::parse_id;
use entities::{article, media};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// Longest meta title, in characters.
pub const MAX_META_TITLE_CHARS: usize = 300;
/// Longest meta description, in characters.
pub const MAX_META_DESCRIPTION_CHARS: usize = 1000;
/// Longest canonical URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// SEO changes; `None` leaves a field as it is, an empty string clears it.
#[derive(Default, Clone)]
pub struct SeoPatch {
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`: an absolute http(s) URL.
    pub canonical_url: Option<String>,
    /// ID of a media item of the same site for `og:image`.
    pub og_image_id: Option<String>,
}

/// Checks a canonical URL: an absolute http(s) URL, or empty for none.
pub fn canonical(value: &str) -> AppResult<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || {
        AppError::bad_input(
            "canonicalUrl",
            "canonicalUrl must be an absolute http or https URL",
        )
        .because(Reason::InvalidUrl)
    };
    if value.len() > MAX_URL_BYTES {
        return Err(bad());
    }
    let url = url::Url::parse(value).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    Ok(Some(url.to_string()))
}

impl SeoPatch {
    /// Validates the patch and writes it into `active`.
    pub async fn apply(
        &self,
        db: &impl ConnectionTrait,
        site_id: Uuid,
        active: &mut article::ActiveModel,
    ) -> AppResult<()> {
        if let Some(v) = &self.meta_title {
            active.meta_title = Set(optional_text("metaTitle", Some(v), MAX_META_TITLE_CHARS)?);
        }
        if let Some(v) = &self.meta_description {
            active.meta_description = Set(optional_text(
                "metaDescription",
                Some(v),
                MAX_META_DESCRIPTION_CHARS,
            )?);
        }
        if let Some(v) = &self.canonical_url {
            active.canonical_url = Set(canonical(v)?);
        }
        if let Some(v) = &self.og_image_id {
            active.og_image_media_id = Set(match v.trim() {
                "" => None,
                id => {
                    let id = parse_id("ogImageId", id)?;
                    let found = media::Entity::find_by_id(id).one(db).await?;
                    match found {
                        Some(m) if m.site_id == site_id => Some(id),
                        _ => {
                            return Err(AppError::bad_input(
                                "ogImageId",
                                "no media with this ID on the article's site",
                            )
                            .because(Reason::MediaNotOnSite));
                        }
                    }
                }
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_urls_must_be_absolute_http() {
        assert_eq!(
            canonical("https://example.com/a?b=1")
                .ok()
                .flatten()
                .as_deref(),
            Some("https://example.com/a?b=1")
        );
        assert_eq!(canonical("").ok(), Some(None));
        for bad in [
            "/relative",
            "javascript:alert(1)",
            "ftp://x.com/",
            "https://",
        ] {
            assert!(canonical(bad).is_err(), "{bad}");
        }
    }
}
