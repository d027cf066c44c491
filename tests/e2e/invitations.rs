//! Site invitations: one-time links to join a site, made by whoever may manage its members,
//! accepted with a new account or by the existing one, signed in; each link works once, even
//! when many use it at the same moment.
use anyhow::Result;
use chrono::{DateTime, Utc};
use entities::site_invitation;
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use wharf::Settings;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    an_owner_invites_a_new_person_who_joins_with_a_new_account,
    an_existing_account_accepts_only_when_signed_in_as_itself,
    inviting_again_replaces_the_pending_invitation_and_revoking_ends_it,
    only_who_may_manage_members_can_invite_list_or_revoke,
    an_expired_invitation_is_refused_with_a_clear_error,
);

fn no_sign_in_limits(s: &mut Settings) {
    s.rate_limit_sign_in_ip_per_minute = 0;
    s.rate_limit_sign_in_account_per_minute = 0;
}

e2e!(settings = no_sign_in_limits; concurrent_acceptances_of_one_link_let_exactly_one_through);

const INVITE: &str = "mutation($s: ID!, $e: String!, $r: SiteRole!) { inviteSiteMember(siteId: $s, email: $e, role: $r) { id email role token createdAt expiresAt acceptedAt site { id } } }";
const LIST: &str =
    "query($s: ID!) { siteInvitations(siteId: $s) { id email role token acceptedAt } }";
const PREVIEW: &str = "query($t: String!) { invitation(token: $t) { siteName siteDomain email role expiresAt accountExists } }";
const ACCEPT: &str = "mutation($t: String!, $p: String, $n: String) { acceptInvitation(token: $t, password: $p, displayName: $n) { accessToken refreshToken user { email displayName } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeSiteInvitation(id: $id) }";
const MEMBERS: &str = "query($id: ID!) { site(id: $id) { members { user { displayName } role } } }";
const PASSWORD: &str = "walnut orbit cascade harbour";

/// Invites `email` as `role`; returns the answer's `inviteSiteMember`.
async fn invite(app: &TestApp, token: &str, site: &str, email: &str, role: &str) -> Result<Value> {
    let body = app
        .graphql_as(token, INVITE, json!({ "s": site, "e": email, "r": role }))
        .await?;
    Ok(ok(&body)?["inviteSiteMember"].clone())
}

/// The members of a site as `displayName:ROLE`, sorted (emails are private; `signup` names
/// each account after its email).
async fn members(app: &TestApp, token: &str, site: &str) -> Result<Vec<String>> {
    let body = app
        .graphql_as(token, MEMBERS, json!({ "id": site }))
        .await?;
    let mut found: Vec<String> = ok(&body)?["site"]["members"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["user"]["displayName"].as_str().unwrap_or("?"),
                m["role"].as_str().unwrap_or("?")
            )
        })
        .collect();
    found.sort();
    Ok(found)
}

