//! Image work, pure and blocking (callers run it on a blocking thread): decoding within limits
//! with the EXIF orientation applied ([`decode`]), the size of a variant ([`geometry`]), resizing
//! and encoding it ([`render`]), and the placeholders of an upload ([`placeholder`]).
//!
//! Libraries: `image` decodes (JPEG through zune-jpeg, PNG, GIF, WebP) and encodes JPEG, PNG and
//! AVIF (ravif over rav1e, pure Rust); `fast_image_resize` resizes (Lanczos3, SIMD, alpha-aware);
//! libwebp (the `webp` crate, built from its bundled C sources) encodes lossy WebP, because
//! `image`'s own WebP encoder is lossless only. Nothing here writes metadata: every variant is
//! pixels only, so EXIF (GPS, camera serials), XMP and ICC profiles of the original never reach
//! a variant.
pub mod decode;
pub mod geometry;
pub mod placeholder;
pub mod render;
mod shrink;

pub use decode::{DecodeLimits, decode};
pub use geometry::{Fit, Ratio, output_size};
pub use render::{Encoding, render};

/// The formats a variant can be encoded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (lossy, no alpha: transparent pixels are laid on white).
    Jpeg,
    /// PNG (lossless).
    Png,
    /// WebP, lossy (libwebp).
    Webp,
    /// AVIF (rav1e).
    Avif,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 4] = [Format::Jpeg, Format::Png, Format::Webp, Format::Avif];

    /// The file extension, also the name in settings and keys (`jpeg` is written `jpg` in keys).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Avif => "avif",
        }
    }

    /// The name used in settings (`media_variant_formats`).
    pub fn setting_name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            other => other.extension(),
        }
    }

    /// The format of an extension.
    pub fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
        }
    }

    /// The variant format that stands for an original of this media type: JPEG stays JPEG,
    /// WebP stays WebP, everything else (PNG, GIF's first frame, BMP) becomes PNG.
    pub fn for_original(content_type: &str) -> Self {
        match content_type {
            "image/jpeg" => Self::Jpeg,
            "image/webp" => Self::Webp,
            _ => Self::Png,
        }
    }
}

/// Why an image could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// More pixels than the limit (a decompression bomb or simply too large).
    #[error("the image is {width}×{height} pixels, more than the limit of {max} pixels")]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// Decoding would allocate more than the limit.
    #[error("decoding the image would need more memory than allowed")]
    TooMuchMemory,
    /// A format Wharf stores but cannot decode (AVIF originals, animated formats' odd cases).
    #[error("images of this format cannot be resized here: {0}")]
    Unsupported(String),
    /// The bytes are not a valid image of their format (truncated, corrupt).
    #[error("the image is corrupt or truncated: {0}")]
    Corrupt(String),
    /// An encoder failed.
    #[error("encoding the image failed: {0}")]
    Encode(String),
}

impl From<image::ImageError> for ImageError {
    fn from(err: image::ImageError) -> Self {
        match err {
            image::ImageError::Limits(_) => Self::TooMuchMemory,
            image::ImageError::Unsupported(e) => Self::Unsupported(e.to_string()),
            image::ImageError::Encoding(e) => Self::Encode(e.to_string()),
            other => Self::Corrupt(other.to_string()),
        }
    }
}
