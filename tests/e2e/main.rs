//! Wharf's end-to-end suite: one binary, each test on every stack (see `wharf_tests`).

mod articles;
mod auth;
mod authz;
mod caching;
mod content;
mod errors;
mod fuzz;
mod http;
mod instances;
mod limits;
mod linkcheck;
mod listing;
mod market;
mod media;
mod outbox;
mod passwords;
mod production;
mod schema;
mod search;
mod search_conformance;
mod shutdown;
mod sites;
mod transfer;
mod webhooks;
