//! Media storage: one handle over the object store in use, local disk (embedded default, under
//! `data_dir/media`) or S3 and S3-compatible stores (by configuration), both through the
//! `object_store` crate.
//!
//! Links: private S3 objects are reached with S3's own presigned URLs; private local objects
//! with links Wharf signs itself ([`signed::UrlSigner`]) and serves at `/media/{key}`. Public
//! objects (which ones is the services' decision) have stable links: Wharf's `/media/{key}` on
//! either store, or the public base URL plus the key when one is configured.
pub mod signed;

use crate::config::Settings;
use anyhow::Context;
use bytes::Bytes;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::signer::{Method, SignedUrlOptions, Signer};
use object_store::{
    Attribute, AttributeValue, BackoffConfig, ClientOptions, GetOptions, GetRange, GetResult,
    ObjectStore, ObjectStoreExt, PutOptions, RetryConfig,
};
use secrecy::ExposeSecret;
use signed::UrlSigner;
use std::sync::Arc;
use std::time::Duration;

/// The URL path under which Wharf serves (and accepts signed uploads of) local media.
pub const LOCAL_ROUTE: &str = "/media/";

/// The key prefix of direct uploads not yet confirmed. Confirming copies the checked bytes to
/// the final key (the part after this prefix), so a client that still holds the upload URL
/// cannot change a confirmed file. Uploads left here are deleted by the upload sweeper
/// (`jobs::uploads`) once `media_upload_abandon_after_secs` have passed.
pub const INCOMING_PREFIX: &str = "incoming/";

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No object under this key.
    #[error("no such object")]
    NotFound,
    /// The key is not one Wharf would make.
    #[error("invalid object key")]
    InvalidKey,
    /// The store failed, refused the request (credentials) or did not answer.
    #[error("media storage failed: {0}")]
    Unavailable(#[source] object_store::Error),
}

fn classify(err: object_store::Error) -> StorageError {
    match err {
        object_store::Error::NotFound { .. } => StorageError::NotFound,
        object_store::Error::InvalidPath { .. } => StorageError::InvalidKey,
        other => StorageError::Unavailable(other),
    }
}

/// What the store knows of an object.
#[derive(Clone, Debug)]
pub struct ObjectInfo {
    /// Size in bytes.
    pub size: u64,
    /// The store's entity tag, when it has one.
    pub e_tag: Option<String>,
}

/// The headers a stored object is served with. S3 keeps them as object metadata and sends them
/// with every read (presigned or public); local objects get theirs from the media row when
/// Wharf serves them, so they are not stored.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServedAs<'a> {
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `Content-Disposition` (`attachment; filename=…` for files that are not shown inline).
    pub content_disposition: Option<&'a str>,
}

/// A link the client uses directly, with the method it is for.
#[derive(Clone, Debug)]
pub struct SignedLink {
    /// The URL.
    pub url: String,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

enum Backend {
    Local,
    S3(Arc<AmazonS3>),
}

struct Inner {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
    signer: UrlSigner,
    public_base: Option<String>,
    self_base: String,
}

/// The shared storage handle.
#[derive(Clone)]
pub struct Storage(Arc<Inner>);

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.0.store)
    }
}

/// Checks that `key` is one Wharf makes: `/`-separated segments of ASCII letters, digits, `.`,
/// `_` and `-`, none empty or starting with a dot (so no `..`, no hidden files).
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

fn path(key: &str) -> Result<Path, StorageError> {
    if !valid_key(key) {
        return Err(StorageError::InvalidKey);
    }
    Path::parse(key).map_err(|_| StorageError::InvalidKey)
}

