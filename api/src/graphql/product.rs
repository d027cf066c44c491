//! Catalogue reads and writes: categories and products.
use crate::error::{AppError, Reason};
use crate::graphql::context::{loaders, principal, state};
use crate::graphql::types::category::{Category, CreateCategoryInput, UpdateCategoryInput};
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::flat::Flat;
use crate::graphql::types::product::{
    CreateProductInput, Product, ProductFilter, ProductOrderBy, ProductSpecInput,
    UpdateProductInput, media_set,
};
use crate::graphql::types::{id_arg, to_id};
use crate::services::product::{self, CategoryPatch, NewCategory};
use crate::services::{article::BodyLimits, parse_id};
use async_graphql::{Context, ID, MaybeUndefined, Object};
use chrono::{DateTime, Utc};

/// The limits product descriptions are written under (those of article bodies).
pub(super) fn limits(st: &crate::state::AppState) -> BodyLimits {
    BodyLimits {
        max_bytes: st.settings.max_article_body_bytes,
        render_budget: std::time::Duration::from_millis(st.settings.render_budget_ms),
    }
}

/// Whether a category selection asks for `productCount` at any depth.
fn wants_counts(field: &async_graphql::SelectionField<'_>, depth: usize) -> bool {
    field.selection_set().any(|f| {
        f.name() == "productCount"
            || (f.name() == "children" && depth < 16 && wants_counts(&f, depth + 1))
    })
}

/// Whether the nodes of a product connection ask for `field`.
fn nodes_want(connection: &async_graphql::Lookahead<'_>, field: &str) -> bool {
    connection
        .field("edges")
        .field("node")
        .field(field)
        .exists()
        || connection.field("nodes").field(field).exists()
}

/// Reads the relations the nodes of a listed page ask for, one statement each, before the
/// nodes resolve: a page costs the same number of statements whatever its size.
async fn preload(
    ctx: &Context<'_>,
    db: &sea_orm::DatabaseConnection,
    page: &crate::services::pagination::Page<entities::product::Model>,
) -> async_graphql::Result<()> {
    let look = ctx.look_ahead();
    let ids: Vec<uuid::Uuid> = page.items.iter().map(|(_, p)| p.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut pre = crate::graphql::product_loaders::PagePreload::default();
    if nodes_want(&look, "categories") {
        pre.categories = Some(product::relations::categories_of_products(db, &ids).await?);
    }
    if nodes_want(&look, "specs") {
        pre.specs = Some(product::specs_of_products(db, &ids).await?);
    }
    if nodes_want(&look, "gallery") || nodes_want(&look, "attachments") {
        pre.media = Some(product::media_of_products(db, &ids).await?);
    }
    if nodes_want(&look, "tags") {
        pre.tags = Some(product::relations::tags_of_products(db, &ids).await?);
    }
    if nodes_want(&look, "certifications") {
        pre.certifications = Some(product::relations::certifications_of_products(db, &ids).await?);
    }
    if nodes_want(&look, "cover") || nodes_want(&look, "ogImage") {
        let mut images: Vec<uuid::Uuid> = page
            .items
            .iter()
            .flat_map(|(_, p)| [p.cover_media_id, p.og_image_media_id])
            .flatten()
            .collect();
        images.sort();
        images.dedup();
        pre.images = Some(if images.is_empty() {
            std::collections::HashMap::new()
        } else {
            product::media_by_ids(db, &images).await?
        });
    }
    *loaders(ctx)?
        .products
        .page
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = pre;
    Ok(())
}

/// Catalogue reads.
#[derive(Default)]
pub struct ProductQuery;

#[Object]
impl ProductQuery {
    /// One product: by `id`, or by `site` (ID or domain), `slug` and `locale` (the site's
    /// default when absent; falls back to the default-locale product when no translation
    /// exists). Drafts only for those who may see them.
    async fn product(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        site: Option<String>,
        slug: Option<String>,
        locale: Option<String>,
    ) -> async_graphql::Result<Option<Product>> {
        let db = &state(ctx)?.db;
        let who = principal(ctx);
        let found = match (id, site, slug) {
            (Some(id), None, None) => product::get_product(db, who, id_arg("id", &id)?).await?,
            (None, Some(site), Some(slug)) => {
                product::find_product(db, who, &site, &slug, locale.as_deref()).await?
            }
            _ => {
                return Err(
                    AppError::bad_input("id", "give either id, or site and slug")
                        .because(Reason::AmbiguousLookup)
                        .into(),
                );
            }
        };
        found
            .map(Product)
            .map(Some)
            .ok_or_else(|| AppError::not_found("product").into())
    }

    /// Products the caller may see, filtered and ordered, one page at a time.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most the server's limit, 100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the last product of the previous page.")] after: Option<String>,
        filter: Option<ProductFilter>,
        order_by: Option<ProductOrderBy>,
    ) -> async_graphql::Result<Conn<Flat<Product>>> {
        let st = state(ctx)?;
        let mut filter: product::ProductFilter = filter.unwrap_or_default().into();
        filter.skip_total = !ctx.look_ahead().field("totalCount").exists();
        let page = product::list_products(
            &st.db,
            principal(ctx),
            filter,
            order_by.into(),
            first.map(i64::from),
            after.as_deref(),
            st.settings.max_page_size,
        )
        .await?;
        preload(ctx, &st.db, &page).await?;
        // A listed product takes the one-pass path (`types/product_flat.rs`) when it can.
        Ok(connection(page, |p| Flat(Product(p))))
    }

    /// A site's (ID or domain) product categories as a tree: the top-level categories by
    /// position, each with its `children`. Names in `locale` (the site's default when absent,
    /// and for categories without a name in it); `productCount` counts the products of that
    /// locale the caller may see.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        site: String,
        locale: Option<String>,
    ) -> async_graphql::Result<Vec<Category>> {
        let counts = ctx
            .field()
            .selection_set()
            .any(|f| f.name() == "productCount" || (f.name() == "children" && wants_counts(&f, 1)));
        let tree = product::category_tree(
            &state(ctx)?.db,
            principal(ctx),
            &site,
            locale.as_deref(),
            counts,
        )
        .await?;
        Ok(tree
            .roots
            .into_iter()
            .map(|n| Category::node(n, &tree.locale, counts))
            .collect())
    }
}

