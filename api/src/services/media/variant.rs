//! Image variants: what may be asked for, their keys and links (reading or making one:
//! [`variant_store`](super::variant_store)).
//!
//! A variant lives next to its original, under `{site}/{media}/v/`, named by everything that
//! decides its bytes: `w640.webp`, `w640-4x3-cover-q80.webp` (box width, box ratio and fit when
//! a height was asked, quality of lossy formats). A name is made only from the configured widths
//! (plus the image's own width, so a small image is never enlarged), the fixed list of ratios,
//! two fits and the configured formats, so one image has a small, bounded set of variants and
//! nobody can make the server render thousands. Changing a quality setting changes the names, so
//! cached copies of the old bytes are never served under the new settings' links.
use super::images::VariantJob;
use super::storage_failed;
use crate::config::Settings;
use crate::error::{AppError, AppResult, Reason};
use crate::imaging::geometry::snap_width;
use crate::imaging::{Fit, Format, Ratio, output_size};
use crate::storage::Storage;
use entities::media;
use uuid::Uuid;

pub use super::variant_store::{fetch_or_make, work_failed};

/// The folder of variants under a media item's own folder.
const FOLDER: &str = "v";

/// Types whose pixels Wharf can decode (AVIF needs a C decoder this build does not have).
const RESIZABLE: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
];

/// Whether Wharf can decode images of this type.
pub fn decodable(content_type: &str) -> bool {
    RESIZABLE.contains(&content_type)
}

/// What a client asks for (`Media.url` arguments).
#[derive(Clone, Copy, Debug, Default)]
pub struct VariantRequest {
    /// Wanted width; snapped to the nearest configured one.
    pub width: Option<u32>,
    /// Wanted height; with the width, it picks the nearest listed ratio.
    pub height: Option<u32>,
    /// How the image meets a `width`×`height` box (cover when not given).
    pub fit: Option<Fit>,
    /// The format (the original's when not given).
    pub format: Option<Format>,
}

/// A variant as named in its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// What to make.
    pub job: VariantJob,
    /// The quality in the name (lossy formats).
    pub quality: Option<u8>,
}

impl Spec {
    /// The file name in the variants folder.
    pub fn file_name(&self) -> String {
        let mut name = format!("w{}", self.job.width);
        if let Some(ratio) = self.job.ratio {
            name.push_str(&format!("-{ratio}-{}", self.job.fit.as_str()));
        }
        if let Some(q) = self.quality {
            name.push_str(&format!("-q{q}"));
        }
        format!("{name}.{}", self.job.format.extension())
    }

    /// The spec of a file name, when it is well formed (not yet whether it is offered).
    pub fn parse(name: &str) -> Option<Spec> {
        let (stem, ext) = name.rsplit_once('.')?;
        let format = Format::from_extension(ext)?;
        let mut parts = stem.split('-');
        let width = parts.next()?.strip_prefix('w')?.parse().ok()?;
        let rest: Vec<&str> = parts.collect();
        let (ratio, fit, rest) = match rest.as_slice() {
            [r, f, rest @ ..] if Ratio::parse(r).is_some() => {
                (Ratio::parse(r), Fit::parse(f)?, rest)
            }
            rest => (None, Fit::Cover, rest),
        };
        let quality = match rest {
            [] => None,
            [q] => Some(q.strip_prefix('q')?.parse().ok()?),
            _ => return None,
        };
        Some(Spec {
            job: VariantJob {
                width,
                ratio,
                fit,
                format,
            },
            quality,
        })
    }
}

/// The key prefix of a media item's variants (ends with `/`).
pub fn variants_prefix(item: &media::Model) -> String {
    format!("{}/{}/{FOLDER}/", item.site_id, item.id)
}

/// The key of a variant.
pub fn variant_key(item: &media::Model, spec: &Spec) -> String {
    format!("{}{}", variants_prefix(item), spec.file_name())
}

/// The media ID and the variant name of a variant key (`{site}/{media}/v/{name}`).
pub fn parse_variant_key(key: &str) -> Option<(Uuid, Uuid, &str)> {
    let mut parts = key.split('/');
    let (site, id, folder, name) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if folder != FOLDER || parts.next().is_some() {
        return None;
    }
    Some((site.parse().ok()?, id.parse().ok()?, name))
}

fn formats(settings: &Settings, item: &media::Model) -> Vec<Format> {
    let original = Format::for_original(&item.content_type);
    Format::ALL
        .into_iter()
        .filter(|f| {
            *f == original
                || settings
                    .media_variant_formats
                    .iter()
                    .any(|s| s == f.setting_name())
        })
        .collect()
}

fn quality(settings: &Settings, format: Format) -> Option<u8> {
    match format {
        Format::Png => None,
        Format::Avif => Some(settings.media_variant_avif_quality),
        Format::Jpeg | Format::Webp => Some(settings.media_variant_quality),
    }
}

/// The displayed size of an image that variants can be made of, or why not.
fn resizable(settings: &Settings, item: &media::Model) -> AppResult<(u32, u32)> {
    if !item.content_type.starts_with("image/") {
        return Err(
            AppError::bad_input("width", "only images have sized variants")
                .because(Reason::NotAnImage),
        );
    }
    if !RESIZABLE.contains(&item.content_type.as_str()) {
        return Err(AppError::bad_input(
            "width",
            format!("images of type {} cannot be resized", item.content_type),
        )
        .because(Reason::ImageNotResizable)
        .with("type", item.content_type.clone()));
    }
    let size = item
        .width
        .zip(item.height)
        .and_then(|(w, h)| Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?)))
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or_else(|| {
            AppError::bad_input("width", "the image's size could not be read")
                .because(Reason::ImageUnreadable)
        })?;
    if u64::from(size.0) * u64::from(size.1) > settings.media_image_max_pixels {
        return Err(too_many_pixels(
            size.0,
            size.1,
            settings.media_image_max_pixels,
        ));
    }
    Ok(size)
}