async fn an_owner_invites_a_new_person_who_joins_with_a_new_account(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@invite.example.com").await?;
    let site = app
        .create_site(&owner.token, "invite.example.com", &["en"])
        .await?;
    let made = invite(
        &app,
        &owner.token,
        &site,
        "New.Person@Example.com",
        "EDITOR",
    )
    .await?;
    let token = str_at(&made, "/token")?;
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    assert_eq!(made["email"], "new.person@example.com");
    assert_eq!(made["role"], "EDITOR");
    assert_eq!(made["acceptedAt"], Value::Null);
    assert_eq!(made["site"]["id"], json!(site));
    let created: DateTime<Utc> = str_at(&made, "/createdAt")?.parse()?;
    let expires: DateTime<Utc> = str_at(&made, "/expiresAt")?.parse()?;
    assert_eq!(expires - created, chrono::Duration::days(7));

    // The token is shown once; only its hash is stored.
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    let listed = &ok(&listed)?["siteInvitations"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["token"], Value::Null);
    let stored = site_invitation::Entity::find().all(&app.db).await?;
    assert!(
        stored
            .iter()
            .all(|i| i.token_hash != token && i.token_hash.len() == 64)
    );

    // Anyone holding the link sees what it leads to.
    let preview = app.graphql(PREVIEW, json!({ "t": token })).await?;
    assert_eq!(
        ok(&preview)?["invitation"],
        json!({ "siteName": "invite.example.com", "siteDomain": "invite.example.com",
                "email": "new.person@example.com", "role": "EDITOR",
                "expiresAt": made["expiresAt"], "accountExists": false })
    );

    // A new account needs a password and a name, under the rules of `register`.
    for (password, name, field) in [
        (None, Some("Nia"), "password"),
        (Some(PASSWORD), None, "displayName"),
        (Some("password1234"), Some("Nia"), "password"),
        (Some(PASSWORD), Some(&*"n".repeat(101)), "displayName"),
    ] {
        let refused = app
            .graphql(ACCEPT, json!({ "t": token, "p": password, "n": name }))
            .await?;
        assert_eq!(error_code(&refused)?, "BAD_USER_INPUT", "{refused}");
        assert_eq!(error_field(&refused).as_deref(), Some(field), "{refused}");
    }
    let accepted = app
        .graphql(
            ACCEPT,
            json!({ "t": token, "p": PASSWORD, "n": "Nia Lund" }),
        )
        .await?;
    let data = &ok(&accepted)?["acceptInvitation"];
    assert_eq!(data["user"]["displayName"], "Nia Lund");
    let access = str_at(data, "/accessToken")?;
    let viewer = app
        .graphql_as(&access, "{ viewer { email } }", json!({}))
        .await?;
    assert_eq!(ok(&viewer)?["viewer"]["email"], "new.person@example.com");
    assert_eq!(
        members(&app, &owner.token, &site).await?,
        ["Nia Lund:EDITOR", "owner@invite.example.com:OWNER"]
    );
    // The new editor works on the site at once.
    app.create_article(&access, json!({ "siteId": site, "title": "Hello" }))
        .await?;
    let login = app
        .graphql(
            "mutation($p: String!) { login(email: \"new.person@example.com\", password: $p) { accessToken } }",
            json!({ "p": PASSWORD }),
        )
        .await?;
    ok(&login)?;

    // The link is spent.
    let again = app
        .graphql(ACCEPT, json!({ "t": token, "p": PASSWORD, "n": "Nia" }))
        .await?;
    assert_eq!(error_code(&again)?, "CONFLICT");
    assert_eq!(error_field(&again).as_deref(), Some("token"));
    let gone = app.graphql(PREVIEW, json!({ "t": token })).await?;
    assert_eq!(ok(&gone)?["invitation"], Value::Null);
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    assert_eq!(ok(&listed)?["siteInvitations"], json!([]));
    Ok(())
}

async fn an_existing_account_accepts_only_when_signed_in_as_itself(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@existing.example.com").await?;
    let site = app
        .create_site(&owner.token, "existing.example.com", &["en"])
        .await?;
    let lin = app.signup("lin@example.com").await?;
    let mo = app.signup("mo@example.com").await?;
    let made = invite(&app, &owner.token, &site, "lin@example.com", "OWNER").await?;
    let token = str_at(&made, "/token")?;
    let preview = app.graphql(PREVIEW, json!({ "t": token })).await?;
    assert_eq!(ok(&preview)?["invitation"]["accountExists"], true);

    let anonymous = app
        .graphql(ACCEPT, json!({ "t": token, "p": PASSWORD, "n": "Lin" }))
        .await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED");
    let message = str_at(&anonymous, "/errors/0/message")?;
    assert!(message.contains("sign in"), "{message}");
    let as_other = app
        .graphql_as(&mo.token, ACCEPT, json!({ "t": token }))
        .await?;
    assert_eq!(error_code(&as_other)?, "UNAUTHENTICATED");
    // Refusals leave the link usable.
    let preview = app.graphql(PREVIEW, json!({ "t": token })).await?;
    assert_ne!(ok(&preview)?["invitation"], Value::Null);

    let accepted = app
        .graphql_as(&lin.token, ACCEPT, json!({ "t": token }))
        .await?;
    assert_eq!(
        ok(&accepted)?["acceptInvitation"]["user"]["email"],
        "lin@example.com"
    );
    // The answer is a new session of Lin's.
    let access = str_at(ok(&accepted)?, "/acceptInvitation/accessToken")?;
    let viewer = app
        .graphql_as(&access, "{ viewer { email } }", json!({}))
        .await?;
    assert_eq!(ok(&viewer)?["viewer"]["email"], "lin@example.com");
    assert_eq!(
        members(&app, &owner.token, &site).await?,
        ["lin@example.com:OWNER", "owner@existing.example.com:OWNER"]
    );
    Ok(())
}

