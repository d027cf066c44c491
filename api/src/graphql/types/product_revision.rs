//! A stored state of a product, as the API shows it.
use super::user::User;
use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::product_revision;
use serde_json::Value;

/// A product as one change left it.
pub struct ProductRevision(pub product_revision::Model);

/// One specification row of a revision.
#[derive(SimpleObject)]
pub struct ProductRevisionSpec {
    /// The heading the row sat under.
    pub group: Option<String>,
    /// What was specified.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Unit of the value.
    pub unit: Option<String>,
}

impl ProductRevision {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.snapshot.get(key).and_then(Value::as_str)
    }
}

#[Object]
impl ProductRevision {
    /// The product's `version` after the change that stored it.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// Name at that time.
    async fn name(&self) -> &str {
        self.text("name").unwrap_or_default()
    }
    /// Summary at that time.
    async fn summary(&self) -> Option<&str> {
        self.text("summary")
    }
    /// Markdown description at that time.
    async fn description(&self) -> &str {
        self.text("description").unwrap_or_default()
    }
    /// The specification table at that time, in order.
    async fn specs(&self) -> Vec<ProductRevisionSpec> {
        let rows = self.0.snapshot.get("specs").and_then(Value::as_array);
        rows.into_iter()
            .flatten()
            .map(|r| {
                let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
                ProductRevisionSpec {
                    group: text("group"),
                    name: text("name").unwrap_or_default(),
                    value: text("value").unwrap_or_default(),
                    unit: text("unit"),
                }
            })
            .collect()
    }
    /// The whole state at that time as JSON: the fields above with trade terms, SEO fields,
    /// `gallery`, `attachments` and `cover_media_id` (media IDs), `category_ids`, `tags` and
    /// `certifications`.
    async fn snapshot(&self) -> async_graphql::Json<Value> {
        async_graphql::Json(self.0.snapshot.clone())
    }
    /// Who made the change.
    async fn editor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.editor_id).await
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
