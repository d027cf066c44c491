//! Wharf's own signed, expiring links for local media (S3 has its own presigned URLs), and
//! signed tokens in general: HMAC-SHA256 under a key derived from the server secret, checked in
//! constant time.
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks links and tokens. Every instance with the same server secret agrees.
#[derive(Clone)]
pub struct UrlSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlSigner(..)")
    }
}

impl UrlSigner {
    /// A signer keyed by `secret`; the key is derived, so it differs from the secret's other uses.
    pub fn new(secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"wharf media signing key\0");
        hasher.update(secret);
        Self {
            key: hasher.finalize().into(),
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        // HMAC accepts keys of any length, so this never fails; fall back to a zero MAC (which
        // nothing verifies against) rather than panic.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) else {
            return [0; 32];
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// The signature of `method` on `key` until `expires` (Unix seconds), in hex.
    pub fn sign(&self, method: &str, key: &str, expires: i64) -> String {
        hex::encode(self.mac(&[
            b"url",
            method.as_bytes(),
            key.as_bytes(),
            expires.to_string().as_bytes(),
        ]))
    }

    /// Whether `signature` is valid for `method` on `key` until `expires`, and `now` is before
    /// `expires`.
    pub fn verify(&self, method: &str, key: &str, expires: i64, signature: &str, now: i64) -> bool {
        if now >= expires {
            return false;
        }
        let Ok(given) = hex::decode(signature) else {
            return false;
        };
        let expected = self.mac(&[
            b"url",
            method.as_bytes(),
            key.as_bytes(),
            expires.to_string().as_bytes(),
        ]);
        given.ct_eq(&expected).into()
    }

    /// A tamper-proof token carrying `payload` (readable by the holder, not secret).
    pub fn seal(&self, payload: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = b64.encode(payload);
        let tag = b64.encode(self.mac(&[b"token", body.as_bytes()]));
        format!("{body}.{tag}")
    }

    /// The payload of a token made by [`seal`](Self::seal), if it was not altered.
    pub fn open(&self, token: &str) -> Option<Vec<u8>> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (body, tag) = token.trim().split_once('.')?;
        let given = b64.decode(tag).ok()?;
        let expected = self.mac(&[b"token", body.as_bytes()]);
        if !bool::from(given.ct_eq(&expected)) {
            return None;
        }
        b64.decode(body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_method_key_and_expiry() {
        let signer = UrlSigner::new(b"secret");
        let sig = signer.sign("GET", "a/b.png", 100);
        assert!(signer.verify("GET", "a/b.png", 100, &sig, 99));
        assert!(!signer.verify("GET", "a/b.png", 100, &sig, 100), "expired");
        assert!(
            !signer.verify("PUT", "a/b.png", 100, &sig, 0),
            "other method"
        );
        assert!(!signer.verify("GET", "a/c.png", 100, &sig, 0), "other key");
        assert!(
            !signer.verify("GET", "a/b.png", 101, &sig, 0),
            "other expiry"
        );
        assert!(!UrlSigner::new(b"other").verify("GET", "a/b.png", 100, &sig, 0));
        assert!(!signer.verify("GET", "a/b.png", 100, "zz", 0));
    }

    #[test]
    fn sealed_tokens_open_only_unaltered() {
        let signer = UrlSigner::new(b"secret");
        let token = signer.seal(b"{\"k\":1}");
        assert_eq!(signer.open(&token).as_deref(), Some(&b"{\"k\":1}"[..]));
        let mut tampered = token.clone();
        tampered.replace_range(0..1, "x");
        assert_eq!(signer.open(&tampered), None);
        assert_eq!(UrlSigner::new(b"other").open(&token), None);
    }
}
