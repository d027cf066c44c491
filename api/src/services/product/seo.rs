//! A product's SEO fields, as a change gives them and as they are checked.
use crate::domain::optional_text;
use crate::error::{AppError, AppResult, Reason};
use crate::services::parse_id;
use entities::{media, product};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// SEO changes; `None` leaves a field as it is, an empty string clears it.
#[derive(Default, Clone)]
pub struct ProductSeo {
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`: an absolute http(s) URL.
    pub canonical_url: Option<String>,
    /// A media item of the same site for `og:image`.
    pub og_image_id: Option<String>,
}

impl ProductSeo {
    pub(super) async fn apply(
        &self,
        db: &impl ConnectionTrait,
        site_id: Uuid,
        active: &mut product::ActiveModel,
    ) -> AppResult<()> {
        use crate::services::article::seo::{MAX_META_DESCRIPTION_CHARS, MAX_META_TITLE_CHARS};
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
            active.canonical_url = Set(crate::services::article::seo::canonical(v)?);
        }
        if let Some(v) = &self.og_image_id {
            active.og_image_media_id = Set(match v.trim() {
                "" => None,
                id => {
                    let id = parse_id("ogImageId", id)?;
                    match media::Entity::find_by_id(id).one(db).await? {
                        Some(m) if m.site_id == site_id => Some(id),
                        _ => {
                            return Err(AppError::bad_input(
                                "ogImageId",
                                "no media with this ID on the product's site",
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
