//! Passwords: weak ones are refused with the reason.
use anyhow::Result;
use serde_json::json;
use wharf::error::ErrorCode;
use wharf::services::user;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok};

e2e!(
    weak_passwords_are_refused_at_registration_with_the_reason,
    create_admin_refuses_a_weak_password,
);

const REGISTER: &str = "mutation($e: String!, $p: String!) { register(input: { email: $e, password: $p, displayName: \"Yan Qiu\" }) { accessToken } }";

async fn weak_passwords_are_refused_at_registration_with_the_reason(app: TestApp) -> Result<()> {
    let nul = "\0".repeat(12);
    let cases = [
        ("password", "at least 10 characters"),
        ("12345678", "at least 10 characters"),
        (nul.as_str(), "control characters"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        // The account's own words count as known.
        ("Yanqiu.Trading!", "too easy to guess"),
    ];
    for (password, why) in cases {
        let body = app
            .graphql(
                REGISTER,
                json!({ "e": "yanqiu.trading@example.com", "p": password }),
            )
            .await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{password:?}: {body}");
        assert_eq!(error_field(&body).as_deref(), Some("password"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{password:?}: {message}");
    }
    let strong = app
        .graphql(
            REGISTER,
            json!({ "e": "yanqiu.trading@example.com", "p": "Copper kettle drifts past 9 lanterns" }),
        )
        .await?;
    ok(&strong)?;
    Ok(())
}

async fn create_admin_refuses_a_weak_password(app: TestApp) -> Result<()> {
    // The service `wharf create-admin` calls, for a new account and for an existing one.
    for weak in ["12345678", "admin12345", "zara.admin 1"] {
        let err = user::ensure_admin(&app.db, "zara.admin@example.com", weak.to_owned().into())
            .await
            .err()
            .ok_or_else(|| anyhow::anyhow!("{weak:?} was accepted"))?;
        assert_eq!(
            err.code,
            ErrorCode::BadUserInput,
            "{weak:?}: {}",
            err.message
        );
        assert_eq!(err.field.as_deref(), Some("password"));
    }
    app.signup("zed@example.com").await?;
    let err = user::ensure_admin(&app.db, "zed@example.com", "password12".to_owned().into())
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a weak password was set on an existing account"))?;
    assert_eq!(err.code, ErrorCode::BadUserInput);
    Ok(())
}