async fn inviting_again_replaces_the_pending_invitation_and_revoking_ends_it(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@again.example.com").await?;
    let site = app
        .create_site(&owner.token, "again.example.com", &["en"])
        .await?;
    let first = invite(&app, &owner.token, &site, "pat@example.com", "EDITOR").await?;
    let second = invite(&app, &owner.token, &site, "PAT@example.com", "OWNER").await?;
    let first_token = str_at(&first, "/token")?;
    let second_token = str_at(&second, "/token")?;
    let replaced = app.graphql(PREVIEW, json!({ "t": first_token })).await?;
    assert_eq!(ok(&replaced)?["invitation"], Value::Null);
    let refused = app
        .graphql(
            ACCEPT,
            json!({ "t": first_token, "p": PASSWORD, "n": "Pat" }),
        )
        .await?;
    assert_eq!(error_code(&refused)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&refused).as_deref(), Some("token"));
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    let listed = &ok(&listed)?["siteInvitations"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["role"], "OWNER");

    let id = str_at(&second, "/id")?;
    let revoked = app
        .graphql_as(&owner.token, REVOKE, json!({ "id": id }))
        .await?;
    assert_eq!(ok(&revoked)?["revokeSiteInvitation"], true);
    let gone = app.graphql(PREVIEW, json!({ "t": second_token })).await?;
    assert_eq!(ok(&gone)?["invitation"], Value::Null);
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    assert_eq!(ok(&listed)?["siteInvitations"], json!([]));
    let twice = app
        .graphql_as(&owner.token, REVOKE, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&twice)?, "NOT_FOUND");

    // Members are not invited again; bad input is refused on its field.
    let member = app
        .graphql_as(
            &owner.token,
            INVITE,
            json!({ "s": site, "e": "owner@again.example.com", "r": "EDITOR" }),
        )
        .await?;
    assert_eq!(error_code(&member)?, "CONFLICT");
    assert_eq!(error_field(&member).as_deref(), Some("email"));
    let long_email = format!("{}@example.com", "a".repeat(250));
    for email in ["not an email", "", long_email.as_str()] {
        let bad = app
            .graphql_as(
                &owner.token,
                INVITE,
                json!({ "s": site, "e": email, "r": "EDITOR" }),
            )
            .await?;
        assert_eq!(error_code(&bad)?, "BAD_USER_INPUT", "{email}");
        assert_eq!(error_field(&bad).as_deref(), Some("email"));
    }
    for token in ["", "short", &"x".repeat(10_000)] {
        let bad = app
            .graphql(ACCEPT, json!({ "t": token, "p": PASSWORD, "n": "Pat" }))
            .await?;
        assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
        assert_eq!(error_field(&bad).as_deref(), Some("token"));
        assert_eq!(
            ok(&app.graphql(PREVIEW, json!({ "t": token })).await?)?["invitation"],
            Value::Null
        );
    }
    Ok(())
}

async fn only_who_may_manage_members_can_invite_list_or_revoke(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@authz.example.com").await?;
    let site = app
        .create_site(&owner.token, "authz.example.com", &["en"])
        .await?;
    let editor = app.signup("editor@authz.example.com").await?;
    let set = app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"editor@authz.example.com\", role: EDITOR) { role } }",
            json!({ "s": site }),
        )
        .await?;
    ok(&set)?;
    let stranger = app.signup("stranger@authz.example.com").await?;
    let api_token = app
        .graphql_as(
            &owner.token,
            "mutation { createApiToken(input: { name: \"ci\", scopes: [\"content:write\", \"deals:write\"] }) { token } }",
            json!({}),
        )
        .await?;
    let api_token = str_at(ok(&api_token)?, "/createApiToken/token")?;
    let made = invite(&app, &owner.token, &site, "quinn@example.com", "EDITOR").await?;
    let id = str_at(&made, "/id")?;
    let vars = json!({ "s": site, "e": "rae@example.com", "r": "EDITOR" });

    for (who, code) in [
        (&editor.token, "FORBIDDEN"),
        (&stranger.token, "FORBIDDEN"),
        (&api_token, "FORBIDDEN"),
    ] {
        let invited = app.graphql_as(who, INVITE, vars.clone()).await?;
        assert_eq!(error_code(&invited)?, code);
        let listed = app.graphql_as(who, LIST, json!({ "s": site })).await?;
        assert_eq!(error_code(&listed)?, code);
        // An invitation is hidden from whoever may not manage it.
        let revoked = app.graphql_as(who, REVOKE, json!({ "id": id })).await?;
        let expected = if who == &api_token {
            "FORBIDDEN"
        } else {
            "NOT_FOUND"
        };
        assert_eq!(error_code(&revoked)?, expected);
    }
    assert_eq!(
        error_code(&app.graphql(INVITE, vars.clone()).await?)?,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        error_code(&app.graphql(LIST, json!({ "s": site })).await?)?,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        error_code(&app.graphql(REVOKE, json!({ "id": id })).await?)?,
        "UNAUTHENTICATED"
    );
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    assert_eq!(
        ok(&listed)?["siteInvitations"].as_array().map(Vec::len),
        Some(1)
    );

    // A global admin manages any site's members.
    wharf::services::user::ensure_admin(
        &app.db,
        "root@authz.example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let login = app
        .graphql("mutation { login(email: \"root@authz.example.com\", password: \"admin password 1\") { accessToken } }", json!({}))
        .await?;
    let admin = str_at(ok(&login)?, "/login/accessToken")?;
    let by_admin = invite(&app, &admin, &site, "rae@example.com", "EDITOR").await?;
    assert_eq!(by_admin["email"], "rae@example.com");
    let revoked = app.graphql_as(&admin, REVOKE, json!({ "id": id })).await?;
    assert_eq!(ok(&revoked)?["revokeSiteInvitation"], true);
    Ok(())
}

