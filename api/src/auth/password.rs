//! Password hashing with argon2id, off the async runtime's threads.
use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use secrecy::{ExposeSecret, SecretString};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest accepted password, in characters (bounds the hashing work).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A hash of a well-known password, verified against when the account does not exist so that
/// a missing account costs the same time as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0ciVTEVU0UolC4tQHbaykoixpnmuQsGpAVe6Cnjbfow";

/// Checks the length of a new password.
pub fn validate_new_password(field: &str, password: &SecretString) -> AppResult<()> {
    let len = password.expose_secret().chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("password must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("password must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt.
pub async fn hash_password(password: SecretString) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// Whether `password` matches `hash`; with `None` it spends the same time and answers false.
pub async fn verify_password(password: SecretString, hash: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| {
            AppError::internal(anyhow::anyhow!("stored password hash is invalid: {e}"))
        })?;
        let ok = Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() -> AppResult<()> {
        let hash = hash_password(SecretString::from("correct horse")).await?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(SecretString::from("correct horse"), Some(hash.clone())).await?);
        assert!(!verify_password(SecretString::from("wrong horse"), Some(hash)).await?);
        assert!(!verify_password(SecretString::from("anything"), None).await?);
        Ok(())
    }
}
