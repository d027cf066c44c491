//! Decoding an upload within limits: the pixel count is checked from the header before any
//! pixel is decoded (a 100,000 × 100,000 PNG of a few kilobytes is refused at once), the
//! decoder's allocations are capped, and the EXIF orientation is applied, so a phone photo
//! taken upright comes out upright. Animated GIF and WebP give their first frame. CMYK JPEGs
//! are converted to RGB by the decoder (without their ICC profile, so colours are close, not
//! exact); 16-bit PNGs decode at 16 bits and are brought to 8 when rendered.
use super::ImageError;
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

/// Decodes `bytes` within `limits`, oriented as its EXIF says.
pub fn decode(bytes: &[u8], limits: DecodeLimits) -> Result<DynamicImage, ImageError> {
    let mut reader = reader(bytes)?;
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
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: DecodeLimits = DecodeLimits {
        max_pixels: 1_000_000,
        max_bytes: 64 * 1024 * 1024,
    };

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let image = DynamicImage::new_rgb8(width, height);
        let written = image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png);
        assert!(written.is_ok());
        out
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
}
