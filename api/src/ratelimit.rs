//! Rate limits: sign-in attempts per IP and per account, anonymous requests per IP, API-token
//! requests per token. In memory, per instance: with N instances behind a balancer a client
//! gets at most N times the figure, which the README states.
use crate::config::Settings;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use uuid::Uuid;

/// Keys kept per limiter before stale ones are dropped.
const MAX_KEYS: usize = 100_000;

struct Limiter<K: Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn per_minute(n: u32) -> Self {
        Self(NonZeroU32::new(n).map(|n| RateLimiter::keyed(Quota::per_minute(n))))
    }

    fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        if limiter.len() > MAX_KEYS {
            limiter.retain_recent();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// All of the server's rate limits.
pub struct RateLimits {
    anonymous: Limiter<IpAddr>,
    media_variants: Limiter<IpAddr>,
    tokens: Limiter<Uuid>,
    sign_in_ip: Limiter<IpAddr>,
    sign_in_account: Limiter<String>,
}

impl RateLimits {
    /// The limits the settings describe (0 turns one off).
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            anonymous: Limiter::per_minute(s.rate_limit_anonymous_per_minute),
            media_variants: Limiter::per_minute(s.rate_limit_anonymous_per_minute),
            tokens: Limiter::per_minute(s.rate_limit_token_per_minute),
            sign_in_ip: Limiter::per_minute(s.rate_limit_sign_in_ip_per_minute),
            sign_in_account: Limiter::per_minute(s.rate_limit_sign_in_account_per_minute),
        }
    }

    /// An anonymous request from `ip`; `Err` holds how long to wait.
    pub fn anonymous(&self, ip: IpAddr) -> Result<(), Duration> {
        self.anonymous.check(&ip)
    }

    /// A request for an image variant at `/media` from `ip`: the anonymous figure, counted
    /// apart from GraphQL requests (a page of 30 images must not use up its API budget).
    pub fn media_variant(&self, ip: IpAddr) -> Result<(), Duration> {
        self.media_variants.check(&ip)
    }

    /// A request with the API token `token`.
    pub fn token(&self, token: Uuid) -> Result<(), Duration> {
        self.tokens.check(&token)
    }

    /// A login or registration attempt from `ip` for `account` (an email, lowercased).
    pub fn sign_in(&self, ip: IpAddr, account: &str) -> Result<(), Duration> {
        self.sign_in_ip.check(&ip)?;
        self.sign_in_account.check(&account.trim().to_lowercase())
    }
}

/// Whole seconds to wait, at least 1 (the `Retry-After` value).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0).max(u64::from(wait.is_zero()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_past_the_quota_per_key_and_zero_disables() {
        let s = Settings {
            rate_limit_sign_in_ip_per_minute: 100,
            rate_limit_sign_in_account_per_minute: 2,
            rate_limit_anonymous_per_minute: 0,
            ..Settings::default()
        };
        let limits = RateLimits::from_settings(&s);
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!(limits.sign_in(ip, "a@x.com").is_ok());
        assert!(limits.sign_in(ip, "A@x.com").is_ok());
        let wait = limits.sign_in(ip, "a@x.com").err();
        assert!(wait.is_some_and(|w| retry_after_secs(w) >= 1));
        assert!(
            limits.sign_in(ip, "b@x.com").is_ok(),
            "another account is not limited"
        );
        assert!(
            (0..1000).all(|_| limits.anonymous(ip).is_ok()),
            "0 turns the limit off"
        );
    }
}
