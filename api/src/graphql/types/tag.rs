//! Tags as the API shows them.
use super::flat::{FlatFields, scalar, text};
use async_graphql::{ContextSelectionSet, ID, InputObject, Object, Value};
use entities::tag;

/// A tag of a site.
pub struct Tag(pub tag::Model);

#[Object]
impl Tag {
    /// The tag's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// The site the tag belongs to.
    async fn site_id(&self) -> ID {
        super::to_id(self.0.site_id)
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// URL slug, unique per site.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
}

impl FlatFields for Tag {
    fn flat_field(&self, _: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        Some(match name {
            "id" => scalar(&super::to_id(self.0.id)),
            "siteId" => scalar(&super::to_id(self.0.site_id)),
            "name" => text(&self.0.name),
            "slug" => text(&self.0.slug),
            _ => return None,
        })
    }
}

/// A tag to create.
#[derive(InputObject)]
pub struct CreateTagInput {
    /// The site (its ID or domain).
    pub site_id: ID,
    /// Display name.
    pub name: String,
    /// Slug; generated from the name when absent.
    pub slug: Option<String>,
}

/// Changes to a tag.
#[derive(InputObject)]
pub struct UpdateTagInput {
    /// New display name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
}
