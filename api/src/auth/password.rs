//! Passwords: the strength a new one must have, and hashing with argon2id off the async
//! runtime's threads.
use crate::error::{AppError, AppResult, Reason};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use secrecy::{ExposeSecret, SecretString};
use std::cell::Cell;
use zxcvbn::Score;

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest accepted password, in characters (bounds the hashing work).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Least zxcvbn score accepted (0 to 4): 3 is "safely unguessable", about 10^10 guesses.
pub const MIN_PASSWORD_SCORE: Score = Score::Three;

/// A hash of a well-known password, verified against when the account does not exist so that
/// a missing account costs the same time as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0ciVTEVU0UolC4tQHbaykoixpnmuQsGpAVe6Cnjbfow";

tokio::task_local! {
    /// The argon2 computations made in the current task, while [`count_argon2`] counts.
    static ARGON2_RUNS: Cell<u32>;
}

fn count_argon2_run() {
    // Outside `count_argon2` there is nothing to count into.
    let _ = ARGON2_RUNS.try_with(|runs| runs.set(runs.get() + 1));
}

/// Runs `work` and counts the argon2 computations (hashes and verifications) it makes, so a
/// test can check that two paths cost the same work without timing them.
pub async fn count_argon2<F: std::future::Future>(work: F) -> (F::Output, u32) {
    ARGON2_RUNS
        .scope(Cell::new(0), async {
            let out = work.await;
            (out, ARGON2_RUNS.with(Cell::get))
        })
        .await
}

/// Checks a new password: [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`] characters, no
/// control characters, and hard to guess as zxcvbn estimates it, counting the account's own
/// words (`user_inputs`: its email, display name) as known to an attacker. The estimate runs
/// on the blocking pool: it is dictionary work, not for an async worker.
pub async fn validate_new_password(
    field: &str,
    password: &SecretString,
    user_inputs: &[&str],
) -> AppResult<()> {
    let text = password.expose_secret();
    let len = text.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("password must be at least {MIN_PASSWORD_CHARS} characters"),
        )
        .because(Reason::TooShort)
        .with("min", MIN_PASSWORD_CHARS));
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("password must be at most {MAX_PASSWORD_CHARS} characters"),
        )
        .because(Reason::TooLong)
        .with("max", MAX_PASSWORD_CHARS));
    }
    if text.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            "password must not contain control characters (NUL, tabs, line breaks, ...)",
        )
        .because(Reason::ControlCharacters));
    }
    let password = password.clone();
    let inputs = known_words(user_inputs);
    let weakness = tokio::task::spawn_blocking(move || {
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        weakness(password.expose_secret(), &inputs)
    })
    .await
    .map_err(AppError::internal)?;
    match weakness {
        None => Ok(()),
        Some(why) => Err(AppError::bad_input(
            field,
            format!(
                "password is too easy to guess{why}; use a longer passphrase of uncommon words"
            ),
        )
        .because(Reason::WeakPassword)),
    }
}

/// The words of the user's own data an attacker would try first: each input whole, an
/// email's local part, and the parts split at non-alphanumeric characters
/// (`ann.lee@example.com`: `ann.lee`, `ann`, `lee`, `example`, `com`).
fn known_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for input in user_inputs {
        let local = input.split_once('@').map(|(local, _)| local);
        let parts = input
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| p.chars().count() >= 3);
        for word in std::iter::once(*input).chain(local).chain(parts) {
            let word = word.to_lowercase();
            if !word.is_empty() && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// Why zxcvbn finds the password too weak (": " and its warning, or empty), or `None`.
fn weakness(password: &str, user_inputs: &[&str]) -> Option<String> {
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if u8::from(estimate.score()) >= u8::from(MIN_PASSWORD_SCORE) {
        return None;
    }
    let warning = estimate.feedback().and_then(|f| f.warning());
    Some(match warning {
        Some(warning) => format!(": {}", warning.to_string().trim_end_matches('.')),
        None => String::new(),
    })
}

/// Hashes a password with argon2id and a random salt.
pub async fn hash_password(password: SecretString) -> AppResult<String> {
    count_argon2_run();
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
    count_argon2_run();
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

    async fn refusal(password: &str, inputs: &[&str]) -> Option<String> {
        let secret = SecretString::from(password.to_owned());
        match validate_new_password("password", &secret, inputs).await {
            Ok(()) => None,
            Err(err) => {
                assert_eq!(err.code, crate::error::ErrorCode::BadUserInput);
                assert_eq!(err.field.as_deref(), Some("password"));
                Some(err.message)
            }
        }
    }

    #[tokio::test]
    async fn weak_passwords_are_refused_with_the_reason() {
        let short = refusal("password", &[]).await;
        assert!(short.is_some_and(|m| m.contains("at least 10 characters")));
        let digits = refusal("12345678", &[]).await;
        assert!(digits.is_some_and(|m| m.contains("at least 10 characters")));
        let nul = refusal(&"\0".repeat(12), &[]).await;
        assert!(nul.is_some_and(|m| m.contains("control characters")));
        let tab = refusal("Tangerine\tlighthouse 47", &[]).await;
        assert!(tab.is_some_and(|m| m.contains("control characters")));
        let common = refusal("password1234", &[]).await;
        assert!(
            common
                .as_deref()
                .is_some_and(|m| m.starts_with("password is too easy to guess")),
            "{common:?}"
        );
        let long = refusal(&"Tangerine lighthouse ".repeat(13), &[]).await;
        assert!(long.is_some_and(|m| m.contains("at most 256 characters")));
    }

    #[tokio::test]
    async fn length_counts_characters_not_bytes() {
        // Ten characters, thirty bytes: long enough.
        assert_eq!(refusal("灯塔橘子鲸鱼咖啡钢琴", &[]).await, None);
        // Nine characters, twenty-seven bytes: too short.
        let nine = refusal("灯塔橘子鲸鱼咖啡钢", &[]).await;
        assert!(nine.is_some_and(|m| m.contains("at least 10 characters")));
    }

    #[tokio::test]
    async fn the_accounts_own_words_count_as_guessable() {
        assert_eq!(refusal("zebracrumpet.qualm1", &[]).await, None);
        let own = refusal("zebracrumpet.qualm1", &["zebracrumpet.qualm@example.com"]).await;
        assert!(own.is_some(), "the email's own words make it guessable");
        let name = refusal(
            "QualmZebracrumpet",
            &["q@example.com", "Qualm Zebracrumpet"],
        )
        .await;
        assert!(name.is_some(), "the display name's words make it guessable");
    }

    #[tokio::test]
    async fn argon2_runs_are_counted_within_the_scope_only() -> AppResult<()> {
        let ((), runs) = count_argon2(async {
            let _ = verify_password(SecretString::from("anything"), None).await;
        })
        .await;
        assert_eq!(runs, 1);
        let _ = verify_password(SecretString::from("anything"), None).await?;
        Ok(())
    }

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
