//! Password resets by a one-time link an admin makes and hands over: the link works once, for
//! an hour, replaces earlier ones, and ends every session of the account.
use anyhow::Result;
use chrono::{DateTime, Utc};
use entities::password_reset;
use futures_util::future::join_all;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use serde_json::{Value, json};
use wharf::Settings;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    an_admin_hands_over_a_link_that_sets_a_new_password_once,
    a_newer_link_or_a_new_password_replaces_a_link_and_links_expire,
    only_signed_in_admins_make_reset_links,
);

fn no_sign_in_limits(s: &mut Settings) {
    s.rate_limit_sign_in_ip_per_minute = 0;
    s.rate_limit_sign_in_account_per_minute = 0;
}

e2e!(settings = no_sign_in_limits; concurrent_resets_with_one_link_let_exactly_one_through);

const CREATE: &str =
    "mutation($e: String!) { createPasswordReset(email: $e) { token expiresAt email } }";
const RESET: &str = "mutation($t: String!, $n: String!) { resetPassword(token: $t, newPassword: $n) { accessToken refreshToken user { displayName } } }";
const REFRESH: &str = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }";
/// The password `signup` gives every account.
const OLD: &str = "correct horse battery";
const NEW: &str = "walnut orbit cascade harbour";

/// A signed-in global admin's access token.
async fn admin(app: &TestApp) -> Result<String> {
    wharf::services::user::ensure_admin(
        &app.db,
        "root@reset.example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let login = app
        .graphql(
            LOGIN,
            json!({ "e": "root@reset.example.com", "p": "admin password 1" }),
        )
        .await?;
    str_at(ok(&login)?, "/login/accessToken")
}

/// Makes a reset link for `email`; returns the answer's `createPasswordReset`.
async fn make_link(app: &TestApp, admin: &str, email: &str) -> Result<Value> {
    let body = app.graphql_as(admin, CREATE, json!({ "e": email })).await?;
    Ok(ok(&body)?["createPasswordReset"].clone())
}

async fn an_admin_hands_over_a_link_that_sets_a_new_password_once(app: TestApp) -> Result<()> {
    let admin = admin(&app).await?;
    let vic = app.signup("vic@example.com").await?;
    let other_session = app
        .graphql(LOGIN, json!({ "e": "vic@example.com", "p": OLD }))
        .await?;
    let other_refresh = str_at(ok(&other_session)?, "/login/refreshToken")?;

    let before = Utc::now();
    let link = make_link(&app, &admin, "VIC@example.com").await?;
    let token = str_at(&link, "/token")?;
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    assert_eq!(link["email"], "vic@example.com");
    let expires: DateTime<Utc> = str_at(&link, "/expiresAt")?.parse()?;
    let lifetime = expires - before;
    assert!(
        lifetime > chrono::Duration::minutes(59) && lifetime <= chrono::Duration::minutes(61),
        "{lifetime}"
    );
    let stored = password_reset::Entity::find().all(&app.db).await?;
    assert!(
        stored
            .iter()
            .all(|r| r.token_hash != token && r.token_hash.len() == 64)
    );

    // A weak password is refused and leaves the link usable.
    let weak = app
        .graphql(RESET, json!({ "t": token, "n": "password1234" }))
        .await?;
    assert_eq!(error_code(&weak)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&weak).as_deref(), Some("newPassword"));

    let reset = app.graphql(RESET, json!({ "t": token, "n": NEW })).await?;
    let data = &ok(&reset)?["resetPassword"];
    assert_eq!(data["user"]["displayName"], "vic@example.com");
    let access = str_at(data, "/accessToken")?;
    let viewer = app
        .graphql_as(&access, "{ viewer { email } }", json!({}))
        .await?;
    assert_eq!(ok(&viewer)?["viewer"]["email"], "vic@example.com");
    ok(&app
        .graphql(REFRESH, json!({ "t": str_at(data, "/refreshToken")? }))
        .await?)?;

    // Every earlier session is over, and only the new password signs in.
    for old in [&vic.refresh, &other_refresh] {
        let refused = app.graphql(REFRESH, json!({ "t": old })).await?;
        assert_eq!(error_code(&refused)?, "UNAUTHENTICATED");
    }
    let with_old = app
        .graphql(LOGIN, json!({ "e": "vic@example.com", "p": OLD }))
        .await?;
    assert_eq!(error_code(&with_old)?, "UNAUTHENTICATED");
    ok(&app
        .graphql(LOGIN, json!({ "e": "vic@example.com", "p": NEW }))
        .await?)?;

    // The link is spent.
    let again = app
        .graphql(
            RESET,
            json!({ "t": token, "n": "another walnut orbit cascade" }),
        )
        .await?;
    assert_eq!(error_code(&again)?, "CONFLICT");
    assert_eq!(error_field(&again).as_deref(), Some("token"));
    Ok(())
}