async fn an_expired_invitation_is_refused_with_a_clear_error(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@expired.example.com").await?;
    let site = app
        .create_site(&owner.token, "expired.example.com", &["en"])
        .await?;
    let made = invite(&app, &owner.token, &site, "sam@example.com", "EDITOR").await?;
    let token = str_at(&made, "/token")?;
    site_invitation::Entity::update_many()
        .col_expr(
            site_invitation::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db)
        .await?;
    let refused = app
        .graphql(ACCEPT, json!({ "t": token, "p": PASSWORD, "n": "Sam" }))
        .await?;
    assert_eq!(error_code(&refused)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&refused).as_deref(), Some("token"));
    let message = str_at(&refused, "/errors/0/message")?;
    assert!(message.contains("expired"), "{message}");
    let preview = app.graphql(PREVIEW, json!({ "t": token })).await?;
    assert_eq!(ok(&preview)?["invitation"], Value::Null);
    let listed = app
        .graphql_as(&owner.token, LIST, json!({ "s": site }))
        .await?;
    assert_eq!(ok(&listed)?["siteInvitations"], json!([]));
    // No account was made.
    let login = app
        .graphql("mutation($p: String!) { login(email: \"sam@example.com\", password: $p) { accessToken } }", json!({ "p": PASSWORD }))
        .await?;
    assert_eq!(error_code(&login)?, "UNAUTHENTICATED");
    Ok(())
}

/// How many new-account acceptances race (each hashes a password).
const NEW_RACERS: usize = 10;
/// How many acceptances by a signed-in account race.
const SIGNED_IN_RACERS: usize = 20;

async fn concurrent_acceptances_of_one_link_let_exactly_one_through(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@race.example.com").await?;
    let site = app
        .create_site(&owner.token, "race.example.com", &["en"])
        .await?;

    // A link for a new account.
    let made = invite(&app, &owner.token, &site, "tam@example.com", "EDITOR").await?;
    let token = str_at(&made, "/token")?;
    let vars = json!({ "t": token, "p": PASSWORD, "n": "Tam" });
    let answers = join_all((0..NEW_RACERS).map(|_| app.graphql(ACCEPT, vars.clone()))).await;
    assert_one_through(answers)?;
    let accounts = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq("tam@example.com"))
        .count(&app.db)
        .await?;
    assert_eq!(accounts, 1);

    // A link for an existing account, used by it from many tabs at once.
    let uma = app.signup("uma@example.com").await?;
    let made = invite(&app, &owner.token, &site, "uma@example.com", "EDITOR").await?;
    let token = str_at(&made, "/token")?;
    let answers = join_all(
        (0..SIGNED_IN_RACERS).map(|_| app.graphql_as(&uma.token, ACCEPT, json!({ "t": token }))),
    )
    .await;
    assert_one_through(answers)?;
    assert_eq!(
        members(&app, &owner.token, &site).await?,
        [
            "Tam:EDITOR",
            "owner@race.example.com:OWNER",
            "uma@example.com:EDITOR"
        ]
    );
    Ok(())
}

/// Exactly one answer succeeded; every other is `CONFLICT` on `token`.
fn assert_one_through(answers: Vec<Result<Value>>) -> Result<()> {
    let mut through = 0;
    for answer in answers {
        let answer = answer?;
        if answer.get("errors").is_none() {
            through += 1;
            continue;
        }
        assert_eq!(error_code(&answer)?, "CONFLICT", "{answer}");
        assert_eq!(error_field(&answer).as_deref(), Some("token"), "{answer}");
    }
    assert_eq!(through, 1);
    Ok(())
}
