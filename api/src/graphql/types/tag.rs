//! Tags as the API shows them.
use async_graphql::{ID, InputObject, Object};
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
