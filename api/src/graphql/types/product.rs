//! Products as the API shows them.
use super::article::TocEntry;
use super::category::Category;
use super::flat::{Flat, FlatList};
use super::media::Media;
use super::site::Site;
use super::tag::Tag;
use super::user::User;
use crate::content;
use crate::graphql::context::{loaders, principal, state};
use crate::graphql::product_loaders::preloaded_or_load;
use crate::services::product;
use crate::services::seo;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::product as row;
use entities::product_media::ProductMediaKind;

pub use super::product_input::*;
pub use super::product_parts::*;
pub use super::product_revision::ProductRevision;

/// A product in one locale.
pub struct Product(pub row::Model);

impl Product {
    async fn rendered(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<std::sync::Arc<content::Rendered>> {
        let budget = std::time::Duration::from_millis(state(ctx)?.settings.render_budget_ms);
        Ok(
            content::render_off_thread(self.0.id, self.0.version, &self.0.description, budget)
                .await?,
        )
    }

    async fn digest(&self, ctx: &Context<'_>) -> async_graphql::Result<content::Digest> {
        match content::Digest::stored(self.0.digest_rev, self.0.digest.as_deref()) {
            Some(digest) => Ok(digest),
            None => Ok(content::Digest::of(&*self.rendered(ctx).await?)),
        }
    }

    async fn media_of(
        &self,
        ctx: &Context<'_>,
        kind: ProductMediaKind,
    ) -> async_graphql::Result<FlatList<Media>> {
        let all = preloaded_or_load!(loaders(ctx)?.products, media, self.0.id);
        Ok(all
            .into_iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, m)| Media(m))
            .collect())
    }

    async fn media_by_id(
        &self,
        ctx: &Context<'_>,
        id: Option<uuid::Uuid>,
    ) -> async_graphql::Result<Option<Flat<Media>>> {
        let Some(id) = id else { return Ok(None) };
        let loaders = loaders(ctx)?;
        let preloaded = loaders
            .products
            .page
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .images
            .as_ref()
            .and_then(|m| m.get(&id).cloned());
        match preloaded {
            Some(m) => Ok(Some(Flat(Media(m)))),
            None => Ok(loaders.media.load_one(id).await?.map(|m| Flat(Media(m)))),
        }
    }
}

