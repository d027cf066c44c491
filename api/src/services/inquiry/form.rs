//! Inquiry form tokens and IP hashes: both keyed by the server secret (each with a key of its
//! own derived from it), so every instance sharing the secret agrees and nobody else can make
//! them.
//!
//! A form token is `v1.<site>.<issued, unix milliseconds>.<nonce>.<proof-of-work bits>`,
//! base64url, a dot and its HMAC-SHA256. It proves the form was fetched from this server for
//! this site at that time; the nonce makes it single-use (its hash is recorded when spent, see
//! `submit.rs`); the bits are the proof-of-work difficulty the site asked for when the token was
//! issued (0: none), so a change of difficulty never breaks forms already shown.
//!
//! The proof of work: an answer such that SHA-256 of `<token>:<answer>` starts with that many
//! zero bits. A browser finds one in well under a second at 16 bits; a bot sending thousands
//! pays for each.
use crate::auth::secrets::{random_token, sha256_hex};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use subtle::ConstantTimeEq;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The keys of the inquiry form: token signing and IP hashing.
#[derive(Clone)]
pub struct FormKeys {
    token_key: [u8; 32],
    ip_key: [u8; 32],
}

impl std::fmt::Debug for FormKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormKeys(..)")
    }
}

/// What a token says, once its signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormToken {
    /// The site it was issued for.
    pub site_id: Uuid,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// SHA-256 (hex) of its nonce: what is recorded when it is spent.
    pub nonce_hash: String,
    /// The proof-of-work difficulty it was issued with (0: none).
    pub pow_bits: u8,
}

/// Most proof-of-work bits a site may ask for (about 16 million hashes on average).
pub const MAX_POW_BITS: u8 = 24;

/// Whether SHA-256 of `<token>:<answer>` starts with `bits` zero bits.
pub fn proof_of_work_holds(token: &str, answer: &str, bits: u8) -> bool {
    let digest = Sha256::digest(format!("{}:{}", token.trim(), answer.trim()).as_bytes());
    let mut zeros = 0u32;
    for byte in digest {
        zeros += byte.leading_zeros();
        if byte != 0 {
            break;
        }
    }
    zeros >= u32::from(bits)
}

fn derive(label: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(label);
    hasher.update(secret);
    hasher.finalize().into()
}

fn mac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length; the zero MAC on the impossible error matches nothing.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl FormKeys {
    /// Keys derived from the server secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            token_key: derive(b"wharf inquiry form token key\0", secret),
            ip_key: derive(b"wharf inquiry ip hash key\0", secret),
        }
    }

    /// A new token for `site_id`, issued at `at` (now, except in tests that need an old one),
    /// asking for a proof of work of `pow_bits` (0: none).
    pub fn issue_at(&self, site_id: Uuid, at: DateTime<Utc>, pow_bits: u8) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = format!(
            "v1.{site_id}.{}.{}.{}",
            at.timestamp_millis(),
            random_token(18),
            pow_bits.min(MAX_POW_BITS)
        );
        let body = b64.encode(body);
        let tag = b64.encode(mac(&self.token_key, &[b"form", body.as_bytes()]));
        format!("{body}.{tag}")
    }

    /// What `token` says, if this server made it and nobody altered it.
    pub fn open(&self, token: &str) -> Option<FormToken> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (body, tag) = token.trim().split_once('.')?;
        let given = b64.decode(tag).ok()?;
        let expected = mac(&self.token_key, &[b"form", body.as_bytes()]);
        if !bool::from(given.ct_eq(&expected)) {
            return None;
        }
        let text = String::from_utf8(b64.decode(body).ok()?).ok()?;
        let mut parts = text.split('.');
        if parts.next()? != "v1" {
            return None;
        }
        let site_id = Uuid::parse_str(parts.next()?).ok()?;
        let issued_at = DateTime::from_timestamp_millis(parts.next()?.parse().ok()?)?;
        let nonce = parts.next()?;
        let pow_bits = parts.next()?.parse().ok()?;
        Some(FormToken {
            site_id,
            issued_at,
            nonce_hash: sha256_hex(nonce),
            pow_bits,
        })
    }

    /// The keyed hash (hex) of a client address seen by `site_id`: equal for equal addresses
    /// of one site, unlinkable across sites and useless without the server secret.
    pub fn ip_hash(&self, site_id: Uuid, ip: IpAddr) -> String {
        hex::encode(mac(
            &self.ip_key,
            &[b"ip", site_id.as_bytes(), ip.to_string().as_bytes()],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_open_only_unaltered_and_under_the_same_secret() {
        let keys = FormKeys::new(b"secret");
        let site = Uuid::now_v7();
        let at = DateTime::from_timestamp_millis(1_800_000_000_123).unwrap_or_default();
        let token = keys.issue_at(site, at, 12);
        let opened = keys.open(&token);
        assert_eq!(
            opened
                .as_ref()
                .map(|t| (t.site_id, t.issued_at, t.pow_bits)),
            Some((site, at, 12))
        );
        assert_ne!(
            opened.map(|t| t.nonce_hash),
            keys.open(&keys.issue_at(site, at, 0)).map(|t| t.nonce_hash),
            "each token has its own nonce"
        );
        let mut tampered = token.clone();
        tampered.replace_range(0..1, if token.starts_with('d') { "e" } else { "d" });
        assert_eq!(keys.open(&tampered), None);
        assert_eq!(FormKeys::new(b"other").open(&token), None);
        assert_eq!(keys.open("not a token"), None);
    }

    #[test]
    fn a_proof_of_work_is_found_by_search_and_checked_by_one_hash() {
        let token = "abc.def";
        let answer = (0u32..)
            .map(|n| n.to_string())
            .find(|a| proof_of_work_holds(token, a, 10))
            .unwrap_or_default();
        assert!(proof_of_work_holds(token, &answer, 10));
        assert!(proof_of_work_holds(token, "anything", 0));
        let weak = (0u32..2000)
            .map(|n| n.to_string())
            .find(|a| !proof_of_work_holds(token, a, 10))
            .unwrap_or_default();
        assert!(!proof_of_work_holds(token, &weak, 10));
    }

    #[test]
    fn ip_hashes_are_keyed_and_per_site() {
        let keys = FormKeys::new(b"secret");
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let ip: IpAddr = [203, 0, 113, 7].into();
        assert_eq!(keys.ip_hash(a, ip), keys.ip_hash(a, ip));
        assert_eq!(keys.ip_hash(a, ip).len(), 64);
        assert_ne!(keys.ip_hash(a, ip), keys.ip_hash(b, ip));
        assert_ne!(keys.ip_hash(a, ip), FormKeys::new(b"other").ip_hash(a, ip));
        assert!(!keys.ip_hash(a, ip).contains("203"));
    }
}
