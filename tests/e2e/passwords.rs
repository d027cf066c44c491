//! Passwords and what sign-in reveals: weak passwords are refused with the reason, and
//! `register` and `login` do the same argon2 work whether or not the email has an account.
use anyhow::Result;
use serde_json::json;
use wharf::auth::AuthConfig;
use wharf::auth::jwt::JwtKeys;
use wharf::auth::password::count_argon2;
use wharf::error::ErrorCode;
use wharf::services::{session, user};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok};

e2e!(
    weak_passwords_are_refused_at_registration_with_the_reason,
    create_admin_refuses_a_weak_password,
    register_does_the_same_argon2_work_for_an_existing_email_as_for_a_new_one,
    login_does_the_same_argon2_work_for_an_unknown_email_as_for_a_wrong_password,
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

fn auth_config() -> Result<AuthConfig> {
    Ok(AuthConfig {
        jwt: JwtKeys::new(b"a test secret of thirty-two bytes!", 900)?,
        refresh_ttl_secs: 3600,
        allow_registration: true,
    })
}

fn new_user(email: &str, password: &str) -> user::NewUser {
    user::NewUser {
        email: email.to_owned(),
        password: password.to_owned().into(),
        display_name: None,
    }
}

async fn register_does_the_same_argon2_work_for_an_existing_email_as_for_a_new_one(
    app: TestApp,
) -> Result<()> {
    let auth = auth_config()?;
    let password = "Copper kettle drifts past 9 lanterns";
    let (new, new_runs) = count_argon2(session::register(
        &app.db,
        &auth,
        new_user("amy@example.com", password),
    ))
    .await;
    assert!(new.is_ok());
    let (taken, taken_runs) = count_argon2(session::register(
        &app.db,
        &auth,
        new_user("AMY@example.com", "Another copper kettle, 12 lanterns"),
    ))
    .await;
    let err = taken
        .err()
        .ok_or_else(|| anyhow::anyhow!("a second account with the same email"))?;
    assert_eq!(err.code, ErrorCode::Conflict);
    // One argon2 hash each: the answer for a taken email comes after the same work.
    assert_eq!((new_runs, taken_runs), (1, 1));
    Ok(())
}

async fn login_does_the_same_argon2_work_for_an_unknown_email_as_for_a_wrong_password(
    app: TestApp,
) -> Result<()> {
    app.signup("bea@example.com").await?;
    let auth = auth_config()?;
    let try_login = |email: &'static str| {
        let (db, auth) = (&app.db, &auth);
        count_argon2(async move {
            session::login(db, auth, email, "not the password at all".to_owned().into()).await
        })
    };
    let (wrong, wrong_runs) = try_login("bea@example.com").await;
    let (unknown, unknown_runs) = try_login("nobody@example.com").await;
    let (malformed, malformed_runs) = try_login("not an email").await;
    let messages: Vec<String> = [wrong, unknown, malformed]
        .into_iter()
        .map(|r| r.err().map(|e| e.message).unwrap_or_default())
        .collect();
    assert_eq!(messages, ["invalid email or password"; 3]);
    assert_eq!((wrong_runs, unknown_runs, malformed_runs), (1, 1, 1));
    Ok(())
}
