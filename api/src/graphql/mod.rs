//! The GraphQL API: schema, types and thin resolvers that call services.

mod account;
mod admin;
mod article;
mod context;
mod error;
mod inquiry;
mod invitation;
mod loaders;
mod market;
mod media;
mod mutation;
mod product;
mod product_csv;
mod product_events;
mod product_loaders;
mod product_search;
mod query;
mod search;
mod types;
mod webhook;

pub use context::ClientIp;
pub use error::{
    app_error_extensions, check_document, fill_missing_codes, parse_failed, persisted_failed,
};

pub use loaders::Loaders;

use crate::config::Settings;
use crate::state::AppState;
use async_graphql::{MergedObject, MergedSubscription, Schema};

/// The root of all reads: one part per area, each in its own module.
#[derive(MergedObject, Default)]
pub struct Query(
    query::ContentQuery,
    article::ArticleQuery,
    product::ProductQuery,
    product_csv::ProductCsvQuery,
    webhook::WebhookQuery,
    media::MediaQuery,
    market::MarketQuery,
    search::SearchQuery,
    product_search::ProductSearchQuery,
    invitation::InvitationQuery,
    inquiry::InquiryQuery,
);

/// The root of all writes: one part per area, each in its own module.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutation::ContentMutation,
    article::ArticleMutation,
    product::ProductMutation,
    product_csv::ProductCsvMutation,
    webhook::WebhookMutation,
    media::MediaMutation,
    market::MarketMutation,
    admin::AdminMutation,
    account::AccountMutation,
    invitation::InvitationMutation,
    inquiry::InquiryMutation,
);

/// Live events over WebSocket: one part per area.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    webhook::SiteSubscription,
    product_events::ProductSubscription,
);

/// The schema type.
pub type WharfSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema once, with the shared state and the configured limits.
pub fn build_schema(state: AppState) -> WharfSchema {
    builder(&state).data(state).finish()
}

fn builder(state: &AppState) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    let settings: &Settings = &state.settings;
    // No schema extension: with one, async-graphql wraps every field's resolution in the
    // extension chain. Persisted queries, parse errors and the alias limit are handled before
    // execution, error codes after it, by the pipeline every transport uses (`pipeline.rs`).
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(settings.graphql_max_depth)
    .limit_complexity(settings.graphql_max_complexity)
    .limit_recursive_depth(64);
    if !settings.introspection() {
        // Without introspection, "Did you mean …?" in validation errors would still spell out
        // the schema one guess at a time.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder
}

/// The schema in SDL, as `wharf export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}
