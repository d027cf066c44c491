//! A product category of a site: a node of the site's tree. Its names are per locale
//! (`category_translation`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    /// `None` for a top-level category.
    pub parent_id: Option<Uuid>,
    /// Order among its siblings, from 0.
    pub position: i32,
    /// Unique per site; the same in every locale.
    pub slug: String,
    /// Incremented on every change.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A category's names: `category_translations.category_id` → `categories.id` (a product page's
/// categories are read with their names in one statement).
impl Related<super::category_translation::Entity> for Entity {
    fn to() -> RelationDef {
        RelationDef::from(
            super::category_translation::Entity::belongs_to(Entity)
                .from(super::category_translation::Column::CategoryId)
                .to(Column::Id),
        )
        .rev()
    }
}