#[Object]
impl Product {
    /// The product's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// The site it belongs to.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.site_id).await
    }

    /// Locale tag, such as `en` or `zh-CN`.
    async fn locale(&self) -> &str {
        &self.0.locale
    }

    /// URL slug, unique per site and locale (any script).
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Model number, shared by the product's translations and unique on the site.
    async fn model_number(&self) -> Option<&str> {
        self.0.model_number.as_deref()
    }

    /// Short plain-text summary.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// Markdown description.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The description as sanitized HTML (the articles' renderer); headings carry the `id`s the
    /// table of contents links to.
    async fn html(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.rendered(ctx).await?.html.clone())
    }

    /// Table of contents of the description, nested by heading level.
    async fn toc(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TocEntry>> {
        Ok(self.digest(ctx).await?.toc.iter().map(Into::into).collect())
    }

    /// The summary, or an excerpt derived from the description.
    async fn excerpt(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(match self.0.summary.as_deref() {
            Some(summary) => summary.to_owned(),
            None => self.digest(ctx).await?.excerpt,
        })
    }

    /// Draft, scheduled or published.
    async fn status(&self) -> ProductStatus {
        self.0.status.into()
    }

    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When a scheduled product will be published.
    async fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.0.scheduled_at
    }

    /// Who created it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.author_id).await
    }

    /// The price or price range; null when the product has none (price on request).
    async fn price(&self) -> Option<Flat<ProductPrice>> {
        product::price_of(&self.0).map(|p| {
            Flat(ProductPrice {
                min: p.min,
                max: p.max,
                currency: p.currency,
            })
        })
    }

    /// The Incoterm of the price and its port or place (`FOB Ningbo`).
    async fn incoterm(&self) -> Option<ProductIncoterm> {
        self.0.incoterm.clone().map(|rule| ProductIncoterm {
            rule,
            place: self.0.incoterm_place.clone(),
        })
    }

    /// Minimum order quantity.
    async fn minimum_order(&self) -> Option<MinimumOrder> {
        Some(MinimumOrder {
            quantity: self.0.moq_quantity?,
            unit: self.0.moq_unit.clone()?,
        })
    }

    /// Days from order to shipment.
    async fn lead_time_days(&self) -> Option<i32> {
        self.0.lead_time_days
    }

    /// How much can be supplied (`50,000 pieces per month`).
    async fn supply_ability(&self) -> Option<&str> {
        self.0.supply_ability.as_deref()
    }

    /// Packaging details.
    async fn packaging(&self) -> Option<&str> {
        self.0.packaging.as_deref()
    }

    /// Harmonized System code, digits only.
    async fn hs_code(&self) -> Option<&str> {
        self.0.hs_code.as_deref()
    }

    /// Country of origin, ISO 3166-1 alpha-2.
    async fn origin_country(&self) -> Option<&str> {
        self.0.origin_country.as_deref()
    }

    /// Certifications, in the given order (`CE`, `ISO 9001`).
    async fn certifications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(preloaded_or_load!(
            loaders(ctx)?.products,
            certifications,
            self.0.id
        ))
    }

    /// The specification table, in order.
    async fn specs(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<ProductSpec>> {
        Ok(preloaded_or_load!(loaders(ctx)?.products, specs, self.0.id)
            .into_iter()
            .map(ProductSpec)
            .collect())
    }

    /// Categories, the main one first, named in the product's locale.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Category>> {
        Ok(
            preloaded_or_load!(loaders(ctx)?.products, categories, self.0.id)
                .into_iter()
                .map(|c| Category::named(c, Some(self.0.locale.clone())))
                .collect(),
        )
    }

    /// The breadcrumbs of the product's page: its main (first) category and that category's
    /// ancestors, top first, named in the product's locale. Empty without a category.
    async fn breadcrumbs(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Category>> {
        let path = product::category::main_category_path(&state(ctx)?.db, self.0.id).await?;
        let locale = &self.0.locale;
        Ok(path
            .into_iter()
            .map(|c| Category::named(c, Some(locale.clone())))
            .collect())
    }

    /// Tags, in the order they were given.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Tag>> {
        Ok(preloaded_or_load!(loaders(ctx)?.products, tags, self.0.id)
            .into_iter()
            .map(Tag)
            .collect())
    }

    /// The cover image.
    async fn cover(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Flat<Media>>> {
        self.media_by_id(ctx, self.0.cover_media_id).await
    }

    /// The image gallery, in order.
    async fn gallery(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Media>> {
        self.media_of(ctx, ProductMediaKind::Gallery).await
    }

    /// Documents to download (datasheets, certificates), in order.
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Media>> {
        self.media_of(ctx, ProductMediaKind::Attachment).await
    }

    /// `<title>` override for search engines.
    async fn meta_title(&self) -> Option<&str> {
        self.0.meta_title.as_deref()
    }

    /// `<meta name="description">`.
    async fn meta_description(&self) -> Option<&str> {
        self.0.meta_description.as_deref()
    }

    /// `<link rel="canonical">`.
    async fn canonical_url(&self) -> Option<&str> {
        self.0.canonical_url.as_deref()
    }

    /// The media item used as `og:image`.
    async fn og_image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Flat<Media>>> {
        self.media_by_id(ctx, self.0.og_image_media_id).await
    }

    /// schema.org structured data for the product page, as the text to put, unchanged, inside
    /// `<script type="application/ld+json">`: a `@graph` of the `Product` (name, description,
    /// `sku` and `mpn` from the model number, the site's name as `brand`, the cover then the
    /// gallery as absolute stable image URLs, and an `Offer` for one price or an
    /// `AggregateOffer` for a range; none without a price) and a `BreadcrumbList` from the main
    /// category's top ancestor down to the product. A string rather than a JSON scalar because
    /// it is made to be embedded: `<`, `>` and `&` are written as `\u003c`, `\u003e` and
    /// `\u0026`, which a JSON scalar would lose when the response is serialized.
    async fn json_ld(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let st = state(ctx)?;
        Ok(seo::jsonld::product_json_ld(&st.db, &st.storage, &self.0).await?)
    }

    /// Other published products of the same site and locale, most alike first: a category
    /// both are in counts before a shared ancestor category (a deeper one before a shallower
    /// one), then more specification rows with the same name and value, then more shared tags,
    /// then the newest. Never this product nor anything unpublished, whoever asks.
    #[graphql(
        complexity = "crate::graphql::types::connection::list_complexity(first, child_complexity)"
    )]
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5, desc = "How many (1 to 20).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Product>> {
        let found = product::related::related_products(
            &state(ctx)?.db,
            &self.0,
            first.unwrap_or(product::related::DEFAULT_FIRST),
        )
        .await?;
        Ok(found.into_iter().map(Product).collect())
    }

    /// Published articles of the same site about this product: those that mention its model
    /// number (in the title or body, in any case, as a whole word: `AB-12` is not in `AB-123`)
    /// first, then those sharing more of its tags, then the newest; articles in the product's
    /// locale before others, and one version of each translated article.
    #[graphql(
        complexity = "crate::graphql::types::connection::list_complexity(first, child_complexity)"
    )]
    async fn related_articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5, desc = "How many (1 to 20).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<super::article::Article>> {
        let found = product::related::articles_of_product(
            &state(ctx)?.db,
            &self.0,
            first.unwrap_or(product::related::DEFAULT_FIRST),
        )
        .await?;
        Ok(found.into_iter().map(super::article::Article).collect())
    }

    /// Shared by all translations of this product.
    async fn translation_group_id(&self) -> ID {
        super::to_id(self.0.translation_group_id)
    }

    /// The other locales of this product that the caller may see.
    async fn translations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Product>> {
        let found = product::list_translations(&state(ctx)?.db, principal(ctx), &self.0).await?;
        Ok(found.into_iter().map(Product).collect())
    }

    /// Revisions, newest first, at most `first` of them (1 to 500; members of the site only).
    /// Every change of the content (not publishing) stores one, numbered by the `version` the
    /// change gave the product.
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<ProductRevision>> {
        let db = &state(ctx)?.db;
        let found = product::revision::list_product_revisions(db, principal(ctx), &self.0, first);
        Ok(found.await?.into_iter().map(ProductRevision).collect())
    }

    /// One revision by its number, null when there is none (members of the site only).
    async fn revision(
        &self,
        ctx: &Context<'_>,
        number: i32,
    ) -> async_graphql::Result<Option<ProductRevision>> {
        let db = &state(ctx)?.db;
        let found = product::revision::find_product_revision(db, principal(ctx), &self.0, number);
        Ok(found.await?.map(ProductRevision))
    }

    /// Increases with every change (of the product, its specs or its media).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
