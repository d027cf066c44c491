//! An article in one locale; translations share a `translation_group_id`.
use sea_orm::entity::prelude::*;

/// Where an article is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ArticleStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    #[sea_orm(string_value = "published")]
    Published,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub translation_group_id: Uuid,
    pub locale: String,
    /// Unique per site and locale.
    pub slug: String,
    pub title: String,
    /// Markdown source.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// An explicit excerpt; when absent one is derived from the body.
    #[sea_orm(column_type = "Text", nullable)]
    pub excerpt: Option<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTimeUtc>,
    /// For a scheduled article: when the scheduler publishes it.
    pub scheduled_at: Option<DateTimeUtc>,
    pub author_id: Option<Uuid>,
    pub cover_media_id: Option<Uuid>,
    pub meta_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image_media_id: Option<Uuid>,
    /// Incremented on every change; also the number of the latest revision.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The renderer revision that made `digest`; `None` before the first digest.
    pub digest_rev: Option<i32>,
    /// What lists show of the body, derived from it when it was written (JSON: excerpt, word
    /// count, reading time, table of contents); `None` when it could not be made in time.
    #[sea_orm(column_type = "Text", nullable)]
    pub digest: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
