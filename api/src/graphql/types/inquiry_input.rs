//! The inputs and answers of the inquiry form and the inbox: form tokens, submissions, filters,
//! exports.
use super::inquiry::{InquiryStatus, Utm};
use crate::services::inquiry as service;
use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

/// A form token for one site's inquiry form.
#[derive(SimpleObject)]
pub struct InquiryForm {
    /// Send it back as `formToken` with the submission. It works once.
    pub token: String,
    /// A submission before this time is taken for a bot's.
    pub not_before: DateTime<Utc>,
    /// The token does not count after this time: fetch a new one.
    pub expires_at: DateTime<Utc>,
    /// The name of the hidden field (the honeypot) to put in the form and leave empty:
    /// `website`. Hide it with CSS, not `type="hidden"`.
    pub honeypot_field: String,
    /// The proof of work the site asks for (0: none): send as `proofOfWork` an answer such that
    /// SHA-256 of `<token>:<answer>` (UTF-8) starts with this many zero bits.
    pub proof_of_work_bits: i32,
}

/// A product the buyer asks about.
#[derive(InputObject)]
pub struct InquiryItemInput {
    /// A published product of the site.
    pub product_id: ID,
    /// 1 to 1,000,000.
    pub quantity: i64,
}

/// A buyer's inquiry from a storefront.
#[derive(InputObject)]
pub struct SubmitInquiryInput {
    /// The site (ID or domain).
    pub site: String,
    /// Products with quantities; at most 50. Empty for a plain contact form.
    #[graphql(default)]
    pub items: Vec<InquiryItemInput>,
    /// 1 to 200 characters.
    pub name: String,
    /// An address such as name@example.com.
    pub email: String,
    /// Up to 200 characters.
    pub company: Option<String>,
    /// ISO 3166-1 alpha-2 (`DE`).
    pub country: String,
    /// International form with the country code (`+49 40 1234567`); stored as E.164.
    pub phone: Option<String>,
    /// 1 to 5,000 characters.
    pub message: String,
    /// The storefront's locale (`de`, `zh-CN`).
    pub locale: Option<String>,
    /// The page it was sent from (absolute http(s) URL).
    pub source_url: Option<String>,
    /// Campaign parameters of that page (each up to 200 characters).
    pub utm: Option<Utm>,
    /// The token from `inquiryForm`.
    pub form_token: Option<String>,
    /// The honeypot: leave it empty (people never see it).
    pub website: Option<String>,
    /// The answer to the token's proof of work, when `inquiryForm` asked for one.
    pub proof_of_work: Option<String>,
}

impl From<SubmitInquiryInput> for service::NewInquiry {
    fn from(i: SubmitInquiryInput) -> Self {
        let utm = i.utm.unwrap_or_default();
        Self {
            site: i.site,
            items: i
                .items
                .into_iter()
                .map(|it| service::ItemInput {
                    product_id: it.product_id.to_string(),
                    quantity: it.quantity,
                })
                .collect(),
            name: i.name,
            email: i.email,
            company: i.company,
            country: i.country,
            phone: i.phone,
            message: i.message,
            locale: i.locale,
            source_url: i.source_url,
            utm: service::Utm {
                source: utm.source,
                medium: utm.medium,
                campaign: utm.campaign,
                term: utm.term,
                content: utm.content,
            },
            form_token: i.form_token,
            honeypot: i.website,
            proof_of_work: i.proof_of_work,
        }
    }
}

/// What the storefront shows the buyer.
#[derive(SimpleObject)]
pub struct SubmittedInquiry {
    /// `INQ-2026-000123`.
    pub reference: String,
    pub received_at: DateTime<Utc>,
}

/// Which inquiries to list.
#[derive(InputObject, Default)]
pub struct InquiryFilter {
    /// Only this status. Absent: every status but SPAM (the spam folder is asked for by name).
    pub status: Option<InquiryStatus>,
    /// Only inquiries asking about this product.
    pub product: Option<ID>,
    /// Only buyers from this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Received at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Received before this time.
    pub to: Option<DateTime<Utc>>,
    /// Text in the name, company or message (ASCII letters in any case).
    pub text: Option<String>,
}

impl From<InquiryFilter> for service::InquiryFilter {
    fn from(f: InquiryFilter) -> Self {
        Self {
            status: f.status.map(Into::into),
            product: f.product.map(|p| p.to_string()),
            country: f.country,
            from: f.from,
            to: f.to,
            text: f.text,
        }
    }
}

/// A CSV file of inquiries.
#[derive(SimpleObject)]
pub struct InquiryExport {
    /// A file name to save it under (`inquiries-valves.example.com-2026-12-01.csv`).
    pub filename: String,
    /// `text/csv; charset=utf-8`.
    pub content_type: String,
    /// The file: UTF-8 starting with a byte-order mark (so Excel reads Chinese correctly),
    /// a header line, one line per inquiry, CRLF line ends. Cells that a spreadsheet would
    /// take for a formula are prefixed with `'`.
    pub csv: String,
    /// Inquiries in it.
    pub rows: u64,
    /// Whether more matched than the 10,000 an export holds (the newest are in it).
    pub truncated: bool,
}