async fn a_newer_link_or_a_new_password_replaces_a_link_and_links_expire(
    app: TestApp,
) -> Result<()> {
    let admin = admin(&app).await?;
    let wes = app.signup("wes@example.com").await?;
    let first = str_at(&make_link(&app, &admin, "wes@example.com").await?, "/token")?;
    let second = str_at(&make_link(&app, &admin, "wes@example.com").await?, "/token")?;
    let replaced = app.graphql(RESET, json!({ "t": first, "n": NEW })).await?;
    assert_eq!(error_code(&replaced)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&replaced).as_deref(), Some("token"));

    // A password changed meanwhile makes the link useless too.
    let changed = app
        .graphql_as(
            &wes.token,
            "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }",
            json!({ "c": OLD, "n": NEW }),
        )
        .await?;
    ok(&changed)?;
    let after_change = app
        .graphql(
            RESET,
            json!({ "t": second, "n": "another walnut orbit cascade" }),
        )
        .await?;
    assert_eq!(error_code(&after_change)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&after_change).as_deref(), Some("token"));

    let third = str_at(&make_link(&app, &admin, "wes@example.com").await?, "/token")?;
    password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await?;
    let expired = app
        .graphql(
            RESET,
            json!({ "t": third, "n": "another walnut orbit cascade" }),
        )
        .await?;
    assert_eq!(error_code(&expired)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&expired).as_deref(), Some("token"));
    assert!(str_at(&expired, "/errors/0/message")?.contains("expired"));

    for token in ["", "short", &"x".repeat(10_000)] {
        let bad = app.graphql(RESET, json!({ "t": token, "n": NEW })).await?;
        assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
        assert_eq!(error_field(&bad).as_deref(), Some("token"));
    }
    // The password is still the one Wes chose.
    ok(&app
        .graphql(LOGIN, json!({ "e": "wes@example.com", "p": NEW }))
        .await?)?;
    Ok(())
}

async fn only_signed_in_admins_make_reset_links(app: TestApp) -> Result<()> {
    let admin = admin(&app).await?;
    let xia = app.signup("xia@example.com").await?;
    let admin_api_token = app
        .graphql_as(
            &admin,
            "mutation { createApiToken(input: { name: \"ops\", scopes: [\"content:write\"] }) { token } }",
            json!({}),
        )
        .await?;
    let admin_api_token = str_at(ok(&admin_api_token)?, "/createApiToken/token")?;
    let vars = json!({ "e": "xia@example.com" });
    let by_user = app.graphql_as(&xia.token, CREATE, vars.clone()).await?;
    assert_eq!(error_code(&by_user)?, "FORBIDDEN");
    let by_token = app
        .graphql_as(&admin_api_token, CREATE, vars.clone())
        .await?;
    assert_eq!(error_code(&by_token)?, "FORBIDDEN");
    let anonymous = app.graphql(CREATE, vars).await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED");
    assert!(
        password_reset::Entity::find()
            .all(&app.db)
            .await?
            .is_empty()
    );

    let unknown = app
        .graphql_as(&admin, CREATE, json!({ "e": "nobody@example.com" }))
        .await?;
    assert_eq!(error_code(&unknown)?, "NOT_FOUND");
    assert_eq!(error_field(&unknown).as_deref(), Some("email"));
    let long_email = format!("{}@example.com", "a".repeat(300));
    for email in ["not an email", long_email.as_str()] {
        let bad = app
            .graphql_as(&admin, CREATE, json!({ "e": email }))
            .await?;
        assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
        assert_eq!(error_field(&bad).as_deref(), Some("email"));
    }
    Ok(())
}

/// How many resets race with one link (each hashes a password).
const RACERS: usize = 10;

async fn concurrent_resets_with_one_link_let_exactly_one_through(app: TestApp) -> Result<()> {
    let admin = admin(&app).await?;
    app.signup("yara@example.com").await?;
    let token = str_at(
        &make_link(&app, &admin, "yara@example.com").await?,
        "/token",
    )?;
    let app = &app;
    let answers = join_all((0..RACERS).map(|i| {
        let vars = json!({ "t": token, "n": format!("walnut orbit cascade harbour {i}") });
        async move { app.graphql(RESET, vars).await }
    }))
    .await;
    let mut winner = None;
    for (i, answer) in answers.into_iter().enumerate() {
        let answer = answer?;
        if answer.get("errors").is_none() {
            assert!(winner.is_none(), "two resets went through");
            winner = Some(i);
            continue;
        }
        assert_eq!(error_code(&answer)?, "CONFLICT", "{answer}");
        assert_eq!(error_field(&answer).as_deref(), Some("token"));
    }
    let Some(winner) = winner else {
        anyhow::bail!("no reset went through");
    };
    // The password is the winner's.
    let login = app
        .graphql(LOGIN, json!({ "e": "yara@example.com", "p": format!("walnut orbit cascade harbour {winner}") }))
        .await?;
    ok(&login)?;
    Ok(())
}
