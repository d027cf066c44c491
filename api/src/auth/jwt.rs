//! Short-lived HS256 access tokens.
use crate::error::{AppError, AppResult, Reason};
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "wharf";

/// What an access token says.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    adm: bool,
    iat: i64,
    exp: i64,
    iss: String,
}

/// Signs and verifies access tokens with one key.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

/// A verified access token's subject.
#[derive(Debug, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user.
    pub user_id: Uuid,
    /// Global admin at the time of issue.
    pub is_admin: bool,
    /// When the token expires (seconds since the epoch): open WebSockets close then.
    pub expires_at: i64,
}

impl JwtKeys {
    /// Keys from a secret; tokens live `ttl_secs`.
    pub fn new(secret: &[u8], ttl_secs: u64) -> anyhow::Result<Self> {
        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX / 2),
        })
    }

    /// Issues a token; returns it and its expiry.
    pub fn issue(
        &self,
        user_id: Uuid,
        is_admin: bool,
        now: DateTime<Utc>,
    ) -> AppResult<(String, DateTime<Utc>)> {
        let exp = now + chrono::Duration::seconds(self.ttl_secs);
        let claims = Claims {
            sub: user_id,
            adm: is_admin,
            iat: now.timestamp(),
            exp: exp.timestamp(),
            iss: ISSUER.into(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, exp))
    }

    /// Verifies signature, algorithm, issuer and expiry.
    pub fn verify(&self, token: &str) -> AppResult<AccessClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        let data = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
            let reason = match e.kind() {
                ErrorKind::ExpiredSignature => Reason::AccessTokenExpired,
                _ => Reason::AccessTokenInvalid,
            };
            AppError::unauthenticated("the access token is invalid or expired").because(reason)
        })?;
        Ok(AccessClaims {
            user_id: data.claims.sub,
            is_admin: data.claims.adm,
            expires_at: data.claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_with_their_key_only_and_expire() -> anyhow::Result<()> {
        let keys = JwtKeys::new(&[7u8; 32], 60)?;
        let user = Uuid::now_v7();
        let (token, exp) = keys
            .issue(user, true, Utc::now())
            .map_err(|e| anyhow::anyhow!(e.message))?;
        assert_eq!(
            keys.verify(&token).ok(),
            Some(AccessClaims {
                user_id: user,
                is_admin: true,
                expires_at: exp.timestamp(),
            })
        );
        assert!(JwtKeys::new(&[8u8; 32], 60)?.verify(&token).is_err());
        let (old, _) = keys
            .issue(user, false, Utc::now() - chrono::Duration::hours(1))
            .map_err(|e| anyhow::anyhow!(e.message))?;
        assert!(keys.verify(&old).is_err());
        assert!(keys.verify("not.a.token").is_err());
        Ok(())
    }
}