impl Storage {
    /// Opens the configured store. `self_base` is this server's URL (for local links);
    /// `secret` keys Wharf's own signatures. Nothing is contacted yet: an unreachable S3 shows
    /// in `/readyz` and in the errors of uploads, not as a failed start.
    pub fn open(settings: &Settings, self_base: &str, secret: &[u8]) -> anyhow::Result<Self> {
        let (store, backend): (Arc<dyn ObjectStore>, Backend) = match &settings.s3_bucket {
            Some(bucket) => {
                let s3 = Arc::new(
                    s3_builder(settings, bucket)
                        .build()
                        .context("configuring S3")?,
                );
                (s3.clone(), Backend::S3(s3))
            }
            None => {
                let root = settings.data_dir.join("media");
                std::fs::create_dir_all(&root)
                    .with_context(|| format!("creating media folder {}", root.display()))?;
                let local = LocalFileSystem::new_with_prefix(&root)
                    .with_context(|| format!("opening media folder {}", root.display()))?;
                (Arc::new(local), Backend::Local)
            }
        };
        Ok(Self(Arc::new(Inner {
            store,
            backend,
            signer: UrlSigner::new(secret),
            public_base: settings
                .media_public_base_url
                .as_ref()
                .map(|b| b.trim_end_matches('/').to_owned()),
            self_base: self_base.trim_end_matches('/').to_owned(),
        })))
    }

    /// Whether objects live on local disk (so Wharf serves them itself).
    pub fn is_local(&self) -> bool {
        matches!(self.0.backend, Backend::Local)
    }

    /// The signer for Wharf's own links and tokens.
    pub fn signer(&self) -> &UrlSigner {
        &self.0.signer
    }

