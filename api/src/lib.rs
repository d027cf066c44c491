//! Wharf: a headless CMS for export businesses' websites, with a link-exchange market, served
//! over one GraphQL API. See `ARCHITECTURE.md` for the layers.

pub mod auth;
pub mod backup;
pub mod cache;
pub mod cache_sync;
pub mod config;
pub mod content;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod imaging;
pub mod jobs;
pub mod linkcheck;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod pipeline;
pub mod ratelimit;
pub mod serve_lock;
pub mod services;
pub mod sockets;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;

pub use config::Settings;
pub use startup::{Application, StopHandle};
pub mod search;
