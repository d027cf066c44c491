//! Batched loading of related records, so a page of articles costs a fixed number of queries.
use crate::db::id_in;
use crate::error::AppError;
use crate::services::tag::tags_of_articles;
use async_graphql::dataloader::{DataLoader, Loader};
use entities::{media, site, tag, user};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// A loader failure, shared between the fields that waited on it.
#[derive(Clone)]
pub struct LoadError(Arc<std::sync::Mutex<Option<AppError>>>);

impl From<AppError> for LoadError {
    fn from(err: AppError) -> Self {
        Self(Arc::new(std::sync::Mutex::new(Some(err))))
    }
}

impl From<LoadError> for async_graphql::Error {
    fn from(err: LoadError) -> Self {
        let taken = err.0.lock().ok().and_then(|mut e| e.take());
        taken
            .unwrap_or_else(|| AppError::internal(anyhow::anyhow!("batched load failed")))
            .into()
    }
}

/// Sites by ID.
pub struct SiteLoader(DatabaseConnection);
/// Users by ID.
pub struct UserLoader(DatabaseConnection);
/// The tags of articles, by article ID.
pub struct ArticleTagsLoader(DatabaseConnection);
/// Media items by ID (article covers).
pub struct MediaLoader(DatabaseConnection);

impl Loader<Uuid> for SiteLoader {
    type Value = site::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, site::Model>, LoadError> {
        let rows = site::Entity::find()
            .filter(id_in(self.0.get_database_backend(), site::Column::Id, keys))
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|s| (s.id, s)).collect())
    }
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, user::Model>, LoadError> {
        let rows = user::Entity::find()
            .filter(id_in(self.0.get_database_backend(), user::Column::Id, keys))
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

impl Loader<Uuid> for MediaLoader {
    type Value = media::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, media::Model>, LoadError> {
        let rows = media::Entity::find()
            .filter(id_in(
                self.0.get_database_backend(),
                media::Column::Id,
                keys,
            ))
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

impl Loader<Uuid> for ArticleTagsLoader {
    type Value = Vec<tag::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<tag::Model>>, LoadError> {
        Ok(tags_of_articles(&self.0, keys).await?)
    }
}

/// The loaders of one operation (never shared between operations or requests, so nothing leaks
/// across callers, and nothing one operation loaded is served to the next).
#[derive(Clone)]
pub struct Loaders {
    /// Sites by ID.
    pub sites: Arc<DataLoader<SiteLoader>>,
    /// Users by ID.
    pub users: Arc<DataLoader<UserLoader>>,
    /// Tags by article ID.
    pub article_tags: Arc<DataLoader<ArticleTagsLoader>>,
    /// Media items by ID.
    pub media: Arc<DataLoader<MediaLoader>>,
    /// What products link to.
    pub products: crate::graphql::product_loaders::ProductLoaders,
    /// Tags of the articles of a listed page, read with the page in one statement: each entry
    /// is taken by the first `tags` field of that article, with no batching delay.
    page_tags: Arc<std::sync::Mutex<HashMap<Uuid, Vec<tag::Model>>>>,
}

impl Loaders {
    /// Fresh loaders over the pool.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            sites: Arc::new(DataLoader::new(SiteLoader(db.clone()), tokio::spawn)),
            users: Arc::new(DataLoader::new(UserLoader(db.clone()), tokio::spawn)),
            article_tags: Arc::new(DataLoader::new(ArticleTagsLoader(db.clone()), tokio::spawn)),
            media: Arc::new(DataLoader::new(MediaLoader(db.clone()), tokio::spawn)),
            products: crate::graphql::product_loaders::ProductLoaders::new(db),
            page_tags: Arc::default(),
        }
    }

    /// Keeps the tags of a page's articles (`ids`; an article without tags gets none).
    pub fn preload_tags(&self, ids: &[Uuid], mut tags: HashMap<Uuid, Vec<tag::Model>>) {
        let mut page = self.page_tags.lock().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            page.insert(*id, tags.remove(id).unwrap_or_default());
        }
    }

    /// The tags of `article`, from a preloaded page or else batched with the other articles
    /// resolved at the same time.
    pub async fn tags_of(&self, article: Uuid) -> Result<Vec<tag::Model>, LoadError> {
        let preloaded = self
            .page_tags
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&article);
        match preloaded {
            Some(tags) => Ok(tags),
            None => Ok(self
                .article_tags
                .load_one(article)
                .await?
                .unwrap_or_default()),
        }
    }
}
