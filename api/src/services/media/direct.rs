//! Direct uploads: the client sends the bytes to the store itself (an S3 presigned URL, or
//! Wharf's signed local link) under an `incoming/` key, then confirms with a sealed ticket.
//! Confirming checks the object (exists, size, sniffed type against the announced one), writes
//! the checked bytes under the final key and removes the upload, so a URL that is still valid
//! cannot swap a confirmed file.
use super::disposition::content_disposition;
use super::inspect::{inspect, normalize_type, sanitize_filename, too_large};
use super::{clean_alt, discard, find_by_key, new_key, record, storage_failed};
use crate::auth::Principal;
use crate::config::Settings;
use crate::error::{AppError, AppResult};
use crate::services::{authz, now, site};
use crate::storage::{INCOMING_PREFIX, ServedAs, Storage};
use chrono::{DateTime, Utc};
use entities::media;
use sea_orm::{ConnectionTrait, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// A direct upload to prepare.
pub struct UploadRequest {
    /// The site, by ID or domain.
    pub site: String,
    /// The filename to record.
    pub filename: String,
    /// The media type the client will send.
    pub content_type: String,
    /// The size the client will send, in bytes.
    pub size: i64,
}

/// Where and until when to PUT a direct upload, and the ticket that confirms it.
pub struct UploadTicket {
    /// The URL to PUT the bytes to.
    pub url: String,
    /// The key the object will have.
    pub key: String,
    /// Headers the PUT must carry.
    pub headers: Vec<(String, String)>,
    /// When the URL and the ticket expire.
    pub expires_at: DateTime<Utc>,
    /// The sealed ticket for `confirmUpload`.
    pub token: String,
}

/// What a sealed ticket holds.
#[derive(Serialize, Deserialize)]
struct Ticket {
    s: Uuid,
    k: String,
    f: String,
    t: String,
    u: Uuid,
    e: i64,
}

/// Prepares a direct upload: a signed PUT URL for a new key, and a ticket to confirm it with.
pub async fn create_upload_url(
    db: &impl ConnectionTrait,
    storage: &Storage,
    settings: &Settings,
    principal: &Principal,
    request: UploadRequest,
) -> AppResult<UploadTicket> {
    let site = site::find_site(db, "site", &request.site).await?;
    let uploader = authz::require_content_writer(db, principal, site.id).await?;
    let filename = sanitize_filename(&request.filename);
    let declared = normalize_type(Some(&request.content_type)).ok_or_else(|| {
        AppError::bad_input("contentType", "give the media type of the file to upload")
    })?;
    if !settings.media_allowed_types.contains(&declared) {
        return Err(AppError::bad_input(
            "contentType",
            format!(
                "files of type {declared} are not allowed; allowed types: {}",
                settings.media_allowed_types.join(", ")
            ),
        ));
    }
    if request.size <= 0 {
        return Err(AppError::bad_input("size", "size must be positive"));
    }
    if usize::try_from(request.size).map_or(true, |s| s > settings.media_max_bytes) {
        return Err(too_large(settings.media_max_bytes).at("size"));
    }
    let key = new_key(site.id, Uuid::now_v7(), &filename);
    let incoming = format!("{INCOMING_PREFIX}{key}");
    let ttl = Duration::from_secs(settings.media_upload_ttl_secs);
    let link = storage
        .upload_link(&incoming, ttl)
        .await
        .map_err(storage_failed)?;
    let ticket = Ticket {
        s: site.id,
        k: key.clone(),
        f: filename,
        t: declared,
        u: uploader,
        e: link.expires_at.timestamp(),
    };
    let payload = serde_json::to_vec(&ticket).map_err(AppError::internal)?;
    Ok(UploadTicket {
        url: link.url,
        key,
        headers: Vec::new(),
        expires_at: link.expires_at,
        token: storage.signer().seal(&payload),
    })
}

/// Records a direct upload after checking the stored object: it exists, its size is within the
/// limit, and its bytes are an allowed type matching the announced one. Accepted bytes are
/// written to the final key and the uploaded object is removed; a refused object is deleted.
pub async fn confirm_upload(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &Storage,
    settings: &Settings,
    principal: &Principal,
    token: &str,
    alt: Option<String>,
) -> AppResult<media::Model> {
    let bad_token = || AppError::bad_input("token", "this upload ticket is not valid");
    let payload = storage.signer().open(token).ok_or_else(bad_token)?;
    let ticket: Ticket = serde_json::from_slice(&payload).map_err(|_| bad_token())?;
    if ticket.e <= Utc::now().timestamp() {
        return Err(AppError::bad_input(
            "token",
            "this upload ticket has expired; ask for a new upload URL",
        ));
    }
    let uploader = authz::require_content_writer(db, principal, ticket.s).await?;
    if uploader != ticket.u {
        return Err(AppError::forbidden(
            "only the user who asked for the upload URL may confirm it",
        ));
    }
    let alt = clean_alt(alt)?;
    if find_by_key(db, &ticket.k).await?.is_some() {
        return Err(AppError::conflict(
            "token",
            "this upload is already confirmed",
        ));
    }
    let incoming = format!("{INCOMING_PREFIX}{}", ticket.k);
    let info = storage
        .head(&incoming)
        .await
        .map_err(storage_failed)?
        .ok_or_else(|| AppError::bad_input("token", "nothing has been uploaded to this URL"))?;
    if usize::try_from(info.size).map_or(true, |s| s > settings.media_max_bytes) {
        discard(db, storage, &incoming).await;
        return Err(too_large(settings.media_max_bytes));
    }
    let bytes = storage.get(&incoming).await.map_err(storage_failed)?;
    let found = match inspect(
        &bytes,
        Some(&ticket.t),
        settings.media_max_bytes,
        &settings.media_allowed_types,
    ) {
        Ok(found) => found,
        Err(err) => {
            discard(db, storage, &incoming).await;
            return Err(err);
        }
    };
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let disposition = content_disposition(&found.content_type, &ticket.f);
    let served = ServedAs {
        content_type: Some(&found.content_type),
        content_disposition: disposition.as_deref(),
    };
    // The bytes just checked, not whatever the upload key holds by now.
    storage
        .put(&ticket.k, bytes, served)
        .await
        .map_err(storage_failed)?;
    let row = media::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(ticket.s),
        uploader_id: Set(Some(uploader)),
        storage_key: Set(ticket.k.clone()),
        filename: Set(ticket.f),
        content_type: Set(found.content_type),
        size_bytes: Set(size),
        sha256: Set(found.sha256),
        width: Set(found.width),
        height: Set(found.height),
        alt: Set(alt),
        created_at: Set(now()),
    };
    let recorded = record(db, storage, row, &ticket.k).await;
    discard(db, storage, &incoming).await;
    recorded
}
