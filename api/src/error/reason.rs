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
    /// The query text is over the size limit; params `bytes`, `maxBytes`.
    QueryTooLarge = "QUERY_TOO_LARGE",
    /// Too many subscriptions on one connection or from one address; param `max`.
    TooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS",
    /// An article body took longer to render than the budget; param `ms`. Retrying may work.
    RenderTimeout = "RENDER_TIMEOUT",
    /// An `Authorization` header that is not `Bearer <token>`.
    MalformedAuthorization = "MALFORMED_AUTHORIZATION",

    // Lists and look-ups.
    /// An `after` cursor that is not one of this list's.
    InvalidCursor = "INVALID_CURSOR",
    /// An `after` cursor made for another ordering of the list.
    CursorOtherOrder = "CURSOR_OTHER_ORDER",
    /// A look-up given both, or neither, of its ways to name the thing (an ID, or a site and
    /// slug or a domain).
    AmbiguousLookup = "AMBIGUOUS_LOOKUP",

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
    /// The same item is listed twice.
    Duplicate = "DUPLICATE",
    /// A value needed because of another one given (a price needs its currency).
    Required = "REQUIRED",
    /// Not a phone number in international form.
    InvalidPhone = "INVALID_PHONE",
    /// Not an ISO 4217 currency code; param `value`.
    InvalidCurrency = "INVALID_CURRENCY",
    /// Not a plain decimal amount (negative, separators, letters).
    InvalidAmount = "INVALID_AMOUNT",
    /// An amount with more decimals than its currency has; params `currency`, `digits`.
    TooManyDecimals = "TOO_MANY_DECIMALS",
    /// An amount over the largest the server stores.
    AmountTooLarge = "AMOUNT_TOO_LARGE",
    /// Not an HS code (6 to 10 digits); param `value`.
    InvalidHsCode = "INVALID_HS_CODE",
    /// The highest price of a range is below its lowest.
    PriceMaxBelowMin = "PRICE_MAX_BELOW_MIN",
    /// The end of a time range is before its start.
    EndsBeforeStart = "ENDS_BEFORE_START",

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

    // Products and categories.
    /// Another product of the site has this model number; param `value`.
    ModelNumberTaken = "MODEL_NUMBER_TAKEN",
    /// A translation keeps its original's model number and cannot give another.
    ModelNumberShared = "MODEL_NUMBER_SHARED",
    /// A place of delivery given without its Incoterm.
    IncotermRequired = "INCOTERM_REQUIRED",
    /// The category named is not one of this site's.
    CategoryNotOnSite = "CATEGORY_NOT_ON_SITE",
    /// A category named by its slug needs the site too.
    SiteRequired = "SITE_REQUIRED",
    /// A category needs its name in the site's default locale; param `locale`.
    DefaultLocaleRequired = "DEFAULT_LOCALE_REQUIRED",
    /// The name in the site's default locale cannot be removed; param `locale`.
    DefaultLocaleKept = "DEFAULT_LOCALE_KEPT",
    /// Categories nested deeper than the limit; param `max`.
    CategoryTooDeep = "CATEGORY_TOO_DEEP",
    /// A category moved under itself or one of its subcategories.
    CategoryCycle = "CATEGORY_CYCLE",
    /// A category that still has products cannot be deleted; param `count`.
    CategoryHasProducts = "CATEGORY_HAS_PRODUCTS",
    /// A category that still has subcategories cannot be deleted; param `count`.
    CategoryHasSubcategories = "CATEGORY_HAS_SUBCATEGORIES",
    /// The product named is not published on this site.
    ProductNotOnSite = "PRODUCT_NOT_ON_SITE",

    // Inquiries.
    /// Spam is not a status to set: the spam folder has its own action (`markInquirySpam`).
    SpamNotAStatus = "SPAM_NOT_A_STATUS",
    /// The inquiry is in the spam folder; take it out first (`markInquiryNotSpam`).
    InquiryInSpam = "INQUIRY_IN_SPAM",
    /// An inquiry can be assigned only to a member of its site.
    AssigneeNotMember = "ASSIGNEE_NOT_MEMBER",

    // Media files.
    /// The file is empty.
    FileEmpty = "FILE_EMPTY",
    /// The file is over the size limit; param `maxBytes`.
    FileTooLarge = "FILE_TOO_LARGE",
    /// A CSV file cannot be read (not UTF-8, a broken quote, a bad header); param `line`.
    CsvUnreadable = "CSV_UNREADABLE",
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
    /// An upload ticket that is not one of this server's.
    UploadInvalid = "UPLOAD_INVALID",
    /// Only the user who asked for the upload URL may confirm it.
    NotYourUpload = "NOT_YOUR_UPLOAD",
    /// Nothing has arrived at the upload URL yet.
    NothingUploaded = "NOTHING_UPLOADED",
    /// The uploaded file is not the size announced; params `bytes`, `expectedBytes`.
    SizeMismatch = "SIZE_MISMATCH",
    /// Another request is confirming this upload right now.
    UploadInProgress = "UPLOAD_IN_PROGRESS",
    /// The upload is confirmed already.
    UploadConfirmed = "UPLOAD_CONFIRMED",

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
    /// The invitation is for an existing account: sign in as it first; param `email`.
    SignInAsInvitee = "SIGN_IN_AS_INVITEE",
    /// The signed-in account was deleted.
    AccountGone = "ACCOUNT_GONE",
    /// The access token is past its time: refresh the session.
    AccessTokenExpired = "ACCESS_TOKEN_EXPIRED",
    /// The access token is not one of this server's.
    AccessTokenInvalid = "ACCESS_TOKEN_INVALID",
    /// The refresh token is unknown.
    RefreshTokenInvalid = "REFRESH_TOKEN_INVALID",
    /// The refresh token is past its time: sign in again.
    RefreshTokenExpired = "REFRESH_TOKEN_EXPIRED",
    /// The refresh token was revoked (signed out, password changed): sign in again.
    RefreshTokenRevoked = "REFRESH_TOKEN_REVOKED",
    /// A spent refresh token was presented again; its whole session is now revoked.
    RefreshTokenReused = "REFRESH_TOKEN_REUSED",
    /// The API token is unknown, or its account is gone.
    ApiTokenInvalid = "API_TOKEN_INVALID",
    /// The API token is past its expiry.
    ApiTokenExpired = "API_TOKEN_EXPIRED",
    /// The API token was revoked.
    ApiTokenRevoked = "API_TOKEN_REVOKED",

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
    /// The other side of the deal (or the link checker, or expiry) takes this step; params
    /// `from`, `to`, `by` (`OFFER_SIDE`, `PARTNER_SIDE`, `CHECKER`, `EXPIRY`, `EITHER_SIDE`).
    NotYourMove = "NOT_YOUR_MOVE",
    /// The caller does not act for the side of the deal named.
    NotYourSide = "NOT_YOUR_SIDE",
    /// The caller acts for both sites of the deal: `side` must say which.
    SideRequired = "SIDE_REQUIRED",
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
