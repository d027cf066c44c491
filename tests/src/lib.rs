//! The end-to-end harness: a real Wharf server on a random port with a fresh database, spoken
//! to over HTTP as a frontend would.
//!
//! Every test runs on each stack: SQLite (always) and PostgreSQL (when
//! `WHARF_TEST_DATABASE_URL` points to a server; each test gets a fresh database there). A stack
//! that cannot run is skipped with a loud line on stderr; listing it in `WHARF_TEST_REQUIRE`
//! (comma-separated: `postgres`, `s3`) turns that skip into a failure, which is what CI does.
//!
//! Media tests also vary the store ([`MediaStore`]): local disk, or a real S3 server started in
//! the test process ([`s3::S3Server`], SigV4 checked), with the same test body.
//!
//! The crate by concern: [`app`] starts servers (stacks, stores, settings, restarts), [`client`]
//! talks to them and reads their answers, [`fixtures`] creates accounts, sites and articles, and
//! the [`e2e!`] macro declares a test on every stack (and store, settings or partner server).

pub mod app;
pub mod browser;
pub mod client;
pub mod fixtures;
pub mod logs;
mod macros;
pub mod meili;
pub mod partner;
pub mod receiver;
pub mod s3;
pub mod search;
pub mod smtp;
pub mod ws;

pub use app::{
    MediaStore, Stack, TEST_JWT_SECRET, TEST_MEDIA_MAX_BYTES, Target, TestApp, fresh_target, loud,
    required, spawn_app, spawn_app_tweaked, spawn_app_with,
};
pub use browser::{Browser, Lang};
pub use client::{error_code, error_field, ok, str_at};
pub use fixtures::Auth;
pub use logs::Logs;
pub use partner::{Page, PartnerServer};
pub use smtp::SmtpServer;
pub use ws::WsClient;
