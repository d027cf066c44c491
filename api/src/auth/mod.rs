//! Who is calling: credentials in, a [`Principal`] out.
//!
//! This module verifies credentials (JWT access tokens, API tokens, passwords); what a principal
//! may do is decided in `services::authz`.

pub mod jwt;
pub mod password;
pub mod principal;
pub mod secrets;

pub use principal::{Principal, Scope};

/// What the session services need to issue credentials.
#[derive(Clone)]
pub struct AuthConfig {
    /// Signs and verifies access tokens.
    pub jwt: jwt::JwtKeys,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_ttl_secs: i64,
    /// Whether `register` is open.
    pub allow_registration: bool,
}
