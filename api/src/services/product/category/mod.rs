//! Categories: a tree per site. The tree (parent, position, slug) is the same in every locale;
//! names and descriptions are per locale (`category_translations`). A category with products or
//! subcategories cannot be deleted (CONFLICT naming how many), so no product silently loses its
//! place in the catalogue.
//!
//! `write.rs`: creating, changing, moving and deleting categories; `tree.rs`: the tree as read
//! (subtrees, names, product counts); `assign.rs`: the categories of a product; `names.rs`: a
//! category's names per locale, checked and written.
mod assign;
mod names;
mod tree;
mod write;

pub use assign::{check_product_categories, set_product_categories};
pub use tree::{category_tree, main_category_path, subtree, subtree_ids, translations_of};
pub use write::{create_category, delete_category, update_category};

use super::relations::NamedCategory;
use super::visible_condition;
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::site::{SiteKey, find_site, require_site, require_site_locale};
use crate::services::{authz, for_update, now, parse_id};
use entities::{category, category_translation as translation, product, product_category};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Deepest a tree may be (a top-level category is at depth 1).
pub const MAX_DEPTH: usize = 8;
/// Most categories on one site.
pub const MAX_CATEGORIES: u64 = 5000;
/// Longest category name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest category description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5000;

const CATEGORY_CONSTRAINTS: &[(&str, &str, &str)] =
    &[("categories_site_id_slug", "categories.slug", "slug")];

/// A category's name and description in one locale.
#[derive(Clone)]
pub struct TranslationInput {
    /// Locale tag; one of the site's locales.
    pub locale: String,
    /// Name.
    pub name: String,
    /// Description (plain text); empty or absent for none.
    pub description: Option<String>,
}

/// A category to create.
pub struct NewCategory {
    /// The site (ID or domain).
    pub site_id: String,
    /// The parent category; top level when absent.
    pub parent_id: Option<String>,
    /// Slug; made from the name in the site's default locale when absent.
    pub slug: Option<String>,
    /// Place among its siblings, from 0; last when absent.
    pub position: Option<i32>,
    /// Names per locale; the site's default locale must be among them.
    pub translations: Vec<TranslationInput>,
}

/// Changes to a category; `None` leaves a field as it is.
#[derive(Default)]
pub struct CategoryPatch {
    /// New slug.
    pub slug: Option<String>,
    /// Move under another parent: `Some(None)` moves it to the top level.
    pub parent_id: Option<Option<String>>,
    /// New place among its (new) siblings, from 0.
    pub position: Option<i32>,
    /// Names per locale to set (other locales stay as they are).
    pub translations: Vec<TranslationInput>,
    /// Locales whose name to remove (never the site's default locale).
    pub remove_locales: Vec<String>,
    /// Apply only if the category is still at this version.
    pub expected_version: Option<i32>,
}

/// A category with its names, its subcategories and how many visible products it holds.
pub struct CategoryNode {
    /// The category.
    pub category: category::Model,
    /// Its names, by locale.
    pub translations: Vec<translation::Model>,
    /// Its subcategories, by position.
    pub children: Vec<CategoryNode>,
    /// Products in it or any of its subcategories (each counted once), in the tree's locale and
    /// visible to the caller; 0 when counts were not asked for.
    pub product_count: u64,
}

/// A site's category tree in one locale.
pub struct CategoryTree {
    /// The locale names are shown in (falling back to the site's default).
    pub locale: String,
    /// The site's default locale.
    pub default_locale: String,
    /// Top-level categories, by position.
    pub roots: Vec<CategoryNode>,
}
