//! Buyer inquiries as the API shows them, and the inputs of the form and the inbox.
use super::product::Product;
use super::site::Site;
use super::user::User;
use super::{site_of, to_id, user_of};
use crate::graphql::context::{principal, state};
use crate::services::inquiry as service;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::inquiry::{self as row, InquiryStatus as DbStatus};
use entities::inquiry_event::{self, InquiryEventKind as DbKind};
use entities::inquiry_item;

/// A buyer's inquiry, as the site's members see it; a listed page brings its products and
/// histories, read for the whole page at once.
pub struct Inquiry {
    /// The row.
    pub row: row::Model,
    /// Its products, when the page read them.
    pub items: Option<Vec<inquiry_item::Model>>,
    /// Its history, when the page read it.
    pub history: Option<Vec<inquiry_event::Model>>,
}

impl Inquiry {
    /// An inquiry whose products and history are read when asked for.
    pub fn new(row: row::Model) -> Self {
        Self {
            row,
            items: None,
            history: None,
        }
    }
}

/// Where an inquiry is in the sales team's hands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum InquiryStatus {
    /// Arrived; nobody has looked at it yet.
    New,
    /// Someone is on it.
    Open,
    /// The buyer was answered.
    Replied,
    /// Done.
    Closed,
    /// In the spam folder (see `spamReasons`).
    Spam,
}

impl From<DbStatus> for InquiryStatus {
    fn from(s: DbStatus) -> Self {
        match s {
            DbStatus::New => Self::New,
            DbStatus::Open => Self::Open,
            DbStatus::Replied => Self::Replied,
            DbStatus::Closed => Self::Closed,
            DbStatus::Spam => Self::Spam,
        }
    }
}

impl From<InquiryStatus> for DbStatus {
    fn from(s: InquiryStatus) -> Self {
        match s {
            InquiryStatus::New => Self::New,
            InquiryStatus::Open => Self::Open,
            InquiryStatus::Replied => Self::Replied,
            InquiryStatus::Closed => Self::Closed,
            InquiryStatus::Spam => Self::Spam,
        }
    }
}

/// Campaign parameters of the page an inquiry was sent from.
#[derive(SimpleObject, InputObject, Default, Clone)]
#[graphql(input_name = "UtmInput")]
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

#[Object]
impl Inquiry {
    async fn id(&self) -> ID {
        to_id(self.row.id)
    }

    /// `INQ-2026-000123`: numbered per site and year; what the buyer was shown.
    async fn reference(&self) -> &str {
        &self.row.reference
    }

    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        site_of(ctx, self.row.site_id).await
    }

    async fn status(&self) -> InquiryStatus {
        self.row.status.into()
    }

    /// Why it went to the spam folder: `honeypot`, `token_missing`, `token_invalid`,
    /// `token_too_young`, `token_too_old`, `token_reused`, `too_many_links`, `repeated_text`,
    /// `duplicate`, `blocked_sender`, `rate_limit_ip`, `rate_limit_email`, `proof_of_work`,
    /// `marked_by_member`.
    /// Kept when it is taken out of the folder. Empty for inquiries never suspected.
    async fn spam_reasons(&self) -> Vec<String> {
        service::spam_reasons(&self.row)
    }

    async fn name(&self) -> &str {
        &self.row.name
    }

    /// Lowercased.
    async fn email(&self) -> &str {
        &self.row.email
    }

    async fn company(&self) -> Option<&str> {
        self.row.company.as_deref()
    }

    /// ISO 3166-1 alpha-2.
    async fn country(&self) -> &str {
        &self.row.country
    }

    /// E.164.
    async fn phone(&self) -> Option<&str> {
        self.row.phone.as_deref()
    }

    async fn message(&self) -> &str {
        &self.row.message
    }

    /// The storefront's locale.
    async fn locale(&self) -> Option<&str> {
        self.row.locale.as_deref()
    }

    /// The page it was sent from.
    async fn source_url(&self) -> Option<&str> {
        self.row.source_url.as_deref()
    }

    async fn utm(&self) -> Utm {
        Utm {
            source: self.row.utm_source.clone(),
            medium: self.row.utm_medium.clone(),
            campaign: self.row.utm_campaign.clone(),
            term: self.row.utm_term.clone(),
            content: self.row.utm_content.clone(),
        }
    }

    /// The member handling it.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.row.assignee_id).await
    }

    /// The products asked about, in the buyer's order.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InquiryItem>> {
        let items = match &self.items {
            Some(items) => items.clone(),
            None => service::items_of(&state(ctx)?.db, self.row.id).await?,
        };
        Ok(items.into_iter().map(InquiryItem).collect())
    }

    /// Arrival, status changes, assignments and notes, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InquiryEvent>> {
        let history = match &self.history {
            Some(history) => history.clone(),
            None => service::events_of(&state(ctx)?.db, self.row.id).await?,
        };
        Ok(history.into_iter().map(InquiryEvent).collect())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

/// A product asked about, with the quantity.
pub struct InquiryItem(pub inquiry_item::Model);

#[Object]
impl InquiryItem {
    /// The product, while it exists and the caller may see it.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let Some(id) = self.0.product_id else {
            return Ok(None);
        };
        Ok(
            crate::services::product::get_product(&state(ctx)?.db, principal(ctx), id)
                .await?
                .map(Product),
        )
    }

    /// The product's name when the inquiry arrived.
    async fn product_name(&self) -> &str {
        &self.0.product_name
    }

    async fn quantity(&self) -> i64 {
        self.0.quantity
    }
}

/// What happened to an inquiry.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum InquiryEventKind {
    /// It arrived (`toStatus`: new, or spam).
    Received,
    /// Its status changed (`fromStatus` → `toStatus`).
    Status,
    /// It was assigned to `assignee` (none: unassigned).
    Assigned,
    /// An internal note.
    Note,
}

/// One entry of an inquiry's history.
pub struct InquiryEvent(pub inquiry_event::Model);

#[Object]
impl InquiryEvent {
    async fn kind(&self) -> InquiryEventKind {
        match self.0.kind {
            DbKind::Received => InquiryEventKind::Received,
            DbKind::Status => InquiryEventKind::Status,
            DbKind::Assigned => InquiryEventKind::Assigned,
            DbKind::Note => InquiryEventKind::Note,
        }
    }

    async fn from_status(&self) -> Option<InquiryStatus> {
        self.0.from_status.map(Into::into)
    }

    async fn to_status(&self) -> Option<InquiryStatus> {
        self.0.to_status.map(Into::into)
    }

    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.assignee_id).await
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Who did it; null for the buyer's submission.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.actor_id).await
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
