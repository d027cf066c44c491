//! The image work of one instance: at most `media_image_concurrency` decodes at once (uploads'
//! placeholders and variants share the gate, so memory stays bounded whatever the traffic),
//! each within the decode limits and, for variants, `media_variant_timeout_ms`; and one making
//! of each variant at a time (single flight: concurrent first requests for a variant wait for
//! the one that makes it, then read it from the store).
//!
//! Across instances there is no lock: two instances asked for the same new variant at the
//! same moment may both make it; both write the same bytes to the same key (the encoders are
//! deterministic), so the result is one object either way.
use crate::config::Settings;
use crate::imaging::{self, DecodeLimits, Encoding, ImageError, placeholder::Placeholders};
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::Semaphore;

/// What decoding an upload found: its displayed size (EXIF orientation applied) and its
/// placeholders.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// Width as shown.
    pub width: u32,
    /// Height as shown.
    pub height: u32,
    /// BlurHash and dominant colour.
    pub placeholders: Option<Placeholders>,
}

/// The shared image machinery of an instance.
pub struct Images {
    gate: Arc<Semaphore>,
    flights: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    limits: DecodeLimits,
    encoding: Encoding,
    timeout: Duration,
    made: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Images(..)")
    }
}

/// Why an image job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The image itself.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// It took longer than `media_variant_timeout_ms`.
    #[error("making the image took too long")]
    TimedOut,
    /// The blocking thread failed (a panic in a codec).
    #[error("the image worker failed: {0}")]
    Worker(String),
}

impl Images {
    /// The machinery the settings describe.
    pub fn new(settings: &Settings) -> Self {
        Self {
            gate: Arc::new(Semaphore::new(settings.media_image_concurrency)),
            flights: Mutex::new(HashMap::new()),
            limits: DecodeLimits {
                max_pixels: settings.media_image_max_pixels,
                max_bytes: settings.media_image_max_decode_bytes,
            },
            encoding: Encoding {
                quality: settings.media_variant_quality,
                avif_quality: settings.media_variant_avif_quality,
                avif_speed: settings.media_variant_avif_speed,
            },
            timeout: Duration::from_millis(settings.media_variant_timeout_ms),
            made: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The decode limits.
    pub fn limits(&self) -> DecodeLimits {
        self.limits
    }

    /// Variants this instance has made since it started.
    pub fn variants_made(&self) -> u64 {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `work` on a blocking thread once the gate lets it, within the time limit. The
    /// permit goes with the thread: a job that times out still holds it until it ends, so the
    /// gate bounds what runs, not only what is waited for.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ImageError> + Send + 'static,
    ) -> Result<T, WorkError> {
        let gate = self.gate.clone();
        let job = async move {
            let permit = gate
                .acquire_owned()
                .await
                .map_err(|e| WorkError::Worker(e.to_string()))?;
            tokio::task::spawn_blocking(move || {
                let result = work();
                drop(permit);
                result
            })
            .await
            .map_err(|e| WorkError::Worker(e.to_string()))?
            .map_err(WorkError::Image)
        };
        tokio::time::timeout(self.timeout, job)
            .await
            .map_err(|_| WorkError::TimedOut)?
    }

    /// Decodes an upload for its displayed size and placeholders.
    pub async fn analyse(&self, bytes: Bytes) -> Result<Analysis, WorkError> {
        let limits = self.limits;
        self.run(move || {
            let image = imaging::decode(&bytes, limits)?;
            let (width, height) = (image.width(), image.height());
            Ok(Analysis {
                width,
                height,
                placeholders: imaging::placeholder::placeholders(image),
            })
        })
        .await
    }

    /// Makes a variant of `original`.
    pub async fn make(&self, original: Bytes, spec: VariantJob) -> Result<Vec<u8>, WorkError> {
        let (limits, encoding) = (self.limits, self.encoding);
        let made = self
            .run(move || {
                let image = imaging::decode(&original, limits)?;
                let (width, height) = imaging::output_size(
                    (image.width(), image.height()),
                    spec.width,
                    spec.ratio,
                    spec.fit,
                );
                imaging::render(image, width, height, spec.fit, spec.format, encoding)
            })
            .await?;
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(made)
    }

    /// The lock of one variant key, shared by everyone asking for it now; dropped with the
    /// last of them.
    pub fn flight(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut flights) = self.flights.lock() else {
            // A poisoned map only loses the sharing: this caller makes its own.
            return Arc::new(tokio::sync::Mutex::new(()));
        };
        if let Some(existing) = flights.get(key).and_then(Weak::upgrade) {
            return existing;
        }
        flights.retain(|_, w| w.strong_count() > 0);
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        flights.insert(key.to_owned(), Arc::downgrade(&lock));
        lock
    }
}

/// What to make: the box width, the box ratio (none: the image's own), the fit and the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariantJob {
    /// Width of the box.
    pub width: u32,
    /// Ratio of the box.
    pub ratio: Option<imaging::Ratio>,
    /// How the image meets the box.
    pub fit: imaging::Fit,
    /// The encoding.
    pub format: imaging::Format,
}
