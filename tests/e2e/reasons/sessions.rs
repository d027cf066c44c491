//! Reasons of refused credentials: refresh tokens (unknown, spent and presented again, revoked,
//! expired), access tokens (expired, forged), API tokens (revoked, unknown) and a header that
//! is not `Bearer`. The code stays `UNAUTHENTICATED` and the message the same for all of a kind:
//! the reason tells a client whether refreshing can help.
use super::first_error;
use anyhow::Result;
use chrono::{Duration, Utc};
use entities::refresh_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use wharf::auth::jwt::JwtKeys;
use wharf_tests::{TEST_JWT_SECRET, TestApp, e2e, ok, str_at};

e2e!(
    a_refresh_token_that_no_longer_works_says_why,
    a_refused_access_or_api_token_says_why,
);

const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";
const VIEWER: &str = "{ viewer { id } }";

/// Asserts an `UNAUTHENTICATED` answer with this message and reason (and nothing else).
fn unauthenticated(body: &Value, message: &str, reason: &str) -> Result<()> {
    let (got, extensions) = first_error(body)?;
    assert_eq!(got, message, "{body}");
    assert_eq!(
        extensions,
        json!({ "code": "UNAUTHENTICATED", "reason": reason }),
        "{reason}"
    );
    Ok(())
}

const REFRESH_REFUSED: &str = "the refresh token is invalid, expired or revoked";

async fn a_refresh_token_that_no_longer_works_says_why(app: TestApp) -> Result<()> {
    let auth = app.signup("eve@example.com").await?;
    unauthenticated(
        &app.graphql(REFRESH, json!({ "t": "wrt_never-issued" }))
            .await?,
        REFRESH_REFUSED,
        "REFRESH_TOKEN_INVALID",
    )?;
    let next = app.graphql(REFRESH, json!({ "t": auth.refresh })).await?;
    let newer = str_at(ok(&next)?, "/refreshToken/refreshToken")?;
    // The spent token again: taken as theft, the whole session is revoked...
    unauthenticated(
        &app.graphql(REFRESH, json!({ "t": auth.refresh })).await?,
        "this refresh token was already used; the session has been revoked",
        "REFRESH_TOKEN_REUSED",
    )?;
    // ...so the newer one is refused as revoked.
    unauthenticated(
        &app.graphql(REFRESH, json!({ "t": newer })).await?,
        REFRESH_REFUSED,
        "REFRESH_TOKEN_REVOKED",
    )?;

    let login = "mutation { login(email: \"eve@example.com\", password: \"correct horse battery\") { refreshToken } }";
    let fresh = str_at(
        ok(&app.graphql(login, json!({})).await?)?,
        "/login/refreshToken",
    )?;
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&app.db)
        .await?;
    unauthenticated(
        &app.graphql(REFRESH, json!({ "t": fresh })).await?,
        REFRESH_REFUSED,
        "REFRESH_TOKEN_EXPIRED",
    )?;
    Ok(())
}

async fn a_refused_access_or_api_token_says_why(app: TestApp) -> Result<()> {
    let auth = app.signup("gus@example.com").await?;
    let keys = JwtKeys::new(TEST_JWT_SECRET.as_bytes(), 60)?;
    let user = auth.user_id.parse()?;
    let (expired, _) = keys.issue(user, false, Utc::now() - Duration::hours(1))?;
    unauthenticated(
        &app.graphql_as(&expired, VIEWER, json!({})).await?,
        "the access token is invalid or expired",
        "ACCESS_TOKEN_EXPIRED",
    )?;
    let forged = JwtKeys::new(b"another-secret-that-is-long-enough-0123456789", 60)?;
    let (forged, _) = forged.issue(user, true, Utc::now())?;
    unauthenticated(
        &app.graphql_as(&forged, VIEWER, json!({})).await?,
        "the access token is invalid or expired",
        "ACCESS_TOKEN_INVALID",
    )?;

    let created = app
        .graphql_as(
            &auth.token,
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }",
            json!({ "i": { "name": "crm", "scopes": ["content:write"] } }),
        )
        .await?;
    let api_token = str_at(ok(&created)?, "/createApiToken/token")?;
    let id = str_at(ok(&created)?, "/createApiToken/apiToken/id")?;
    ok(&app.graphql_as(&api_token, VIEWER, json!({})).await?)?;
    ok(&app
        .graphql_as(
            &auth.token,
            "mutation($id: ID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await?)?;
    let api_refused = "the API token is invalid, expired or revoked";
    unauthenticated(
        &app.graphql_as(&api_token, VIEWER, json!({})).await?,
        api_refused,
        "API_TOKEN_REVOKED",
    )?;
    unauthenticated(
        &app.graphql_as("wharf_never-issued", VIEWER, json!({}))
            .await?,
        api_refused,
        "API_TOKEN_INVALID",
    )?;

    let basic = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Basic YTpi")
        .json(&json!({ "query": VIEWER }))
        .send()
        .await?;
    assert_eq!(basic.status().as_u16(), 401);
    unauthenticated(
        &basic.json().await?,
        "the Authorization header must be `Bearer <token>`",
        "MALFORMED_AUTHORIZATION",
    )?;
    Ok(())
}
