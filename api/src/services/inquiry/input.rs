//! What a buyer sends, and its checks: every field bounded and parsed (BAD_USER_INPUT naming
//! the field, nothing stored), the products published products of the site.
use crate::domain::{Country, Email, Locale, Phone, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason};
use crate::services::parse_id;
use entities::product::{self, ProductStatus};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// Most products in one inquiry.
pub const MAX_ITEMS: usize = 50;
/// Largest quantity of one product.
pub const MAX_QUANTITY: i64 = 1_000_000;
/// Longest name and company, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5_000;
/// Longest URL and form token, in characters.
pub const MAX_URL_CHARS: usize = 2_048;
/// Longest UTM value, in characters.
pub const MAX_UTM_CHARS: usize = 200;

/// One product asked about.
#[derive(Clone, Debug)]
pub struct ItemInput {
    /// A published product of the site.
    pub product_id: String,
    /// 1 to [`MAX_QUANTITY`].
    pub quantity: i64,
}

/// Campaign parameters of the page the inquiry was sent from.
#[derive(Clone, Debug, Default)]
pub struct Utm {
    /// `utm_source`.
    pub source: Option<String>,
    /// `utm_medium`.
    pub medium: Option<String>,
    /// `utm_campaign`.
    pub campaign: Option<String>,
    /// `utm_term`.
    pub term: Option<String>,
    /// `utm_content`.
    pub content: Option<String>,
}

/// What a storefront sends.
#[derive(Clone, Debug, Default)]
pub struct NewInquiry {
    /// Site ID or domain.
    pub site: String,
    /// Products with quantities (may be empty: a contact form).
    pub items: Vec<ItemInput>,
    /// The buyer's name.
    pub name: String,
    /// The buyer's email.
    pub email: String,
    /// The buyer's company.
    pub company: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// E.164, optional.
    pub phone: Option<String>,
    /// The message.
    pub message: String,
    /// The storefront's locale.
    pub locale: Option<String>,
    /// The page it was sent from.
    pub source_url: Option<String>,
    /// Campaign parameters.
    pub utm: Utm,
    /// The token from `inquiryForm`.
    pub form_token: Option<String>,
    /// The hidden field; people leave it empty.
    pub honeypot: Option<String>,
    /// The answer to the token's proof of work, when the site asks for one.
    pub proof_of_work: Option<String>,
}

/// The checked fields, ready to store.
pub(super) struct Checked {
    pub(super) items: Vec<(product::Model, i64)>,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) company: Option<String>,
    pub(super) country: String,
    pub(super) phone: Option<String>,
    pub(super) message: String,
    pub(super) locale: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) utm: [Option<String>; 5],
}

fn check_url(field: &str, value: Option<&str>) -> AppResult<Option<String>> {
    let Some(value) = optional_text(field, value, MAX_URL_CHARS)? else {
        return Ok(None);
    };
    let bad = || {
        AppError::bad_input(
            field,
            format!("{field} must be an absolute http or https URL"),
        )
        .because(Reason::InvalidUrl)
    };
    let url = url::Url::parse(&value).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    Ok(Some(url.to_string()))
}

pub(super) async fn check(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    input: &NewInquiry,
) -> AppResult<Checked> {
    let name = bounded_text("name", &input.name, 1, MAX_NAME_CHARS)?;
    let email = Email::parse("email", &input.email)?.as_str().to_owned();
    let company = optional_text("company", input.company.as_deref(), MAX_NAME_CHARS)?;
    let country = Country::parse("country", &input.country)?.into_string();
    let phone = match input.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(Phone::parse("phone", p)?.into_string()),
    };
    let message = bounded_text("message", &input.message, 1, MAX_MESSAGE_CHARS)?;
    let locale = match input.locale.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(Locale::parse("locale", l)?.into_string()),
    };
    let source_url = check_url("sourceUrl", input.source_url.as_deref())?;
    let u = &input.utm;
    let mut utm: [Option<String>; 5] = Default::default();
    for (slot, (field, value)) in utm.iter_mut().zip([
        ("utm.source", &u.source),
        ("utm.medium", &u.medium),
        ("utm.campaign", &u.campaign),
        ("utm.term", &u.term),
        ("utm.content", &u.content),
    ]) {
        *slot = optional_text(field, value.as_deref(), MAX_UTM_CHARS)?;
    }
    if input
        .form_token
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_URL_CHARS)
    {
        return Err(AppError::bad_input("formToken", "formToken is too long")
            .because(Reason::TooLong)
            .with("max", MAX_URL_CHARS));
    }
    if input
        .honeypot
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_URL_CHARS)
    {
        return Err(AppError::bad_input("website", "website is too long")
            .because(Reason::TooLong)
            .with("max", MAX_URL_CHARS));
    }
    if input
        .proof_of_work
        .as_deref()
        .is_some_and(|t| t.chars().count() > 100)
    {
        return Err(AppError::bad_input(
            "proofOfWork",
            "proofOfWork must be at most 100 characters",
        )
        .because(Reason::TooLong)
        .with("max", 100));
    }
    if input.items.len() > MAX_ITEMS {
        return Err(AppError::bad_input(
            "items",
            format!("an inquiry may list at most {MAX_ITEMS} products"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_ITEMS));
    }
    let mut items = Vec::with_capacity(input.items.len());
    let mut seen: Vec<Uuid> = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        let field = format!("items.{i}.productId");
        let id = parse_id(&field, &item.product_id)?;
        if seen.contains(&id) {
            return Err(AppError::bad_input(&field, "this product is listed twice")
                .because(Reason::Duplicate));
        }
        seen.push(id);
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(AppError::bad_input(
                &format!("items.{i}.quantity"),
                format!("quantity must be between 1 and {MAX_QUANTITY}"),
            )
            .because(Reason::OutOfRange)
            .with("min", 1)
            .with("max", MAX_QUANTITY));
        }
        let found = product::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|p| p.site_id == site_id && p.status == ProductStatus::Published)
            .ok_or_else(|| {
                AppError::bad_input(&field, "no published product of this site has this ID")
                    .because(Reason::ProductNotOnSite)
            })?;
        items.push((found, item.quantity));
    }
    Ok(Checked {
        items,
        name,
        email,
        company,
        country,
        phone,
        message,
        locale,
        source_url,
        utm,
    })
}