pub(super) fn too_many_pixels(width: u32, height: u32, max: u64) -> AppError {
    AppError::bad_input(
        "width",
        format!("the image is {width}×{height} pixels, more than the limit of {max} pixels"),
    )
    .because(Reason::ImageTooManyPixels)
    .with("width", width)
    .with("height", height)
    .with("max", max)
}

/// The widest a variant of a `size` image in this box can be without enlarging it.
fn widest(size: (u32, u32), ratio: Option<Ratio>, fit: Fit) -> u32 {
    match (ratio, fit) {
        (Some(_), Fit::Contain) => size.0,
        _ => output_size(size, u32::MAX / 2, ratio, fit).0,
    }
}

/// The variant that answers a request: width snapped, never wider than the image allows,
/// format checked against the offered ones.
pub fn resolve(settings: &Settings, item: &media::Model, req: VariantRequest) -> AppResult<Spec> {
    let size = resizable(settings, item)?;
    let format = req
        .format
        .unwrap_or_else(|| Format::for_original(&item.content_type));
    let offered = formats(settings, item);
    if !offered.contains(&format) {
        let names: Vec<&str> = offered.iter().map(|f| f.setting_name()).collect();
        return Err(AppError::bad_input(
            "format",
            format!(
                "variants in {} are not offered; offered: {}",
                format.setting_name(),
                names.join(", ")
            ),
        )
        .because(Reason::ImageFormatNotOffered)
        .with("format", format.setting_name())
        .with("allowed", names.join(", ")));
    }
    let wanted = match (req.width, req.height) {
        (Some(w), _) => w,
        (None, Some(h)) => {
            u32::try_from(u64::from(h) * u64::from(size.0) / u64::from(size.1)).unwrap_or(size.0)
        }
        (None, None) => size.0,
    };
    let ratio = req.height.map(|h| Ratio::nearest(wanted, h));
    let fit = if ratio.is_some() {
        req.fit.unwrap_or(Fit::Cover)
    } else {
        Fit::Cover
    };
    let snapped = snap_width(&settings.media_variant_widths, wanted).unwrap_or(size.0);
    let width = snapped.min(widest(size, ratio, fit));
    Ok(Spec {
        job: VariantJob {
            width,
            ratio,
            fit,
            format,
        },
        quality: quality(settings, format),
    })
}

/// Whether a spec read from a link is one this server makes for the item: a configured width
/// (or the widest the image allows), an offered format and the current quality.
pub fn offered(settings: &Settings, item: &media::Model, spec: &Spec) -> AppResult<()> {
    let size = resizable(settings, item)?;
    let width_ok = settings.media_variant_widths.contains(&spec.job.width)
        || spec.job.width == widest(size, spec.job.ratio, spec.job.fit);
    let format_ok = formats(settings, item).contains(&spec.job.format);
    if width_ok && format_ok && spec.quality == quality(settings, spec.job.format) {
        return Ok(());
    }
    Err(AppError::not_found("variant").because(Reason::VariantNotOffered))
}

/// The variants of `widths` (each snapped; duplicates dropped) as `srcset` candidates: the
/// spec and its real width.
pub fn srcset_specs(
    settings: &Settings,
    item: &media::Model,
    widths: &[u32],
    req: VariantRequest,
) -> AppResult<Vec<(Spec, u32)>> {
    let size = resizable(settings, item)?;
    let widths: Vec<u32> = if widths.is_empty() {
        settings.media_variant_widths.clone()
    } else {
        widths.to_vec()
    };
    let mut out: Vec<(Spec, u32)> = Vec::new();
    for w in widths {
        let spec = resolve(
            settings,
            item,
            VariantRequest {
                width: Some(w),
                ..req
            },
        )?;
        let real = output_size(size, spec.job.width, spec.job.ratio, spec.job.fit).0;
        if !out.iter().any(|(s, _)| s == &spec) {
            out.push((spec, real));
        }
    }
    out.sort_by_key(|(_, w)| *w);
    Ok(out)
}

/// The link of a variant: stable when the item is public, else signed for `media_url_ttl_secs`.
pub fn variant_url(
    storage: &Storage,
    settings: &Settings,
    item: &media::Model,
    spec: &Spec,
    public: bool,
) -> AppResult<String> {
    let key = variant_key(item, spec);
    let url = if public {
        storage.stable_url(&key)
    } else {
        storage.own_signed_url(
            &key,
            std::time::Duration::from_secs(settings.media_url_ttl_secs),
        )
    };
    url.map_err(storage_failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "w640.png",
            "w640-q80.webp",
            "w320-4x3-contain-q60.avif",
            "w1920-1x1-cover.png",
        ] {
            let spec = Spec::parse(name);
            assert_eq!(spec.map(|s| s.file_name()).as_deref(), Some(name));
        }
        for bad in [
            "640.png",
            "w640.gif",
            "w640-5x3-cover.png",
            "w640-4x3.png",
            "w640-q80-q80.jpg",
            "wx.png",
        ] {
            assert_eq!(Spec::parse(bad), None, "{bad}");
        }
    }
}
