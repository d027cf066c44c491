//! Wharf's end-to-end suite: one binary, each test on every stack (see `wharf_tests`).

mod articles;
mod auth;
mod errors;
mod http;
mod listing;
mod outbox;
mod schema;
mod search;
mod search_conformance;
mod sites;
