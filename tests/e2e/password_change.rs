//! `changePassword`: only a signed-in user, with the current password; it ends every other
//! session of the account and answers with a new one.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    changing_the_password_ends_every_session_and_answers_with_a_new_one,
    a_wrong_current_password_or_a_weak_new_one_is_refused_and_changes_nothing,
    api_tokens_and_anonymous_callers_cannot_change_a_password,
);

const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken refreshToken user { email } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";
const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }";
/// The password `signup` gives every account.
const OLD: &str = "correct horse battery";
const NEW: &str = "walnut orbit cascade harbour";

async fn changing_the_password_ends_every_session_and_answers_with_a_new_one(
    app: TestApp,
) -> Result<()> {
    let first = app.signup("ida@example.com").await?;
    let second = app
        .graphql(LOGIN, json!({ "e": "ida@example.com", "p": OLD }))
        .await?;
    let second_refresh = str_at(ok(&second)?, "/login/refreshToken")?;

    let changed = app
        .graphql_as(&first.token, CHANGE, json!({ "c": OLD, "n": NEW }))
        .await?;
    let data = &ok(&changed)?["changePassword"];
    assert_eq!(data["user"]["email"], "ida@example.com");
    let fresh_access = str_at(data, "/accessToken")?;
    let fresh_refresh = str_at(data, "/refreshToken")?;

    // Both earlier sessions are over, the caller's own included: its new pair replaces it.
    for old in [&first.refresh, &second_refresh] {
        let refused = app.graphql(REFRESH, json!({ "t": old })).await?;
        assert_eq!(error_code(&refused)?, "UNAUTHENTICATED");
    }
    let viewer = app
        .graphql_as(&fresh_access, "{ viewer { email } }", json!({}))
        .await?;
    assert_eq!(ok(&viewer)?["viewer"]["email"], "ida@example.com");
    ok(&app.graphql(REFRESH, json!({ "t": fresh_refresh })).await?)?;

    let with_old = app
        .graphql(LOGIN, json!({ "e": "ida@example.com", "p": OLD }))
        .await?;
    assert_eq!(error_code(&with_old)?, "UNAUTHENTICATED");
    ok(&app
        .graphql(LOGIN, json!({ "e": "ida@example.com", "p": NEW }))
        .await?)?;
    Ok(())
}

async fn a_wrong_current_password_or_a_weak_new_one_is_refused_and_changes_nothing(
    app: TestApp,
) -> Result<()> {
    let auth = app.signup("jon.lake@example.com").await?;
    let long = "x".repeat(300);
    let cases = [
        ("not the password", NEW, "currentPassword"),
        (long.as_str(), NEW, "currentPassword"),
        (OLD, "short", "newPassword"),
        (OLD, "password1234", "newPassword"),
        // The account's own words count as known.
        (OLD, "jonlakejonlake", "newPassword"),
        (OLD, OLD, "newPassword"),
    ];
    for (current, new, field) in cases {
        let body = app
            .graphql_as(&auth.token, CHANGE, json!({ "c": current, "n": new }))
            .await?;
        assert_eq!(
            error_code(&body)?,
            "BAD_USER_INPUT",
            "{current:.20} → {new}: {body}"
        );
        assert_eq!(error_field(&body).as_deref(), Some(field), "{body}");
    }
    // Nothing changed: the session still refreshes and the old password still signs in.
    ok(&app.graphql(REFRESH, json!({ "t": auth.refresh })).await?)?;
    ok(&app
        .graphql(LOGIN, json!({ "e": "jon.lake@example.com", "p": OLD }))
        .await?)?;
    Ok(())
}

async fn api_tokens_and_anonymous_callers_cannot_change_a_password(app: TestApp) -> Result<()> {
    let auth = app.signup("kim@example.com").await?;
    let created = app
        .graphql_as(
            &auth.token,
            "mutation { createApiToken(input: { name: \"ci\", scopes: [\"content:write\"] }) { token } }",
            json!({}),
        )
        .await?;
    let api_token = str_at(ok(&created)?, "/createApiToken/token")?;
    let by_token = app
        .graphql_as(&api_token, CHANGE, json!({ "c": OLD, "n": NEW }))
        .await?;
    assert_eq!(error_code(&by_token)?, "FORBIDDEN");
    let anonymous = app.graphql(CHANGE, json!({ "c": OLD, "n": NEW })).await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED");
    ok(&app
        .graphql(LOGIN, json!({ "e": "kim@example.com", "p": OLD }))
        .await?)?;
    Ok(())
}
