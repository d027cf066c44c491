//! Why a request was refused, in a form a client can translate: `extensions.reason` (with
//! `extensions.params`), beside the English `message`.
//!
//! Every reason is listed once, below; the Studio's message files carry a `reason.NAME` template
//! for each (a unit test in `http/studio.rs` fails when one is missing), so a new reason comes
//! with its translations.

/// Declares [`Reason`], its names and [`Reason::ALL`] from one list, so none can be forgotten.
macro_rules! reasons {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// A stable, machine-readable reason for an error (`extensions.reason`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Reason {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Reason {
            /// Every reason, in the order of this list.
            pub const ALL: &[Reason] = &[$(Reason::$variant,)+];

            /// The reason as it appears in `extensions.reason`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Reason::$variant => $name,)+
                }
            }
        }
    };
}

reasons! {
    // The request itself (set by the transport and the GraphQL layer).
    /// The body is not JSON, or not a GraphQL request.
    MalformedRequest = "MALFORMED_REQUEST",
    /// The body's content type is not one the server reads.
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE",
    /// A WebSocket asked for a subprotocol other than `graphql-transport-ws`.
    UnsupportedSubprotocol = "UNSUPPORTED_SUBPROTOCOL",
    /// The GraphQL document does not parse.
    GraphqlParseFailed = "GRAPHQL_PARSE_FAILED",
    /// The document does not fit the schema, or a variable has the wrong type.
    GraphqlValidationFailed = "GRAPHQL_VALIDATION_FAILED",
    /// A mutation was sent with `GET`.
    MethodNotAllowed = "METHOD_NOT_ALLOWED",
    /// More aliases than the limit; params `count`, `max`.
    TooManyAliases = "TOO_MANY_ALIASES",
    /// The query is nested deeper than the limit.
    QueryTooDeep = "QUERY_TOO_DEEP",
    /// The query costs more than the limit.
    QueryTooComplex = "QUERY_TOO_COMPLEX",
    /// Too many requests; param `seconds`, the wait before retrying.
    RateLimited = "RATE_LIMITED",

    // Free text (`bounded_text`) and the shared validators of `domain/`.
    /// A required value is empty.
    Empty = "EMPTY",
    /// Shorter than allowed; param `min` (characters).
    TooShort = "TOO_SHORT",
    /// Longer than allowed; param `max` (characters).
    TooLong = "TOO_LONG",
    /// Holds control characters (NUL and the like).
    ControlCharacters = "CONTROL_CHARACTERS",
    /// Holds only invisible characters (zero-width spaces, format characters).
    NothingVisible = "NOTHING_VISIBLE",
    /// A slug with other characters than lowercase letters, digits and single hyphens.
    SlugCharacters = "SLUG_CHARACTERS",
    /// A slug with invisible characters in it.
    InvisibleCharacters = "INVISIBLE_CHARACTERS",
    /// No letter or digit to make or keep a slug.
    NoLetterOrDigit = "NO_LETTER_OR_DIGIT",
    /// Not a locale tag; param `value`.
    InvalidLocale = "INVALID_LOCALE",
    /// Not an email address.
    InvalidEmail = "INVALID_EMAIL",
    /// Not a domain; param `value`.
    InvalidDomain = "INVALID_DOMAIN",
    /// Not an absolute http or https URL.
    InvalidUrl = "INVALID_URL",
    /// Not an ISO country code; param `value`.
    InvalidCountry = "INVALID_COUNTRY",
    /// Not an ID.
    InvalidId = "INVALID_ID",
    /// A number outside its range; params `min`, `max`.
    OutOfRange = "OUT_OF_RANGE",
    /// More items than allowed; param `max`.
    TooMany = "TOO_MANY",
    /// A list that needs at least one item is empty.
    NoneChosen = "NONE_CHOSEN",
    /// A value not among the known ones; params `value`, `allowed`.
    UnknownValue = "UNKNOWN_VALUE",

    // Sites, articles, tags.
    /// A locale the site does not offer; params `locale`, `locales`.
    LocaleNotOffered = "LOCALE_NOT_OFFERED",
    /// The slug is taken (in this site and locale).
    SlugTaken = "SLUG_TAKEN",
    /// Another site has this domain.
    DomainTaken = "DOMAIN_TAKEN",
    /// An account has this email.
    EmailTaken = "EMAIL_TAKEN",
    /// Another value that must be unique is taken.
    Taken = "TAKEN",
    /// The article already has a translation in this locale; param `locale`.
    TranslationExists = "TRANSLATION_EXISTS",
    /// A save based on an older version (`expectedVersion`); params `current`, `expected`.
    StaleVersion = "STALE_VERSION",
    /// Someone else changed the thing while this change was made.
    ChangedMeanwhile = "CHANGED_MEANWHILE",
    /// The article body is over the size limit; params `bytes`, `maxBytes`.
    BodyTooLarge = "BODY_TOO_LARGE",
    /// A publication time too far ahead; param `days`.
    ScheduleTooFar = "SCHEDULE_TOO_FAR",
    /// Scheduling a published article would take it offline.
    AlreadyPublished = "ALREADY_PUBLISHED",
    /// The media named is not an image.
    NotAnImage = "NOT_AN_IMAGE",
    /// The media named is not in this site's library.
    MediaNotOnSite = "MEDIA_NOT_ON_SITE",

    // Media files.
    /// The file is empty.
    FileEmpty = "FILE_EMPTY",
    /// The file is over the size limit; param `maxBytes`.
    FileTooLarge = "FILE_TOO_LARGE",
    /// The file's type could not be recognised; param `allowed`.
    FileTypeUnknown = "FILE_TYPE_UNKNOWN",
    /// The file's contents are another type than declared; params `declared`, `actual`.
    FileTypeMismatch = "FILE_TYPE_MISMATCH",
    /// Files of this type are not accepted; params `type`, `allowed`.
    FileTypeNotAllowed = "FILE_TYPE_NOT_ALLOWED",
    /// The upload ticket has expired.
    UploadExpired = "UPLOAD_EXPIRED",
    /// Not a media key.
    InvalidKey = "INVALID_KEY",

    // Images and their variants.
    /// Images of this type have no sized variants (AVIF, SVG originals); param `type`.
    ImageNotResizable = "IMAGE_NOT_RESIZABLE",
    /// Variants in this format are not offered; params `format`, `allowed`.
    ImageFormatNotOffered = "IMAGE_FORMAT_NOT_OFFERED",
    /// The image has more pixels than the decoding limit; params `width`, `height`, `max`.
    ImageTooManyPixels = "IMAGE_TOO_MANY_PIXELS",
    /// The image could not be decoded: corrupt, truncated, or an unsupported kind.
    ImageUnreadable = "IMAGE_UNREADABLE",
    /// Resizing the image needs more memory or time than the server allows.
    ImageTooCostly = "IMAGE_TOO_COSTLY",
    /// A variant link names a size, format or quality this server does not make.
    VariantNotOffered = "VARIANT_NOT_OFFERED",

    // Accounts, members, invitations, tokens.
    /// Wrong email or password at sign-in.
    WrongCredentials = "WRONG_CREDENTIALS",
    /// The current password given is wrong.
    WrongPassword = "WRONG_PASSWORD",
    /// The new password is the current one.
    PasswordUnchanged = "PASSWORD_UNCHANGED",
    /// The password is too easy to guess.
    WeakPassword = "WEAK_PASSWORD",
    /// This server does not let people register.
    RegistrationClosed = "REGISTRATION_CLOSED",
    /// The action needs a signed-in caller.
    SignInRequired = "SIGN_IN_REQUIRED",
    /// No account has this email.
    NoAccount = "NO_ACCOUNT",
    /// The account already belongs to the site.
    AlreadyMember = "ALREADY_MEMBER",
    /// The change would leave the site without an owner.
    LastOwner = "LAST_OWNER",
    /// The caller is not a member of the site named.
    NotAMember = "NOT_A_MEMBER",
    /// An invitation or password-reset link that is unknown, revoked or replaced.
    LinkInvalid = "LINK_INVALID",
    /// An invitation or password-reset link past its time; param `expiresAt` (RFC 3339).
    LinkExpired = "LINK_EXPIRED",
    /// An invitation or password-reset link used already.
    LinkUsed = "LINK_USED",

    // Who may do what.
    /// Nothing by that name, or nothing the caller may see.
    NotFound = "NOT_FOUND",
    /// Only the site's members may do this.
    MembersOnly = "MEMBERS_ONLY",
    /// Only the site's owners and editors may do this.
    WritersOnly = "WRITERS_ONLY",
    /// Only the site's owners may do this.
    OwnersOnly = "OWNERS_ONLY",
    /// Only the server's admins may do this.
    AdminsOnly = "ADMINS_ONLY",
    /// An API token without the scope needed; param `scope`.
    TokenScopeMissing = "TOKEN_SCOPE_MISSING",
    /// An API token restricted to another site.
    TokenOtherSite = "TOKEN_OTHER_SITE",
    /// The action needs a signed-in user, not an API token.
    UserRequired = "USER_REQUIRED",

    // The link market.
    /// The site has not proved it owns its domain.
    SiteNotVerified = "SITE_NOT_VERIFIED",
    /// A site cannot take its own offer.
    OwnOffer = "OWN_OFFER",
    /// The offer is paused or closed; param `status`.
    OfferNotOpen = "OFFER_NOT_OPEN",
    /// The site already has an open deal on the offer.
    DealAlreadyOpen = "DEAL_ALREADY_OPEN",
    /// Every slot of the offer is taken.
    SlotsFull = "SLOTS_FULL",
    /// The deal cannot go from its status to the one asked; params `from`, `to`.
    InvalidTransition = "INVALID_TRANSITION",
    /// The deal's status does not allow this (placements, checks); param `status`.
    DealStatus = "DEAL_STATUS",
    /// Only the deal's own sites may do this.
    NotYourDeal = "NOT_YOUR_DEAL",
    /// The deal has no placement to check yet.
    NoPlacement = "NO_PLACEMENT",
    /// A URL on another domain than it must be; param `domain`.
    UrlNotOnDomain = "URL_NOT_ON_DOMAIN",
}

impl Reason {
    /// The reason a unique value is taken, by the field it is in.
    pub fn taken(field: &str) -> Self {
        match field {
            "slug" => Self::SlugTaken,
            "domain" => Self::DomainTaken,
            "email" => Self::EmailTaken,
            _ => Self::Taken,
        }
    }
}

/// A value of `extensions.params`: a number or a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// A count, limit or size.
    Number(i64),
    /// A name, value or list.
    Text(String),
}

impl From<i64> for Param {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<i32> for Param {
    fn from(n: i32) -> Self {
        Self::Number(n.into())
    }
}

impl From<u32> for Param {
    fn from(n: u32) -> Self {
        Self::Number(n.into())
    }
}

impl From<u64> for Param {
    fn from(n: u64) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Param {
    fn from(n: usize) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Param {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Param {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&String> for Param {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_unique_screaming_snake_names() {
        let mut seen = std::collections::HashSet::new();
        for reason in Reason::ALL {
            let name = reason.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
        }
        assert_eq!(Reason::taken("slug"), Reason::SlugTaken);
        assert_eq!(Reason::taken("modelNumber"), Reason::Taken);
    }
}
