//! Direct uploads: the client sends the bytes to the store itself (an S3 presigned URL, or
//! Wharf's signed local link) under an `incoming/` key, then confirms with a sealed ticket.
//! Asking for the URL records the upload ([`pending`](super::pending)); confirming checks the
//! object (exists, exactly the announced size, sniffed type against the announced one), writes
//! the checked bytes under the final key and removes the upload, so a URL that is still valid
//! cannot swap a confirmed file. A refused file is deleted and spends its ticket.
use super::disposition::content_disposition;
use super::inspect::{inspect, normalize_type, sanitize_filename, too_large};
use super::pending::{self, incoming_key};
use super::{clean_alt, discard, find_by_key, new_key, record, storage_failed};
use crate::auth::Principal;
use crate::config::Settings;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{authz, begin_write, now, site};
use crate::storage::{INCOMING_PREFIX, ServedAs, Storage};
use chrono::{DateTime, Utc};
use entities::{media, media_upload};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionSession, TransactionTrait};
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

/// What a sealed ticket holds: the upload's ID and when the ticket expires.
#[derive(Serialize, Deserialize)]
struct Ticket {
    i: Uuid,
    e: i64,
}

/// Prepares a direct upload: records it, and returns a signed PUT URL for a new key and a
/// ticket to confirm it with.
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
            .because(Reason::Empty)
    })?;
    if !settings.media_allowed_types.contains(&declared) {
        return Err(AppError::bad_input(
            "contentType",
            format!(
                "files of type {declared} are not allowed; allowed types: {}",
                settings.media_allowed_types.join(", ")
            ),
        )
        .because(Reason::FileTypeNotAllowed)
        .with("type", declared)
        .with("allowed", settings.media_allowed_types.join(", ")));
    }
    if request.size <= 0 {
        return Err(AppError::bad_input("size", "size must be positive").because(Reason::FileEmpty));
    }
    if usize::try_from(request.size).map_or(true, |s| s > settings.media_max_bytes) {
        return Err(too_large(settings.media_max_bytes).at("size"));
    }
    let id = Uuid::now_v7();
    let key = new_key(site.id, id, &filename);
    let ttl = Duration::from_secs(settings.media_upload_ttl_secs);
    let link = storage
        .upload_link(&format!("{INCOMING_PREFIX}{key}"), ttl)
        .await
        .map_err(storage_failed)?;
    media_upload::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        uploader_id: Set(uploader),
        storage_key: Set(key.clone()),
        filename: Set(filename),
        content_type: Set(declared),
        size_bytes: Set(request.size),
        created_at: Set(now()),
        confirmed_at: Set(None),
        claim_id: Set(None),
        claimed_until: Set(None),
    }
    .insert(db)
    .await?;
    let ticket = Ticket {
        i: id,
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

/// Records a direct upload after checking the stored object: it exists, it has exactly the
/// size announced, and its bytes are an allowed type matching the announced one. Accepted
/// bytes are written to the final key and the uploaded object is removed; a refused object is
/// deleted and the ticket spent. An upload already swept answers `NOT_FOUND`.
pub async fn confirm_upload(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &Storage,
    images: &super::Images,
    settings: &Settings,
    principal: &Principal,
    token: &str,
    alt: Option<String>,
) -> AppResult<media::Model> {
    let bad_token = || {
        AppError::bad_input("token", "this upload ticket is not valid")
            .because(Reason::UploadInvalid)
    };
    let payload = storage.signer().open(token).ok_or_else(bad_token)?;
    let ticket: Ticket = serde_json::from_slice(&payload).map_err(|_| bad_token())?;
    if ticket.e <= Utc::now().timestamp() {
        return Err(AppError::bad_input(
            "token",
            "this upload ticket has expired; ask for a new upload URL",
        )
        .because(Reason::UploadExpired));
    }
    let upload = pending::find(db, ticket.i)
        .await?
        .ok_or_else(pending::gone)?;
    let uploader = authz::require_content_writer(db, principal, upload.site_id).await?;
    if uploader != upload.uploader_id {
        return Err(AppError::forbidden(
            "only the user who asked for the upload URL may confirm it",
        )
        .because(Reason::NotYourUpload));
    }
    let alt = clean_alt(alt)?;
    if upload.confirmed_at.is_some() || find_by_key(db, &upload.storage_key).await?.is_some() {
        return Err(pending::already_confirmed());
    }
    let claim = pending::claim(db, upload.id).await?;
    let found = check_and_record(
        db,
        (storage, images),
        settings,
        &upload,
        claim,
        uploader,
        alt,
    );
    match found.await {
        Ok(recorded) => Ok(recorded),
        Err(Outcome::Retry(err)) => {
            pending::release(db, upload.id, claim).await;
            Err(err)
        }
        Err(Outcome::Refused(err)) => {
            discard(db, storage, &incoming_key(&upload)).await;
            pending::forget(db, upload.id, claim).await;
            Err(err)
        }
        Err(Outcome::Lost(err)) => Err(err),
    }
}

/// Why a claimed confirmation did not record the file, and what becomes of the upload.
enum Outcome {
    /// Not the file's fault (nothing uploaded yet, the store unreachable): the upload stays and
    /// may be confirmed again.
    Retry(AppError),
    /// The file is refused: it is deleted and the upload forgotten.
    Refused(AppError),
    /// The claim was lost (its lease ran out and the upload was swept or taken meanwhile).
    Lost(AppError),
}

async fn check_and_record(
    db: &(impl ConnectionTrait + TransactionTrait),
    (storage, images): (&Storage, &super::Images),
    settings: &Settings,
    upload: &media_upload::Model,
    claim: Uuid,
    uploader: Uuid,
    alt: Option<String>,
) -> Result<media::Model, Outcome> {
    let incoming = incoming_key(upload);
    let info = storage
        .head(&incoming)
        .await
        .map_err(|e| Outcome::Retry(storage_failed(e)))?
        .ok_or_else(|| {
            Outcome::Retry(
                AppError::bad_input("token", "nothing has been uploaded to this URL")
                    .because(Reason::NothingUploaded),
            )
        })?;
    let announced = u64::try_from(upload.size_bytes).unwrap_or(0);
    if info.size != announced {
        return Err(Outcome::Refused(size_mismatch(info.size, announced)));
    }
    let bytes = storage
        .get(&incoming)
        .await
        .map_err(|e| Outcome::Retry(storage_failed(e)))?;
    // The object may have been replaced between the two reads; what counts is what was read.
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size != announced {
        return Err(Outcome::Refused(size_mismatch(size, announced)));
    }
    let found = inspect(
        &bytes,
        Some(&upload.content_type),
        settings.media_max_bytes,
        &settings.media_allowed_types,
    )
    .map_err(Outcome::Refused)?;
    let disposition = content_disposition(&found.content_type, &upload.filename);
    let served = ServedAs {
        content_type: Some(&found.content_type),
        content_disposition: disposition.as_deref(),
    };
    let facts = super::image_facts(images, &found, &bytes).await;
    // The bytes just checked, not whatever the upload key holds by now.
    storage
        .put(&upload.storage_key, bytes, served)
        .await
        .map_err(|e| Outcome::Retry(storage_failed(e)))?;
    let row = media::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(upload.site_id),
        uploader_id: Set(Some(uploader)),
        storage_key: Set(upload.storage_key.clone()),
        filename: Set(upload.filename.clone()),
        content_type: Set(found.content_type),
        size_bytes: Set(upload.size_bytes),
        sha256: Set(found.sha256),
        width: Set(facts.width),
        height: Set(facts.height),
        alt: Set(alt),
        created_at: Set(now()),
        public: Set(false),
        blurhash: Set(facts.blurhash),
        dominant_color: Set(facts.dominant_color),
    };
    let txn = begin_write(db)
        .await
        .map_err(|e| Outcome::Retry(e.into()))?;
    match pending::complete(&txn, upload.id, claim).await {
        Ok(true) => {}
        Ok(false) => {
            drop(txn);
            return Err(Outcome::Lost(lost_claim(db, storage, upload).await));
        }
        Err(err) => return Err(Outcome::Retry(err)),
    }
    let recorded = record(&txn, storage, row, &upload.storage_key)
        .await
        .map_err(Outcome::Retry)?;
    txn.commit().await.map_err(|e| Outcome::Retry(e.into()))?;
    discard(db, storage, &incoming).await;
    Ok(recorded)
}

/// After a confirmation lost its claim: the final object it wrote stays only if the upload is
/// still there (whoever holds it now writes the same key); a swept upload leaves nothing.
async fn lost_claim(
    db: &impl ConnectionTrait,
    storage: &Storage,
    upload: &media_upload::Model,
) -> AppError {
    match pending::find(db, upload.id).await {
        Ok(Some(current)) if current.confirmed_at.is_some() => pending::already_confirmed(),
        Ok(Some(_)) => pending::in_progress(),
        Ok(None) => {
            discard(db, storage, &upload.storage_key).await;
            pending::gone()
        }
        Err(err) => err,
    }
}

/// The refusal of an object whose size is not the one announced.
fn size_mismatch(stored: u64, announced: u64) -> AppError {
    AppError::bad_input(
        "size",
        format!(
            "the uploaded file is {stored} bytes but {announced} bytes were announced; it was deleted, ask for a new upload URL"
        ),
    )
    .because(Reason::SizeMismatch)
    .with("bytes", stored)
    .with("expectedBytes", announced)
}
