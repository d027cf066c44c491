//! Batched loading of what products link to (categories, specs, media, tags, certifications),
//! so a page of products costs one statement per relation asked for, whatever its size.
use crate::graphql::loaders::LoadError;
use crate::services::product::{self, NamedCategory};
use async_graphql::dataloader::{DataLoader, Loader};
use entities::product_media::ProductMediaKind;
use entities::{media, product_spec, tag};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The categories of products, with their names.
pub struct CategoriesLoader(DatabaseConnection);
/// The specification rows of products.
pub struct SpecsLoader(DatabaseConnection);
/// The gallery and attachments of products.
pub struct ProductMediaLoader(DatabaseConnection);
/// The tags of products.
pub struct ProductTagsLoader(DatabaseConnection);
/// The certifications of products.
pub struct CertificationsLoader(DatabaseConnection);

impl Loader<Uuid> for CategoriesLoader {
    type Value = Vec<NamedCategory>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, LoadError> {
        Ok(product::relations::categories_of_products(&self.0, keys).await?)
    }
}

impl Loader<Uuid> for SpecsLoader {
    type Value = Vec<product_spec::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, LoadError> {
        Ok(product::specs_of_products(&self.0, keys).await?)
    }
}

impl Loader<Uuid> for ProductMediaLoader {
    type Value = Vec<(ProductMediaKind, media::Model)>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, LoadError> {
        Ok(product::media_of_products(&self.0, keys).await?)
    }
}

impl Loader<Uuid> for ProductTagsLoader {
    type Value = Vec<tag::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, LoadError> {
        Ok(product::relations::tags_of_products(&self.0, keys).await?)
    }
}

impl Loader<Uuid> for CertificationsLoader {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, LoadError> {
        Ok(product::relations::certifications_of_products(&self.0, keys).await?)
    }
}

/// The product loaders of one operation.
#[derive(Clone)]
pub struct ProductLoaders {
    /// Categories by product ID.
    pub categories: Arc<DataLoader<CategoriesLoader>>,
    /// Specification rows by product ID.
    pub specs: Arc<DataLoader<SpecsLoader>>,
    /// Gallery and attachments by product ID.
    pub media: Arc<DataLoader<ProductMediaLoader>>,
    /// Tags by product ID.
    pub tags: Arc<DataLoader<ProductTagsLoader>>,
    /// Certifications by product ID.
    pub certifications: Arc<DataLoader<CertificationsLoader>>,
    /// What was read with a listed page, in one statement per relation.
    pub page: Arc<std::sync::Mutex<PagePreload>>,
}

/// The relations of a listed page's products, read with the page (one statement each, with no
/// batching delay that could split a page into two batches). Fields read from here first.
#[derive(Default)]
pub struct PagePreload {
    /// Categories by product ID (every listed product has an entry when read).
    pub categories: Option<HashMap<Uuid, Vec<NamedCategory>>>,
    /// Specification rows by product ID.
    pub specs: Option<HashMap<Uuid, Vec<product_spec::Model>>>,
    /// Gallery and attachments by product ID.
    pub media: Option<HashMap<Uuid, Vec<(ProductMediaKind, media::Model)>>>,
    /// Tags by product ID.
    pub tags: Option<HashMap<Uuid, Vec<tag::Model>>>,
    /// Certifications by product ID.
    pub certifications: Option<HashMap<Uuid, Vec<String>>>,
    /// Cover and og:image media by media ID.
    pub images: Option<HashMap<Uuid, media::Model>>,
}

/// Takes a relation of `id` from the page preload when it holds one (an empty list for a
/// listed product without any), else loads it through `loader`.
macro_rules! preloaded_or_load {
    ($loaders:expr, $field:ident, $id:expr) => {{
        let hit = $loaders
            .page
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .$field
            .as_ref()
            .map(|m| m.get(&$id).cloned().unwrap_or_default());
        match hit {
            Some(v) => v,
            None => $loaders.$field.load_one($id).await?.unwrap_or_default(),
        }
    }};
}
pub(crate) use preloaded_or_load;

impl ProductLoaders {
    /// Fresh loaders over the pool.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            categories: Arc::new(DataLoader::new(CategoriesLoader(db.clone()), tokio::spawn)),
            specs: Arc::new(DataLoader::new(SpecsLoader(db.clone()), tokio::spawn)),
            media: Arc::new(DataLoader::new(
                ProductMediaLoader(db.clone()),
                tokio::spawn,
            )),
            tags: Arc::new(DataLoader::new(ProductTagsLoader(db.clone()), tokio::spawn)),
            certifications: Arc::new(DataLoader::new(
                CertificationsLoader(db.clone()),
                tokio::spawn,
            )),
            page: Arc::default(),
        }
    }
}