/// Catalogue writes.
#[derive(Default)]
pub struct ProductMutation;

#[Object]
impl ProductMutation {
    /// Creates a category (owners and editors of the site).
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        input: CreateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let new = NewCategory {
            site_id: input.site_id.to_string(),
            parent_id: input.parent_id.map(|id| id.to_string()),
            slug: input.slug,
            position: input.position,
            translations: input.translations.into_iter().map(Into::into).collect(),
        };
        let created = product::create_category(&state(ctx)?.db, principal(ctx), new)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(Category::named(created, None))
    }

    /// Renames, re-slugs, moves (`parentId`, null for the top level) or reorders (`position`
    /// among its siblings; the others shift) a category.
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let patch = CategoryPatch {
            slug: input.slug,
            parent_id: match input.parent_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(id) => Some(Some(id.to_string())),
            },
            position: input.position,
            translations: input.translations.into_iter().map(Into::into).collect(),
            remove_locales: input.remove_locales,
            expected_version: input.expected_version,
        };
        let updated =
            product::update_category(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?, patch)
                .await
                .map_err(|e| e.in_input("input"))?;
        Ok(Category::named(updated, None))
    }

    /// Deletes a category. CONFLICT, naming how many, while it has products or subcategories.
    async fn delete_category(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            product::delete_category(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Creates a draft product, with its specification table and media when given, in one
    /// write: a fault anywhere (`specs.2.name`, `galleryIds.1`) creates nothing.
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        input: CreateProductInput,
    ) -> async_graphql::Result<Product> {
        let st = state(ctx)?;
        let created = product::create_product(&st.db, principal(ctx), input.into(), limits(st))
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(Product(created))
    }

    /// Changes a product, its specification table and media included, in one write: one
    /// version step, one revision, one event; a fault anywhere changes nothing
    /// (`expectedVersion` guards against overwriting another editor's change).
    async fn update_product(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateProductInput,
    ) -> async_graphql::Result<Product> {
        let st = state(ctx)?;
        let updated = product::update_product(
            &st.db,
            principal(ctx),
            id_arg("id", &id)?,
            input.into(),
            limits(st),
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Product(updated))
    }

    /// Deletes a product (its media stay in the library). Returns its ID.
    async fn delete_product(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            product::delete_product(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Publishes a product now, or schedules it when `at` is in the future; the same rules as
    /// `publishArticle`.
    async fn publish_product(
        &self,
        ctx: &Context<'_>,
        id: ID,
        at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Product> {
        Ok(Product(
            product::publish_product(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?, at)
                .await?,
        ))
    }

    /// Takes a product back to draft (a scheduled one loses its schedule).
    async fn unpublish_product(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Product> {
        Ok(Product(
            product::unpublish_product(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Replaces a product's specification table with `rows`, in order: `updateProduct` with
    /// `specs` alone (kept for existing clients). A row needs a name and a value; errors name
    /// the row (`rows.2.name`).
    async fn set_product_specs(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        rows: Vec<ProductSpecInput>,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Product> {
        let id = parse_id("productId", product_id.as_str())?;
        let st = state(ctx)?;
        Ok(Product(
            product::set_product_specs(
                &st.db,
                principal(ctx),
                id,
                rows.into_iter().map(Into::into).collect(),
                expected_version,
                limits(st),
            )
            .await?,
        ))
    }

    /// Sets a product's image gallery (in order), attachments (datasheets, certificates) and
    /// cover (null removes it); absent parts stay. Gallery and cover take images of the
    /// product's site; attachments any media of it. `updateProduct` with `galleryIds`,
    /// `attachmentIds` and `coverId` alone (kept for existing clients).
    async fn set_product_media(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        gallery: Option<Vec<ID>>,
        attachments: Option<Vec<ID>>,
        cover_id: MaybeUndefined<ID>,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Product> {
        let id = parse_id("productId", product_id.as_str())?;
        let set = media_set(gallery, attachments, cover_id);
        let st = state(ctx)?;
        Ok(Product(
            product::set_product_media(
                &st.db,
                principal(ctx),
                id,
                set,
                expected_version,
                limits(st),
            )
            .await?,
        ))
    }

    /// Brings back the content of revision `revision` (its fields, trade terms, SEO fields,
    /// specs, gallery, attachments, cover, categories, tags and certifications) as a new
    /// revision, in one change. The slug and model number stay; media and categories deleted
    /// since are left out. NOT_FOUND on `revision` when there is no such revision.
    async fn restore_product_revision(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        revision: i32,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<Product> {
        let st = state(ctx)?;
        let id = parse_id("productId", product_id.as_str())?;
        let restored = product::revision::restore_product_revision(
            &st.db,
            principal(ctx),
            id,
            revision,
            expected_version,
            limits(st),
        );
        Ok(Product(restored.await?))
    }
}
