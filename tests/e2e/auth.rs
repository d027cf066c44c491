//! Registration, login, refresh-token rotation, logout, API tokens.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

e2e!(
    registering_signs_in_and_viewer_shows_the_user,
    a_wrong_password_is_refused_without_saying_which_part_was_wrong,
    a_second_account_with_the_same_email_conflicts,
    refresh_rotates_and_reusing_a_spent_token_revokes_the_session,
    logout_ends_the_session,
    invalid_credentials_are_unauthenticated_not_anonymous,
    api_tokens_act_within_their_scopes_and_site,
    create_admin_makes_a_global_admin,
);

const VIEWER: &str = "{ viewer { id email displayName isAdmin } }";

async fn registering_signs_in_and_viewer_shows_the_user(app: TestApp) -> Result<()> {
    let auth = app.signup("Ann@Example.com").await?;
    let body = app.graphql_as(&auth.token, VIEWER, json!({})).await?;
    let viewer = &ok(&body)?["viewer"];
    assert_eq!(viewer["id"], json!(auth.user_id));
    assert_eq!(viewer["email"], "ann@example.com");
    assert_eq!(viewer["isAdmin"], false);
    let anon = app.graphql(VIEWER, json!({})).await?;
    assert_eq!(ok(&anon)?["viewer"], json!(null));
    Ok(())
}

async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    app: TestApp,
) -> Result<()> {
    app.signup("bob@example.com").await?;
    let login =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let wrong = app
        .graphql(
            login,
            json!({ "e": "bob@example.com", "p": "not the password" }),
        )
        .await?;
    let unknown = app
        .graphql(
            login,
            json!({ "e": "nobody@example.com", "p": "not the password" }),
        )
        .await?;
    assert_eq!(error_code(&wrong)?, "UNAUTHENTICATED");
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    let right = app
        .graphql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { email } } }",
            json!({ "e": "BOB@example.com", "p": "correct horse battery" }),
        )
        .await?;
    assert!(str_at(ok(&right)?, "/login/accessToken")?.len() > 20);
    // The answer that signs a user in is their own: it shows their email.
    assert_eq!(str_at(ok(&right)?, "/login/user/email")?, "bob@example.com");
    Ok(())
}

async fn a_second_account_with_the_same_email_conflicts(app: TestApp) -> Result<()> {
    app.signup("cat@example.com").await?;
    let body = app
        .graphql(
            "mutation { register(input: { email: \"CAT@example.com\", password: \"another password\" }) { accessToken } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "email");
    let short = app
        .graphql("mutation { register(input: { email: \"dan@example.com\", password: \"short\" }) { accessToken } }", json!({}))
        .await?;
    assert_eq!(error_code(&short)?, "BAD_USER_INPUT");
    assert_eq!(short["errors"][0]["extensions"]["field"], "password");
    Ok(())
}

const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }";

async fn refresh_rotates_and_reusing_a_spent_token_revokes_the_session(app: TestApp) -> Result<()> {
    let auth = app.signup("eve@example.com").await?;
    let first = app.graphql(REFRESH, json!({ "t": auth.refresh })).await?;
    let second_refresh = str_at(ok(&first)?, "/refreshToken/refreshToken")?;
    assert_ne!(second_refresh, auth.refresh);
    let new_access = str_at(ok(&first)?, "/refreshToken/accessToken")?;
    assert_eq!(
        ok(&app.graphql_as(&new_access, VIEWER, json!({})).await?)?["viewer"]["email"],
        "eve@example.com"
    );

    // The first token is spent: presenting it again is reuse, and the whole family is revoked.
    let reuse = app.graphql(REFRESH, json!({ "t": auth.refresh })).await?;
    assert_eq!(error_code(&reuse)?, "UNAUTHENTICATED");
    let after = app.graphql(REFRESH, json!({ "t": second_refresh })).await?;
    assert_eq!(
        error_code(&after)?,
        "UNAUTHENTICATED",
        "the newer token of the family must be revoked too"
    );
    Ok(())
}

async fn logout_ends_the_session(app: TestApp) -> Result<()> {
    let auth = app.signup("fay@example.com").await?;
    let out = app
        .graphql(
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": auth.refresh }),
        )
        .await?;
    assert_eq!(ok(&out)?["logout"], true);
    let refresh = app.graphql(REFRESH, json!({ "t": auth.refresh })).await?;
    assert_eq!(error_code(&refresh)?, "UNAUTHENTICATED");
    Ok(())
}

