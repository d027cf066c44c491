//! A buyer's inquiry to a site, kept whatever its spam score (spam has `status = Spam` and the
//! reasons), until a member erases it or the retention purge removes it.
use sea_orm::entity::prelude::*;

/// Where an inquiry is in the sales team's hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InquiryStatus {
    /// Arrived; nobody has looked at it yet.
    #[sea_orm(string_value = "new")]
    New,
    /// Someone is on it.
    #[sea_orm(string_value = "open")]
    Open,
    /// The buyer was answered.
    #[sea_orm(string_value = "replied")]
    Replied,
    /// Done.
    #[sea_orm(string_value = "closed")]
    Closed,
    /// Suspected or confirmed spam (the spam folder).
    #[sea_orm(string_value = "spam")]
    Spam,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    /// `INQ-2026-000123`, unique per site.
    pub reference: String,
    pub status: InquiryStatus,
    /// Why it was put in the spam folder (`honeypot`, `token_too_young`, …), as a JSON array.
    pub spam_reasons: Json,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Lowercased.
    pub email: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub company: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// E.164 (`+4940123456`).
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub locale: Option<String>,
    /// The page the inquiry was sent from.
    #[sea_orm(column_type = "Text", nullable)]
    pub source_url: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    /// Keyed hash (HMAC-SHA256, hex) of the sender's IP address; never the address itself.
    pub ip_hash: Option<String>,
    /// SHA-256 (hex) of the normalized message, for duplicate detection.
    pub message_hash: String,
    /// The member handling it.
    pub assignee_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
