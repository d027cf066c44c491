//! Decoding an upload within limits: the pixel count is checked from the header before any
//! pixel is decoded (a 100,000 × 100,000 PNG of a few kilobytes is refused at once), the
//! decoder's allocations are capped, and the EXIF orientation is applied, so a phone photo
//! taken upright comes out upright. Animated GIF and WebP give their first frame. CMYK JPEGs
//! are converted to RGB by the decoder (without their ICC profile, so colours are close, not
//! exact); 16-bit PNGs decode at 16 bits and are brought to 8 when rendered.
//!
//! **Shrink on load.** A JPEG needed smaller than it is ([`decode_scaled`]) is decoded at 1/2,
//! 1/4 or 1/8 of its size inside the inverse DCT (jpeg-decoder's `scale`, what libjpeg and
//! libvips do): a 1280-wide variant of a 24-megapixel photo never holds the 72 MB of its
//! full-size pixels, only the 4.5 MB of a 1500 × 1000 copy, and skips most of the colour
//! conversion. Other formats, and JPEGs that are CMYK or 12-bit, decode at full size.
use super::ImageError;
use super::shrink::{jpeg_shrinkable, jpeg_shrunk, shrink};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The limits of one decode.
#[derive(Clone, Copy, Debug)]
pub struct DecodeLimits {
    /// Most pixels (width × height).
    pub max_pixels: u64,
    /// Most bytes the decoder may allocate.
    pub max_bytes: u64,
}

/// What an image's header says, read without decoding a pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Width as shown (the EXIF orientation applied).
    pub width: u32,
    /// Height as shown.
    pub height: u32,
    /// Width and height as stored.
    stored: (u32, u32),
    /// Bytes of one decoded pixel.
    bytes_per_pixel: u64,
    /// A JPEG that [`decode_scaled`] shrinks on load.
    shrinkable: bool,
}

impl Probe {
    /// The most memory [`decode_scaled`] at `scale` and the rendering after it hold at once:
    /// the decoded pixels twice (a turned, converted or resized copy is made before the first
    /// is freed), at the size the decode gives.
    pub fn working_bytes(&self, scale: f64) -> u64 {
        let (w, h) = self.stored;
        let d = if self.shrinkable {
            shrink(w, h, scale).unwrap_or(1)
        } else {
            1
        };
        u64::from(w.div_ceil(d)) * u64::from(h.div_ceil(d)) * self.bytes_per_pixel * 2
    }
}

/// The width and height an image's header declares, without decoding it.
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    Ok(reader(bytes)?.into_dimensions()?)
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    match reader.format() {
        None => Err(ImageError::Unsupported("unrecognised image format".into())),
        // Decoding AVIF needs dav1d (C); originals in AVIF are stored and served, not resized.
        Some(ImageFormat::Avif) => Err(ImageError::Unsupported("AVIF originals".into())),
        Some(_) => Ok(reader),
    }
}

/// An image's decoder, its format and orientation, after the pixel limit was checked.
struct Opened<'a> {
    decoder: Box<dyn ImageDecoder + 'a>,
    format: Option<ImageFormat>,
    width: u32,
    height: u32,
    orientation: Orientation,
    bytes_per_pixel: u64,
}

fn open(bytes: &[u8], limits: DecodeLimits) -> Result<Opened<'_>, ImageError> {
    let mut reader = reader(bytes)?;
    let format = reader.format();
    let mut decoder_limits = Limits::default();
    decoder_limits.max_alloc = Some(limits.max_bytes);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageError::TooManyPixels {
            width,
            height,
            max: limits.max_pixels,
        });
    }
    // A missing or unreadable orientation is the upright one.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let bytes_per_pixel = u64::from(decoder.color_type().bytes_per_pixel());
    Ok(Opened {
        decoder: Box::new(decoder),
        format,
        width,
        height,
        orientation,
        bytes_per_pixel,
    })
}