async fn invalid_credentials_are_unauthenticated_not_anonymous(app: TestApp) -> Result<()> {
    for token in [
        "garbage",
        "wharf_not-a-real-token",
        "eyJhbGciOiJIUzI1NiJ9.e30.xx",
    ] {
        let resp = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(token)
            .json(&json!({ "query": "{ viewer { id } }" }))
            .send()
            .await?;
        assert_eq!(resp.status().as_u16(), 401);
        let body: serde_json::Value = resp.json().await?;
        assert_eq!(error_code(&body)?, "UNAUTHENTICATED");
    }
    let basic = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Basic YTpi")
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await?;
    assert_eq!(basic.status().as_u16(), 401);
    Ok(())
}

const CREATE_TOKEN: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id prefix scopes siteId } } }";
const NEW_ARTICLE: &str =
    "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }";

async fn api_tokens_act_within_their_scopes_and_site(app: TestApp) -> Result<()> {
    let owner = app.signup("gus@example.com").await?;
    let site = app
        .create_site(&owner.token, "gus-trade.com", &["en"])
        .await?;
    let other = app
        .create_site(&owner.token, "gus-other.com", &["en"])
        .await?;

    let created = app
        .graphql_as(
            &owner.token,
            CREATE_TOKEN,
            json!({ "input": { "name": "ci", "scopes": ["content:write"], "siteId": site } }),
        )
        .await?;
    let token = str_at(ok(&created)?, "/createApiToken/token")?;
    assert!(token.starts_with("wharf_"));
    assert!(token.starts_with(&str_at(ok(&created)?, "/createApiToken/apiToken/prefix")?));

    // The list never shows the plaintext again.
    let list = app
        .graphql_as(
            &owner.token,
            "{ apiTokens { id name prefix scopes } }",
            json!({}),
        )
        .await?;
    assert!(!list.to_string().contains(&token));
    assert_eq!(
        ok(&list)?["apiTokens"][0]["scopes"],
        json!(["content:write"])
    );

    let write = app
        .graphql_as(
            &token,
            NEW_ARTICLE,
            json!({ "input": { "siteId": site, "title": "By token" } }),
        )
        .await?;
    ok(&write)?;
    let elsewhere = app
        .graphql_as(
            &token,
            NEW_ARTICLE,
            json!({ "input": { "siteId": other, "title": "No" } }),
        )
        .await?;
    assert_eq!(error_code(&elsewhere)?, "FORBIDDEN");
    let no_tokens_from_tokens = app
        .graphql_as(
            &token,
            CREATE_TOKEN,
            json!({ "input": { "name": "x", "scopes": ["content:read"] } }),
        )
        .await?;
    assert_eq!(error_code(&no_tokens_from_tokens)?, "FORBIDDEN");

    let read_only = app
        .graphql_as(
            &owner.token,
            CREATE_TOKEN,
            json!({ "input": { "name": "ro", "scopes": ["content:read"] } }),
        )
        .await?;
    let read_only = str_at(ok(&read_only)?, "/createApiToken/token")?;
    let denied = app
        .graphql_as(
            &read_only,
            NEW_ARTICLE,
            json!({ "input": { "siteId": site, "title": "No" } }),
        )
        .await?;
    assert_eq!(error_code(&denied)?, "FORBIDDEN");

    let bad_scope = app
        .graphql_as(
            &owner.token,
            CREATE_TOKEN,
            json!({ "input": { "name": "x", "scopes": ["everything"] } }),
        )
        .await?;
    assert_eq!(error_code(&bad_scope)?, "BAD_USER_INPUT");
    assert_eq!(bad_scope["errors"][0]["extensions"]["field"], "scopes");

    let id = str_at(ok(&created)?, "/createApiToken/apiToken/id")?;
    let revoked = app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await?;
    ok(&revoked)?;
    let after = app
        .graphql_as(&token, "{ viewer { id } }", json!({}))
        .await?;
    assert_eq!(error_code(&after)?, "UNAUTHENTICATED");
    Ok(())
}

async fn create_admin_makes_a_global_admin(app: TestApp) -> Result<()> {
    // The same service the `wharf create-admin` command calls.
    let admin = wharf::services::user::ensure_admin(
        &app.db,
        "root@example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert!(admin.is_admin);
    let login = app
        .graphql("mutation { login(email: \"root@example.com\", password: \"admin password 1\") { accessToken user { isAdmin } } }", json!({}))
        .await?;
    assert_eq!(ok(&login)?["login"]["user"]["isAdmin"], true);
    // An admin may manage a site it is not a member of.
    let owner = app.signup("hal@example.com").await?;
    let site = app
        .create_site(&owner.token, "hal.example.com", &["en"])
        .await?;
    let token = str_at(ok(&login)?, "/login/accessToken")?;
    let renamed = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { updateSite(id: $id, input: { name: \"Renamed\" }) { name } }",
            json!({ "id": site }),
        )
        .await?;
    assert_eq!(ok(&renamed)?["updateSite"]["name"], "Renamed");
    Ok(())
}
