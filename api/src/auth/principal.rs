//! The caller of a request.
use crate::error::{AppError, AppResult, Reason};
use uuid::Uuid;

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Read content, drafts included, of the sites the token reaches.
    ContentRead,
    /// Create, change, publish and delete content (implies `content:read`).
    ContentWrite,
    /// Read the deals of the sites the token reaches.
    DealsRead,
    /// Offer, propose, accept and verify link deals (implies `deals:read`).
    DealsWrite,
    /// Read the buyer inquiries of the sites the token reaches.
    InquiriesRead,
    /// Handle inquiries: status, assignment, notes, spam, erasure (implies `inquiries:read`).
    InquiriesWrite,
}

impl Scope {
    /// Every scope, in display order.
    pub const ALL: [Scope; 6] = [
        Scope::ContentRead,
        Scope::ContentWrite,
        Scope::DealsRead,
        Scope::DealsWrite,
        Scope::InquiriesRead,
        Scope::InquiriesWrite,
    ];

    /// The scope's name, as clients write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContentRead => "content:read",
            Self::ContentWrite => "content:write",
            Self::DealsRead => "deals:read",
            Self::DealsWrite => "deals:write",
            Self::InquiriesRead => "inquiries:read",
            Self::InquiriesWrite => "inquiries:write",
        }
    }

    /// Parses a scope name.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
                AppError::bad_input(
                    field,
                    format!("unknown scope {value:?}; scopes are {}", names.join(", ")),
                )
                .because(Reason::UnknownValue)
                .with("value", value)
                .with("allowed", names.join(", "))
            })
    }

    /// Whether holding `self` grants `wanted`.
    pub fn grants(self, wanted: Scope) -> bool {
        self == wanted
            || matches!(
                (self, wanted),
                (Scope::ContentWrite, Scope::ContentRead)
                    | (Scope::DealsWrite, Scope::DealsRead)
                    | (Scope::InquiriesWrite, Scope::InquiriesRead)
            )
    }
}

/// The authenticated (or anonymous) caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// No credentials: sees published content and open offers only.
    Anonymous,
    /// A signed-in user, from a JWT access token.
    User {
        /// The user.
        user_id: Uuid,
        /// Global admin.
        is_admin: bool,
    },
    /// An integrator's API token, acting for its owner within its scopes.
    Token {
        /// The token.
        token_id: Uuid,
        /// The token's owner.
        user_id: Uuid,
        /// Whether the owner is a global admin.
        is_admin: bool,
        /// What the token may do.
        scopes: Vec<Scope>,
        /// The one site the token may act on, when restricted.
        site_id: Option<Uuid>,
    },
}

impl Principal {
    /// The user behind the call, if any.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Self::Anonymous => None,
            Self::User { user_id, .. } | Self::Token { user_id, .. } => Some(*user_id),
        }
    }

    /// The user behind the call, or UNAUTHENTICATED.
    pub fn require_user(&self) -> AppResult<Uuid> {
        self.user_id().ok_or_else(|| {
            AppError::unauthenticated("sign in or send an API token")
                .because(Reason::SignInRequired)
        })
    }

    /// The signed-in user for account-level actions that API tokens may not perform.
    pub fn require_session(&self) -> AppResult<Uuid> {
        match self {
            Self::User { user_id, .. } => Ok(*user_id),
            Self::Token { .. } => Err(AppError::forbidden(
                "this action needs a signed-in user, not an API token",
            )
            .because(Reason::UserRequired)),
            Self::Anonymous => {
                Err(AppError::unauthenticated("sign in first").because(Reason::SignInRequired))
            }
        }
    }

    /// Whether the caller holds global admin powers: a signed-in admin, or an admin's API token
    /// that is not restricted to a site (a restricted one is an admin on its own site only:
    /// [`Self::is_admin_on`]).
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Self::User { is_admin: true, .. }
                | Self::Token {
                    is_admin: true,
                    site_id: None,
                    ..
                }
        )
    }

    /// Whether the caller may act as an admin on `site_id`.
    pub fn is_admin_on(&self, site_id: Uuid) -> bool {
        match self {
            Self::User { is_admin, .. } => *is_admin,
            Self::Token {
                is_admin,
                site_id: only,
                ..
            } => *is_admin && only.is_none_or(|only| only == site_id),
            Self::Anonymous => false,
        }
    }

    /// The one site a site-restricted API token may act on.
    pub fn site_restriction(&self) -> Option<Uuid> {
        match self {
            Self::Token { site_id, .. } => *site_id,
            Self::User { .. } | Self::Anonymous => None,
        }
    }

    /// Whether the credential reaches `site_id` at all: every caller does, except an API token
    /// restricted to another site. Whatever the token's owner may do elsewhere, such a token
    /// acts only within its site.
    pub fn reaches(&self, site_id: Uuid) -> bool {
        self.site_restriction().is_none_or(|only| only == site_id)
    }

    /// For a token: whether it holds `scope` and reaches `site_id` (when given). Users always do.
    pub fn token_allows(&self, scope: Scope, site_id: Option<Uuid>) -> bool {
        match self {
            Self::Token {
                scopes,
                site_id: only,
                ..
            } => {
                scopes.iter().any(|s| s.grants(scope))
                    && match (only, site_id) {
                        (Some(only), Some(site)) => *only == site,
                        (Some(_), None) => false,
                        (None, _) => true,
                    }
            }
            Self::User { .. } => true,
            Self::Anonymous => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_scopes_imply_read_scopes_only_of_their_kind() {
        assert!(Scope::ContentWrite.grants(Scope::ContentRead));
        assert!(!Scope::ContentRead.grants(Scope::ContentWrite));
        assert!(!Scope::DealsWrite.grants(Scope::ContentRead));
        assert!(Scope::InquiriesWrite.grants(Scope::InquiriesRead));
        assert!(!Scope::ContentWrite.grants(Scope::InquiriesRead));
        assert!(!Scope::InquiriesRead.grants(Scope::InquiriesWrite));
    }

    #[test]
    fn a_site_restricted_token_reaches_only_its_site() {
        let site = Uuid::now_v7();
        let token = Principal::Token {
            token_id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            is_admin: false,
            scopes: vec![Scope::ContentWrite],
            site_id: Some(site),
        };
        assert!(token.token_allows(Scope::ContentRead, Some(site)));
        assert!(!token.token_allows(Scope::ContentRead, Some(Uuid::now_v7())));
        assert!(!token.token_allows(Scope::DealsWrite, Some(site)));
        assert!(token.reaches(site));
        assert!(!token.reaches(Uuid::now_v7()));
    }

    #[test]
    fn an_admins_site_restricted_token_is_an_admin_on_its_site_only() {
        let site = Uuid::now_v7();
        let restricted = Principal::Token {
            token_id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            is_admin: true,
            scopes: vec![Scope::ContentRead],
            site_id: Some(site),
        };
        assert!(!restricted.is_admin());
        assert!(restricted.is_admin_on(site));
        assert!(!restricted.is_admin_on(Uuid::now_v7()));
        let unrestricted = Principal::Token {
            token_id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            is_admin: true,
            scopes: vec![Scope::ContentRead],
            site_id: None,
        };
        assert!(unrestricted.is_admin());
        assert!(unrestricted.is_admin_on(site));
        let user = Principal::User {
            user_id: Uuid::now_v7(),
            is_admin: false,
        };
        assert!(user.reaches(site) && !user.is_admin_on(site));
    }
}
