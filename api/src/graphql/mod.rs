//! The GraphQL API: schema, types and thin resolvers that call services.

mod context;
mod error;
mod loaders;
mod mutation;
mod query;
mod search;
mod types;

pub use error::{ErrorCodes, fill_missing_codes};
pub use loaders::Loaders;

use crate::config::Settings;
use crate::state::AppState;
use async_graphql::{EmptySubscription, MergedObject, Schema};

/// The root of all reads: one part per area, each in its own module.
#[derive(MergedObject, Default)]
pub struct Query(query::ContentQuery, search::SearchQuery);

/// The root of all writes: one part per area, each in its own module.
#[derive(MergedObject, Default)]
pub struct Mutation(mutation::ContentMutation);

/// The schema type.
pub type WharfSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema once, with the shared state and the configured limits.
pub fn build_schema(state: AppState) -> WharfSchema {
    let settings: &Settings = &state.settings;
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(settings.graphql_max_depth)
        .limit_complexity(settings.graphql_max_complexity)
        .limit_recursive_depth(64)
        .extension(ErrorCodes);
    if !settings.graphql_introspection {
        builder = builder.disable_introspection();
    }
    builder.data(state).finish()
}

/// The schema in SDL, as `wharf export-schema` writes it to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
}
