//! Site ownership: the owner puts the site's token in a `<meta>` tag on the home page or in a
//! file under `/.well-known/`, and `verify_site` looks for it.
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::linkcheck::{Checker, FetchError, html};
use crate::services::{now, site::get_site};
use entities::site;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use url::Url;
use uuid::Uuid;

/// The file under the site's origin that may hold the token instead of the meta tag.
pub const WELL_KNOWN_PATH: &str = "/.well-known/wharf-verification.txt";

/// What a verification attempt found.
pub struct Verification {
    /// The site, with `verified_at` as recorded.
    pub site: site::Model,
    /// Whether the token was found now.
    pub verified: bool,
    /// Where it was found: `meta` or `well_known`.
    pub method: Option<&'static str>,
    /// Why it was not found.
    pub detail: Option<String>,
}

/// Looks for the site's token (owners, admins, `deals:write` tokens of the site) on the first
/// of `https://DOMAIN/`, `https://www.DOMAIN/`, `http://DOMAIN/`, `http://www.DOMAIN/` that
/// answers, and records the result: found sets `verified_at` (kept from an earlier success); a
/// reachable site without the token loses its verification; an unreachable one keeps it.
pub async fn verify_site(
    db: &impl ConnectionTrait,
    checker: &Checker,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Verification> {
    let site = get_site(db, site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    super::require_site_agent(db, principal, site.id).await?;
    let outcome = look_for_token(checker, &site.domain, &site.verification_token).await;
    let (verified, method, detail, reachable) = match outcome {
        Ok(method) => (true, Some(method), None, true),
        Err((detail, reachable)) => (false, None, Some(detail), reachable),
    };
    let mut active: site::ActiveModel = site.clone().into();
    let mut changed = false;
    if verified && site.verified_at.is_none() {
        active.verified_at = Set(Some(now()));
        changed = true;
    } else if !verified && reachable && site.verified_at.is_some() {
        active.verified_at = Set(None);
        changed = true;
    }
    let site = if changed {
        active.updated_at = Set(now());
        active.update(db).await?
    } else {
        site
    };
    Ok(Verification {
        site,
        verified,
        method,
        detail,
    })
}

/// `Ok(method)` when found; `Err((why, whether the site answered))` otherwise.
async fn look_for_token(
    checker: &Checker,
    domain: &str,
    token: &str,
) -> Result<&'static str, (String, bool)> {
    let mut last_error = String::new();
    // The apex first, then `www.` (many sites answer on one only); https before http.
    let homes = ["https://", "https://www.", "http://", "http://www."]
        .map(|prefix| format!("{prefix}{domain}/"));
    for home in homes {
        let Ok(home) = Url::parse(&home) else {
            continue;
        };
        match checker.fetch_text(&home).await {
            Ok((status, landed, text)) => {
                // The token counts only on the site itself: a home page that redirects to
                // another site proves nothing about this one.
                let on_site = |u: &Url| {
                    html::site_host(u)
                        .is_some_and(|h| h == domain || h.ends_with(&format!(".{domain}")))
                };
                if !on_site(&landed) {
                    return Err((format!("{home} redirects off the site to {landed}"), true));
                }
                if (200..300).contains(&status)
                    && html::verification_tokens(&text).iter().any(|t| t == token)
                {
                    return Ok("meta");
                }
                if let Ok(file) = home.join(WELL_KNOWN_PATH)
                    && let Ok((200..=299, landed, text)) = checker.fetch_text(&file).await
                    && on_site(&landed)
                    && text.lines().any(|l| l.trim() == token)
                {
                    return Ok("well_known");
                }
                return Err((
                    format!(
                        "the token is neither in <meta name=\"{}\"> on {home} (HTTP {status}) nor in {WELL_KNOWN_PATH}",
                        html::VERIFICATION_META
                    ),
                    true,
                ));
            }
            // The guard's refusal is final: trying plain http would not change the address.
            Err(err @ FetchError::Refused(_)) => return Err((err.to_string(), false)),
            Err(err) => last_error = format!("{home}: {err}"),
        }
    }
    Err((last_error, false))
}