/// The displayed size of `bytes` from its header, within `limits`.
pub fn probe(bytes: &[u8], limits: DecodeLimits) -> Result<Probe, ImageError> {
    let opened = open(bytes, limits)?;
    let turned = matches!(
        opened.orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (width, height) = if turned {
        (opened.height, opened.width)
    } else {
        (opened.width, opened.height)
    };
    Ok(Probe {
        width,
        height,
        stored: (opened.width, opened.height),
        bytes_per_pixel: opened.bytes_per_pixel,
        shrinkable: opened.format == Some(ImageFormat::Jpeg) && jpeg_shrinkable(bytes),
    })
}

/// Decodes `bytes` within `limits`, oriented as its EXIF says.
pub fn decode(bytes: &[u8], limits: DecodeLimits) -> Result<DynamicImage, ImageError> {
    decode_scaled(bytes, limits, 1.0)
}

/// Decodes `bytes` within `limits`, oriented, at no less than `scale` (0 < `scale` ≤ 1) of its
/// full size in either dimension: a JPEG at the smallest of 1/8, 1/4, 1/2 and 1 that keeps
/// that much, anything else at full size. Callers resize the result to what they need.
pub fn decode_scaled(
    bytes: &[u8],
    limits: DecodeLimits,
    scale: f64,
) -> Result<DynamicImage, ImageError> {
    let opened = open(bytes, limits)?;
    let shrunk = match (opened.format, shrink(opened.width, opened.height, scale)) {
        (Some(ImageFormat::Jpeg), Some(denominator)) => jpeg_shrunk(bytes, denominator, limits)?,
        _ => None,
    };
    let mut image = match shrunk {
        Some(image) => image,
        None => {
            // The decoders' own limits cover their working buffers, not the pixels they are
            // asked to fill: those are checked here, from the header, before they exist.
            if opened.decoder.total_bytes() > limits.max_bytes {
                return Err(ImageError::TooMuchMemory);
            }
            DynamicImage::from_decoder(opened.decoder)?
        }
    };
    image.apply_orientation(opened.orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    const LIMITS: DecodeLimits = DecodeLimits {
        max_pixels: 1_000_000,
        max_bytes: 64 * 1024 * 1024,
    };

    fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        let written = image.write_to(&mut Cursor::new(&mut out), format);
        assert!(written.is_ok(), "{written:?}");
        out
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        encoded(&DynamicImage::new_rgb8(width, height), ImageFormat::Png)
    }

    #[test]
    fn a_small_image_decodes() {
        let image = decode(&png(30, 20), LIMITS);
        assert!(image.is_ok_and(|i| (i.width(), i.height()) == (30, 20)));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // An IHDR claiming 100,000 × 100,000 pixels, nothing behind it.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let refused = decode(&bomb, LIMITS);
        assert!(
            matches!(
                refused,
                Err(ImageError::TooManyPixels { width: 100_000, .. })
            ),
            "{refused:?}"
        );
        assert!(matches!(
            probe(&bomb, LIMITS),
            Err(ImageError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn garbage_and_truncated_files_are_corrupt_or_unsupported() {
        let mut cut = png(40, 40);
        cut.truncate(cut.len() / 2);
        assert!(decode(&cut, LIMITS).is_err());
        assert!(matches!(
            decode(b"not an image at all", LIMITS),
            Err(ImageError::Unsupported(_))
        ));
    }

    #[test]
    fn pixels_over_the_memory_limit_are_refused_before_they_are_decoded() {
        let tight = DecodeLimits {
            max_pixels: 1_000_000,
            max_bytes: 100 * 100 * 3 - 1,
        };
        assert!(matches!(
            decode(&png(100, 100), tight),
            Err(ImageError::TooMuchMemory)
        ));
        assert!(decode(&png(99, 100), tight).is_ok());
    }

    #[test]
    fn the_shrink_keeps_at_least_the_asked_scale_of_both_sides() {
        assert_eq!(shrink(6000, 4000, 1280.0 / 6000.0), Some(4));
        assert_eq!(shrink(6000, 4000, 32.0 / 6000.0), Some(8));
        assert_eq!(shrink(6000, 4000, 0.6), None);
        assert_eq!(shrink(6000, 4000, 0.5), Some(2));
        assert_eq!(shrink(6000, 4000, 1.0), None);
        assert_eq!(shrink(6000, 4000, f64::NAN), None);
        // 1001 / 2 rounds up to 501, which still holds half of 1001 (500.5 → 501).
        assert_eq!(shrink(1001, 7, 0.5), Some(2));
    }

    #[test]
    fn a_jpeg_needed_small_decodes_small_with_its_colours() {
        let mut photo = RgbImage::new(800, 400);
        for (x, _, p) in photo.enumerate_pixels_mut() {
            // Left half red, right half blue: the shrunk copy keeps both.
            *p = if x < 400 {
                image::Rgb([220, 20, 20])
            } else {
                image::Rgb([20, 20, 220])
            };
        }
        let jpeg = encoded(&DynamicImage::ImageRgb8(photo), ImageFormat::Jpeg);
        let small = decode_scaled(&jpeg, LIMITS, 0.1);
        let small = small.map(DynamicImage::into_rgb8);
        let Ok(small) = small else {
            panic!("{small:?}")
        };
        // 0.1 of 800 is 80; 1/8 gives 100, the smallest that keeps it.
        assert_eq!(small.dimensions(), (100, 50));
        let left = small.get_pixel(10, 25).0;
        let right = small.get_pixel(90, 25).0;
        assert!(left[0] > 180 && left[2] < 60, "{left:?}");
        assert!(right[2] > 180 && right[0] < 60, "{right:?}");
        // Asked at full size, it is at full size.
        let full = decode_scaled(&jpeg, LIMITS, 1.0);
        assert!(full.is_ok_and(|i| i.width() == 800));
    }

    #[test]
    fn the_weight_of_a_decode_follows_the_size_it_decodes_at() {
        let mut photo = RgbImage::new(800, 400);
        photo.fill(200);
        let jpeg = encoded(&DynamicImage::ImageRgb8(photo.clone()), ImageFormat::Jpeg);
        let png = encoded(&DynamicImage::ImageRgb8(photo), ImageFormat::Png);
        let (Ok(jpeg), Ok(png), Ok(cmyk)) = (
            probe(&jpeg, LIMITS),
            probe(&png, LIMITS),
            probe(&cmyk_jpeg(800, 400), LIMITS),
        ) else {
            panic!("probes failed")
        };
        assert_eq!(jpeg.working_bytes(1.0), 800 * 400 * 3 * 2);
        assert_eq!(jpeg.working_bytes(0.1), 100 * 50 * 3 * 2);
        // A PNG, and a CMYK JPEG, decode at full size whatever is needed.
        assert_eq!(png.working_bytes(0.1), 800 * 400 * 3 * 2);
        assert_eq!(cmyk.working_bytes(0.1), 800 * 400 * 3 * 2);
    }

    #[test]
    fn a_cmyk_jpeg_decodes_as_rgb_at_any_scale() {
        // A 4-component (Adobe CMYK) JPEG: jpeg-decoder cannot shrink it to RGB, so it goes
        // through the full decoder, which converts it.
        let cmyk = cmyk_jpeg(64, 32);
        for scale in [1.0, 0.2] {
            let image = decode_scaled(&cmyk, LIMITS, scale);
            let Ok(image) = image else {
                panic!("{image:?}")
            };
            assert_eq!((image.width(), image.height()), (64, 32));
            assert!(!image.color().has_alpha());
            let rgb = image.into_rgb8();
            // Cyan at full ink, no other: the pixel is mostly green and blue, little red.
            let p = rgb.get_pixel(32, 16).0;
            assert!(p[0] < 90 && p[1] > 150 && p[2] > 150, "{p:?}");
        }
    }

    /// A CMYK JPEG of pure cyan, written by jpeg-encoder (4 components, Adobe marker).
    fn cmyk_jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        // Ink amounts, 255 full (the encoder stores them inverted, as Adobe does).
        let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height))
            .flat_map(|_| [255u8, 0, 0, 0])
            .collect();
        let written = encoder.encode(&pixels, width, height, jpeg_encoder::ColorType::Cmyk);
        assert!(written.is_ok(), "{written:?}");
        out
    }
}
