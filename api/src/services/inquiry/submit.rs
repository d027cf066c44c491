//! A buyer's submission: every field checked (BAD_USER_INPUT naming the field, nothing stored),
//! the spam signals weighed, and the inquiry stored in its own transaction with its reference,
//! its items, its first history entry and, unless it is spam, the `inquiry.received` event in
//! the outbox. Suspected spam is stored too, with its reasons; it is never dropped, and the
//! submitter gets the same answer either way.
use super::events::inquiry_received;
use super::form::FormKeys;
use super::spam::{self, reasons};
use crate::config::Settings;
use crate::error::{AppError, AppResult};
use crate::services::site::find_site;
use crate::services::{begin_write, now};
use chrono::{DateTime, Datelike, Duration, Utc};
use entities::inquiry::{self, InquiryStatus};
use entities::inquiry_event::{self, InquiryEventKind};
use entities::{inquiry_blocked_sender, inquiry_form_token, inquiry_item};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, Statement, TransactionSession, TransactionTrait,
};
use std::net::IpAddr;
use uuid::Uuid;

use super::input::{Checked, NewInquiry, check};

/// What the submission needs besides the input: keys, limits and the sender's address.
pub struct Sender<'a> {
    /// Token and IP-hash keys.
    pub keys: &'a FormKeys,
    /// The limits (`inquiry_*` settings).
    pub settings: &'a Settings,
    /// The client address, when known.
    pub ip: Option<IpAddr>,
}

/// The token's verdict: the reason it makes the inquiry spam, or the nonce hash to spend and
/// whether the token's proof of work (if it asks for one) was done.
fn judge_token(
    sender: &Sender<'_>,
    site_id: Uuid,
    token: Option<&str>,
    proof: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(String, bool), &'static str> {
    let token = match token.map(str::trim) {
        None | Some("") => return Err(reasons::TOKEN_MISSING),
        Some(t) => t,
    };
    let opened = sender
        .keys
        .open(token)
        .filter(|t| t.site_id == site_id)
        .ok_or(reasons::TOKEN_INVALID)?;
    let age = at - opened.issued_at;
    let s = sender.settings;
    if age < Duration::seconds(i64::try_from(s.inquiry_token_min_age_secs).unwrap_or(i64::MAX)) {
        return Err(reasons::TOKEN_TOO_YOUNG);
    }
    if age > Duration::seconds(i64::try_from(s.inquiry_token_max_age_secs).unwrap_or(i64::MAX)) {
        return Err(reasons::TOKEN_TOO_OLD);
    }
    let worked = opened.pow_bits == 0
        || proof.is_some_and(|p| super::form::proof_of_work_holds(token, p, opened.pow_bits));
    Ok((opened.nonce_hash, worked))
}

/// Inquiries of the site matching `filter` since `since`.
async fn recent(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    since: DateTime<Utc>,
    filter: sea_orm::Condition,
) -> AppResult<u64> {
    Ok(inquiry::Entity::find()
        .filter(inquiry::Column::SiteId.eq(site_id))
        .filter(inquiry::Column::CreatedAt.gt(since))
        .filter(filter)
        .count(db)
        .await?)
}

/// The signals that need the stored inquiries: duplicates, rate limits, blocked senders.
async fn stored_signals(
    db: &impl ConnectionTrait,
    settings: &Settings,
    site_id: Uuid,
    c: &Checked,
    ip_hash: Option<&str>,
    message_hash: &str,
    at: DateTime<Utc>,
) -> AppResult<Vec<&'static str>> {
    let mut found = Vec::new();
    let blocked = inquiry_blocked_sender::Entity::find_by_id((site_id, c.email.clone()))
        .one(db)
        .await?;
    if blocked.is_some() {
        found.push(reasons::BLOCKED_SENDER);
    }
    let window = Duration::seconds(
        i64::try_from(settings.inquiry_duplicate_window_secs).unwrap_or(i64::MAX / 2),
    );
    let same = sea_orm::Condition::all()
        .add(inquiry::Column::Email.eq(c.email.as_str()))
        .add(inquiry::Column::MessageHash.eq(message_hash));
    if window > Duration::zero() && recent(db, site_id, at - window, same).await? > 0 {
        found.push(reasons::DUPLICATE);
    }
    let hour = at - Duration::hours(1);
    if let Some(ip_hash) = ip_hash
        && settings.inquiry_ip_per_hour > 0
        && recent(
            db,
            site_id,
            hour,
            sea_orm::Condition::all().add(inquiry::Column::IpHash.eq(ip_hash)),
        )
        .await?
            >= u64::from(settings.inquiry_ip_per_hour)
    {
        found.push(reasons::RATE_LIMIT_IP);
    }
    if settings.inquiry_email_per_hour > 0
        && recent(
            db,
            site_id,
            hour,
            sea_orm::Condition::all().add(inquiry::Column::Email.eq(c.email.as_str())),
        )
        .await?
            >= u64::from(settings.inquiry_email_per_hour)
    {
        found.push(reasons::RATE_LIMIT_EMAIL);
    }
    Ok(found)
}

