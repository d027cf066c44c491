//! Categories as the API shows them: a node of a site's tree, named in one locale.
use super::flat::{FlatFields, opt_scalar, opt_text, scalar, text};
use super::site::Site;
use crate::services::product::{CategoryNode, NamedCategory};
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, MaybeUndefined, Object, SimpleObject, Value,
};
use chrono::{DateTime, Utc};
use entities::{category as row, category_translation};

/// A product category of a site.
pub struct Category {
    /// The category.
    pub row: row::Model,
    /// Its names, by locale.
    pub translations: Vec<category_translation::Model>,
    /// The locale to name it in (the site's default is used when it has no name there).
    pub locale: Option<String>,
    /// Subcategories, when read as a tree.
    pub children: Vec<Category>,
    /// Visible products in it and its subcategories, when counted.
    pub product_count: Option<u64>,
}

impl Category {
    /// A category read on its own or as a product's, named in `locale`.
    pub fn named(c: NamedCategory, locale: Option<String>) -> Self {
        Self {
            row: c.category,
            translations: c.translations,
            locale,
            children: Vec::new(),
            product_count: None,
        }
    }

    /// A node of a tree, with its subtree.
    pub fn node(n: CategoryNode, locale: &str, counted: bool) -> Self {
        Self {
            row: n.category,
            translations: n.translations,
            locale: Some(locale.to_owned()),
            children: n
                .children
                .into_iter()
                .map(|c| Self::node(c, locale, counted))
                .collect(),
            product_count: counted.then_some(n.product_count),
        }
    }

    /// The translation in the asked locale, else in the site's default locale, else any.
    async fn translation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<&category_translation::Model>> {
        if let Some(locale) = &self.locale
            && let Some(t) = self.translations.iter().find(|t| &t.locale == locale)
        {
            return Ok(Some(t));
        }
        let default = super::site_of(ctx, self.row.site_id)
            .await?
            .map(|s| s.0.default_locale);
        Ok(self
            .translations
            .iter()
            .find(|t| Some(&t.locale) == default.as_ref())
            .or_else(|| self.translations.first()))
    }
}

impl FlatFields for Category {
    fn flat_field(&self, _: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        // The name's fields only when the asked locale has one (else the site's default decides).
        let named = || {
            let locale = self.locale.as_ref()?;
            self.translations.iter().find(|t| &t.locale == locale)
        };
        Some(match name {
            "id" => scalar(&super::to_id(self.row.id)),
            "parentId" => opt_scalar(self.row.parent_id.map(super::to_id).as_ref()),
            "position" => scalar(&self.row.position),
            "slug" => text(&self.row.slug),
            "name" => text(&named()?.name),
            "description" => opt_text(named()?.description.as_deref()),
            "locale" => text(&named()?.locale),
            "productCount" => opt_scalar(self.product_count.as_ref()),
            "version" => scalar(&self.row.version),
            "updatedAt" => scalar(&self.row.updated_at),
            _ => return None,
        })
    }
}

/// A category's name and description in one locale.
#[derive(SimpleObject)]
pub struct CategoryTranslation {
    /// Locale tag.
    pub locale: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

#[Object]
impl Category {
    /// The category's ID.
    async fn id(&self) -> ID {
        super::to_id(self.row.id)
    }

    /// The site it belongs to.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.row.site_id).await
    }

    /// The parent category; null at the top level.
    async fn parent_id(&self) -> Option<ID> {
        self.row.parent_id.map(super::to_id)
    }

    /// Place among its siblings, from 0.
    async fn position(&self) -> i32 {
        self.row.position
    }

    /// URL slug, unique per site, the same in every locale.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// Name in the asked locale, or in the site's default locale when it has none there.
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self
            .translation(ctx)
            .await?
            .map(|t| t.name.clone())
            .unwrap_or_default())
    }

    /// Description, from the same translation as `name`.
    async fn description(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self
            .translation(ctx)
            .await?
            .and_then(|t| t.description.clone()))
    }

    /// The locale `name` and `description` are in.
    async fn locale(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.translation(ctx).await?.map(|t| t.locale.clone()))
    }

    /// Names and descriptions in every locale that has one.
    async fn translations(&self) -> Vec<CategoryTranslation> {
        self.translations
            .iter()
            .map(|t| CategoryTranslation {
                locale: t.locale.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
            })
            .collect()
    }

    /// Subcategories, by position (filled in `categories`, empty elsewhere).
    async fn children(&self) -> &[Category] {
        &self.children
    }

    /// Products in this category or any subcategory, each counted once, in the tree's locale
    /// and visible to the caller (filled in `categories`, null elsewhere).
    async fn product_count(&self) -> Option<u64> {
        self.product_count
    }

    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

/// A category's name and description in one locale.
#[derive(InputObject)]
pub struct CategoryTranslationInput {
    /// Locale tag; one of the site's locales.
    pub locale: String,
    /// Name.
    pub name: String,
    /// Description (plain text).
    pub description: Option<String>,
}

impl From<CategoryTranslationInput> for crate::services::product::TranslationInput {
    fn from(t: CategoryTranslationInput) -> Self {
        Self {
            locale: t.locale,
            name: t.name,
            description: t.description,
        }
    }
}

/// A category to create.
#[derive(InputObject)]
pub struct CreateCategoryInput {
    /// The site (its ID or domain).
    pub site_id: ID,
    /// The parent category; top level when absent.
    pub parent_id: Option<ID>,
    /// Slug; made from the name in the site's default locale when absent.
    pub slug: Option<String>,
    /// Place among its siblings, from 0; last when absent.
    pub position: Option<i32>,
    /// Names per locale; the site's default locale is required.
    pub translations: Vec<CategoryTranslationInput>,
}

/// Changes to a category: rename, re-slug, move under another parent, reorder.
#[derive(InputObject)]
pub struct UpdateCategoryInput {
    /// New slug.
    pub slug: Option<String>,
    /// New parent; null moves the category to the top level, absent leaves it.
    pub parent_id: MaybeUndefined<ID>,
    /// New place among its (new) siblings, from 0; the others shift.
    pub position: Option<i32>,
    /// Names to set, per locale (other locales stay).
    #[graphql(default)]
    pub translations: Vec<CategoryTranslationInput>,
    /// Locales whose name to remove (not the site's default).
    #[graphql(default)]
    pub remove_locales: Vec<String>,
    /// Apply only if the category is still at this version (else CONFLICT).
    pub expected_version: Option<i32>,
}
