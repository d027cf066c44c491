//! The image work of one instance: at most `media_image_concurrency` decodes at once, holding
//! together at most `media_image_memory_bytes` (each weighed from its header before it starts;
//! one heavier than the budget waits for all of it and runs alone), so memory stays bounded
//! whatever the traffic (uploads' placeholders and variants share the gate),
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
    /// The memory budget, one permit a KiB.
    memory: Arc<Semaphore>,
    budget_kib: u32,
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
        let budget_kib = u32::try_from(settings.media_image_memory_bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        Self {
            gate: Arc::new(Semaphore::new(settings.media_image_concurrency)),
            memory: Arc::new(Semaphore::new(budget_kib as usize)),
            budget_kib,
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

    /// Runs `work`, which holds about `bytes` at its peak, on a blocking thread once the gate
    /// and the memory budget let it, within the time limit. The permits go with the thread: a
    /// job that times out still holds them until it ends, so the gate bounds what runs, not
    /// only what is waited for.
    async fn run<T: Send + 'static>(
        &self,
        bytes: u64,
        work: impl FnOnce() -> Result<T, ImageError> + Send + 'static,
    ) -> Result<T, WorkError> {
        let (gate, memory) = (self.gate.clone(), self.memory.clone());
        let weight = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.budget_kib);
        let job = async move {
            // Memory first: a heavy job waiting for the budget does not hold a slot of the
            // gate meanwhile. Both semaphores are fair, so it is not overtaken forever either.
            let reserved = memory
                .acquire_many_owned(weight)
                .await
                .map_err(|e| WorkError::Worker(e.to_string()))?;
            let permit = gate
                .acquire_owned()
                .await
                .map_err(|e| WorkError::Worker(e.to_string()))?;
            tokio::task::spawn_blocking(move || {
                let result = work();
                drop((permit, reserved));
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
        // The header alone: a few hundred bytes read, no pixels.
        let probe = imaging::decode::probe(&bytes, limits)?;
        // The placeholders need a copy 32 pixels wide: a JPEG decodes at 1/8 of its size.
        let scale =
            f64::from(imaging::placeholder::SIDE) / f64::from(probe.width.max(probe.height).max(1));
        self.run(probe.working_bytes(scale), move || {
            let image = imaging::decode::decode_scaled(&bytes, limits, scale)?;
            Ok(Analysis {
                width: probe.width,
                height: probe.height,
                placeholders: imaging::placeholder::placeholders(image),
            })
        })
        .await
    }

    /// Makes a variant of `original`.
    pub async fn make(&self, original: Bytes, spec: VariantJob) -> Result<Vec<u8>, WorkError> {
        let (limits, encoding) = (self.limits, self.encoding);
        let probe = imaging::decode::probe(&original, limits)?;
        let (width, height) = imaging::output_size(
            (probe.width, probe.height),
            spec.width,
            spec.ratio,
            spec.fit,
        );
        // Decoded no larger than the variant needs (a JPEG shrinks on load), then resized to
        // the exact size.
        let scale = (f64::from(width) / f64::from(probe.width.max(1)))
            .max(f64::from(height) / f64::from(probe.height.max(1)));
        let made = self
            .run(probe.working_bytes(scale), move || {
                let image = imaging::decode::decode_scaled(&original, limits, scale)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The most jobs of `weight` bytes each that ran at once, of six started together; each
    /// stays until `expected` run together (or a second has passed), so a slow machine's late
    /// starts do not hide what the gate allows.
    async fn most_at_once(images: Arc<Images>, weight: u64, expected: usize) -> usize {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let (images, running, most) = (images.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    images
                        .run(weight, move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            let start = std::time::Instant::now();
                            while most.load(Ordering::SeqCst) < expected
                                && start.elapsed() < Duration::from_secs(1)
                            {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            assert!(matches!(job.await, Ok(Ok(()))));
        }
        most.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_memory_budget_bounds_the_decodes_at_once() {
        let settings = Settings {
            media_image_concurrency: 3,
            media_image_memory_bytes: 100 * 1024 * 1024,
            ..Settings::default()
        };
        let images = Arc::new(Images::new(&settings));
        // Light jobs: the gate's three at once.
        assert_eq!(most_at_once(images.clone(), 1024 * 1024, 3).await, 3);
        // 40 MiB each: two fit the budget.
        assert_eq!(most_at_once(images.clone(), 40 * 1024 * 1024, 2).await, 2);
        // Heavier than the budget: each waits for all of it and runs alone, and still runs.
        assert_eq!(most_at_once(images.clone(), 500 * 1024 * 1024, 1).await, 1);
    }
}