/// Spends a form token: false when it was spent before (a replay).
async fn spend_token(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    nonce_hash: &str,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let row = inquiry_form_token::ActiveModel {
        token_hash: Set(nonce_hash.to_owned()),
        site_id: Set(site_id),
        used_at: Set(at),
    };
    let inserted = inquiry_form_token::Entity::insert(row)
        .on_conflict(
            OnConflict::column(inquiry_form_token::Column::TokenHash)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// The next reference of `site_id` in `year`: `INQ-2026-000123`.
async fn next_reference(db: &impl ConnectionTrait, site_id: Uuid, year: i32) -> AppResult<String> {
    let backend = db.get_database_backend();
    let (a, b) = if backend == DbBackend::Postgres {
        ("$1", "$2")
    } else {
        ("?", "?")
    };
    let sql = format!(
        "INSERT INTO inquiry_counters (site_id, year, last_number) VALUES ({a}, {b}, 1) \
         ON CONFLICT (site_id, year) DO UPDATE SET last_number = inquiry_counters.last_number + 1 \
         RETURNING last_number"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [site_id.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the counter returned no row")))?;
    let n: i64 = row.try_get("", "last_number")?;
    Ok(format!("INQ-{year}-{n:06}"))
}

/// Takes a buyer's inquiry (no sign-in). Returns the stored inquiry; the caller shows only its
/// reference, so a sender never learns whether it was taken for spam.
pub async fn submit_inquiry(
    db: &(impl ConnectionTrait + TransactionTrait),
    sender: &Sender<'_>,
    input: NewInquiry,
) -> AppResult<inquiry::Model> {
    let site = find_site(db, "site", &input.site).await?;
    let c = check(db, site.id, &input).await?;
    let at = now();
    let mut spam_reasons: Vec<&'static str> = Vec::new();
    if input
        .honeypot
        .as_deref()
        .is_some_and(|h| !h.trim().is_empty())
    {
        spam_reasons.push(reasons::HONEYPOT);
    }
    let verdict = judge_token(
        sender,
        site.id,
        input.form_token.as_deref(),
        input.proof_of_work.as_deref(),
        at,
    );
    let nonce = match verdict {
        Ok((nonce, worked)) => {
            if !worked {
                spam_reasons.push(reasons::PROOF_OF_WORK);
            }
            Some(nonce)
        }
        Err(reason) => {
            spam_reasons.push(reason);
            None
        }
    };
    let texts = [
        c.name.as_str(),
        c.company.as_deref().unwrap_or(""),
        c.message.as_str(),
    ];
    if spam::count_links(&texts) > sender.settings.inquiry_max_links as usize {
        spam_reasons.push(reasons::TOO_MANY_LINKS);
    }
    if spam::is_repetitive(&c.message) {
        spam_reasons.push(reasons::REPEATED_TEXT);
    }
    let message_hash = spam::message_hash(&c.message);
    let ip_hash = sender.ip.map(|ip| sender.keys.ip_hash(site.id, ip));

    let txn = begin_write(db).await?;
    if let Some(nonce) = &nonce
        && !spend_token(&txn, site.id, nonce, at).await?
    {
        spam_reasons.push(reasons::TOKEN_REUSED);
    }
    spam_reasons.extend(
        stored_signals(
            &txn,
            sender.settings,
            site.id,
            &c,
            ip_hash.as_deref(),
            &message_hash,
            at,
        )
        .await?,
    );
    let status = if spam_reasons.is_empty() {
        InquiryStatus::New
    } else {
        InquiryStatus::Spam
    };
    let reference = next_reference(&txn, site.id, at.year()).await?;
    let [utm_source, utm_medium, utm_campaign, utm_term, utm_content] = c.utm;
    let stored = inquiry::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        reference: Set(reference),
        status: Set(status),
        spam_reasons: Set(serde_json::json!(spam_reasons)),
        name: Set(c.name),
        email: Set(c.email),
        company: Set(c.company),
        country: Set(c.country),
        phone: Set(c.phone),
        message: Set(c.message),
        locale: Set(c.locale),
        source_url: Set(c.source_url),
        utm_source: Set(utm_source),
        utm_medium: Set(utm_medium),
        utm_campaign: Set(utm_campaign),
        utm_term: Set(utm_term),
        utm_content: Set(utm_content),
        ip_hash: Set(ip_hash),
        message_hash: Set(message_hash),
        assignee_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    let mut items = Vec::with_capacity(c.items.len());
    for (position, (product, quantity)) in c.items.into_iter().enumerate() {
        items.push(
            inquiry_item::ActiveModel {
                inquiry_id: Set(stored.id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                product_id: Set(Some(product.id)),
                product_name: Set(product.name),
                quantity: Set(quantity),
            }
            .insert(&txn)
            .await?,
        );
    }
    inquiry_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        inquiry_id: Set(stored.id),
        kind: Set(InquiryEventKind::Received),
        from_status: Set(None),
        to_status: Set(Some(status)),
        assignee_id: Set(None),
        note: Set(None),
        actor_id: Set(None),
        created_at: Set(at),
    }
    .insert(&txn)
    .await?;
    if status != InquiryStatus::Spam {
        inquiry_received(&txn, &stored, &items).await?;
    }
    txn.commit().await?;
    Ok(stored)
}