    /// Stores `bytes` under `key`, replacing any object there. With S3 the object carries the
    /// headers of `served`, so the store and any CDN serve it with them; local objects get
    /// theirs from the media row when Wharf serves them.
    pub async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        served: ServedAs<'_>,
    ) -> Result<(), StorageError> {
        let mut options = PutOptions::default();
        if let Backend::S3(_) = &self.0.backend {
            for (attribute, value) in [
                (Attribute::ContentType, served.content_type),
                (Attribute::ContentDisposition, served.content_disposition),
            ] {
                if let Some(value) = value {
                    options
                        .attributes
                        .insert(attribute, AttributeValue::from(value.to_owned()));
                }
            }
        }
        self.0
            .store
            .put_opts(&path(key)?, bytes.into(), options)
            .await
            .map(|_| ())
            .map_err(classify)
    }

    /// Size and entity tag of the object, or `None` when there is none.
    pub async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        match self.0.store.head(&path(key)?).await {
            Ok(meta) => Ok(Some(ObjectInfo {
                size: meta.size,
                e_tag: meta.e_tag,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }

    /// The whole object.
    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        let got = self.0.store.get(&path(key)?).await.map_err(classify)?;
        got.bytes().await.map_err(classify)
    }

    /// The object, or the given byte range of it, as a stream with its metadata.
    pub async fn get_range(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<GetResult, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        self.0
            .store
            .get_opts(&path(key)?, options)
            .await
            .map_err(classify)
    }

    /// Deletes the object; an object that is already gone counts as deleted.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.0.store.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(classify(err)),
        }
    }

    /// A URL the client can `PUT` the object's bytes to until it expires.
    pub async fn upload_link(&self, key: &str, ttl: Duration) -> Result<SignedLink, StorageError> {
        self.link(Method::PUT, key, ttl, None).await
    }

    /// A signed URL that reads the object until `ttl` from now (public objects have
    /// [`stable_url`](Self::stable_url)s). A presigned S3 link also carries `disposition` as a
    /// signed `response-content-disposition`, so S3 answers with it even for objects stored
    /// without that metadata; Wharf's own links need nothing (Wharf sets the header when it
    /// serves the file).
    pub async fn download_url(
        &self,
        key: &str,
        ttl: Duration,
        disposition: Option<&str>,
    ) -> Result<String, StorageError> {
        Ok(self.link(Method::GET, key, ttl, disposition).await?.url)
    }

    async fn link(
        &self,
        method: Method,
        key: &str,
        ttl: Duration,
        disposition: Option<&str>,
    ) -> Result<SignedLink, StorageError> {
        let location = path(key)?;
        let expires_at = chrono::Utc::now()
            + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
        let url = match &self.0.backend {
            Backend::S3(s3) => {
                let mut options = SignedUrlOptions::default();
                if let Some(disposition) = disposition {
                    options = options.with_query([("response-content-disposition", disposition)]);
                }
                s3.signed_url_opts(method, &location, ttl, &options)
                    .await
                    .map_err(classify)?
                    .to_string()
            }
            Backend::Local => {
                let expires = expires_at.timestamp();
                let sig = self.0.signer.sign(method.as_str(), key, expires);
                format!(
                    "{}{LOCAL_ROUTE}{key}?expires={expires}&sig={sig}",
                    self.0.self_base
                )
            }
        };
        Ok(SignedLink { url, expires_at })
    }

    /// This server's own URL as clients reach it (`WHARF_PUBLIC_URL`, else `http://HOST:PORT`),
    /// without a trailing slash: the base of Wharf's own links.
    pub fn self_base(&self) -> &str {
        &self.0.self_base
    }

    /// The stable link of a public object: under the public base URL when one is configured,
    /// else Wharf's own `/media/{key}`, on either store (Wharf then reads the object from S3).
    /// No signature, no expiry: the key never holds other bytes.
    pub fn stable_url(&self, key: &str) -> Result<String, StorageError> {
        path(key)?;
        Ok(match &self.0.public_base {
            Some(base) => format!("{base}/{key}"),
            None => format!("{}{LOCAL_ROUTE}{key}", self.0.self_base),
        })
    }

    /// A link to Wharf's own `/media/{key}`, signed for `GET` until `ttl` from now, on either
    /// store: for what Wharf makes and serves itself (image variants).
    pub fn own_signed_url(&self, key: &str, ttl: Duration) -> Result<String, StorageError> {
        path(key)?;
        let expires = (chrono::Utc::now()
            + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1)))
        .timestamp();
        let sig = self.0.signer.sign("GET", key, expires);
        Ok(format!(
            "{}{LOCAL_ROUTE}{key}?expires={expires}&sig={sig}",
            self.0.self_base
        ))
    }

    /// Whether a signature of Wharf's own is valid now for `GET` on `key` (either store).
    pub fn verify_own(&self, key: &str, expires: i64, sig: &str) -> bool {
        self.0
            .signer
            .verify("GET", key, expires, sig, chrono::Utc::now().timestamp())
    }

    /// Deletes every object whose key starts with `prefix` (a folder: it ends with `/`).
    pub async fn delete_prefix(&self, prefix: &str) -> Result<usize, StorageError> {
        use futures_util::TryStreamExt;
        let folder = prefix.trim_end_matches('/');
        let listed: Vec<_> = self
            .0
            .store
            .list(Some(&path(folder)?))
            .try_collect()
            .await
            .map_err(classify)?;
        for meta in &listed {
            match self.0.store.delete(&meta.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(err) => return Err(classify(err)),
            }
        }
        Ok(listed.len())
    }

    /// Whether a local link's signature is valid now for `method` on `key`.
    pub fn verify_local(&self, method: &str, key: &str, expires: i64, sig: &str) -> bool {
        self.is_local()
            && self
                .0
                .signer
                .verify(method, key, expires, sig, chrono::Utc::now().timestamp())
    }

    /// A cheap reachability check for `/readyz`: a missing object answering "not found" is fine.
    pub async fn ping(&self) -> bool {
        self.head("wharf-readyz-probe").await.is_ok()
    }
}

fn s3_builder(settings: &Settings, bucket: &str) -> AmazonS3Builder {
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_region(&settings.s3_region)
        .with_virtual_hosted_style_request(!settings.s3_path_style)
        // Fail fast when the store is down: an upload answers with a clear error within seconds
        // instead of retrying for minutes; deletes are retried by the outbox anyway.
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(1),
                base: 2.0,
            },
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
        })
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(3))
                .with_timeout(Duration::from_secs(60)),
        );
    if let Some(endpoint) = &settings.s3_endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let (Some(key), Some(secret)) = (&settings.s3_access_key_id, &settings.s3_secret_access_key)
    {
        builder = builder
            .with_access_key_id(key)
            .with_secret_access_key(secret.expose_secret());
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_with_traversal_or_odd_characters_are_invalid() {
        assert!(valid_key("0b1c/8f2e/photo.jpg"));
        for bad in [
            "",
            "../etc/passwd",
            "a/../b",
            "a//b",
            "/a",
            "a/.hidden",
            "a\\b",
            "a b",
            "a/%2e%2e",
            "é",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }
}
