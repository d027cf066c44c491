//! Shrink on load: a JPEG decoded at 1/2, 1/4 or 1/8 of its size inside the inverse DCT
//! (jpeg-decoder's `scale`, what libjpeg and libvips do), for [`decode_scaled`](super::decode::decode_scaled).
use super::{DecodeLimits, ImageError};
use image::{DynamicImage, GrayImage, RgbImage};

/// Whether a JPEG is of a kind [`jpeg_shrunk`] decodes (grey or YCbCr at 8 bits), from its
/// header.
pub(super) fn jpeg_shrinkable(bytes: &[u8]) -> bool {
    std::panic::catch_unwind(|| {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().is_ok()
            && decoder.info().is_some_and(|info| {
                matches!(
                    info.pixel_format,
                    jpeg_decoder::PixelFormat::L8 | jpeg_decoder::PixelFormat::RGB24
                )
            })
    })
    .unwrap_or(false)
}

/// The largest of 8, 4 and 2 that divides `width`×`height` (rounding up, as the DCT scaling
/// does) and still keeps `scale` of both sides; `None` when only the full size does.
pub(super) fn shrink(width: u32, height: u32, scale: f64) -> Option<u32> {
    if !(scale > 0.0 && scale < 1.0) {
        return None;
    }
    let needed = |side: u32| (f64::from(side) * scale).ceil();
    [8u32, 4, 2].into_iter().find(|d| {
        f64::from(width.div_ceil(*d)) >= needed(width)
            && f64::from(height.div_ceil(*d)) >= needed(height)
    })
}

/// A JPEG decoded at 1/`denominator` of its size; `None` when it is of a kind only the full
/// decoder handles (CMYK, 12- or 16-bit), and for those the caller decodes at full size.
pub(super) fn jpeg_shrunk(
    bytes: &[u8],
    denominator: u32,
    limits: DecodeLimits,
) -> Result<Option<DynamicImage>, ImageError> {
    // jpeg-decoder panics on a few malformed frames (a two-component frame's `info`); such a
    // file is corrupt, not a reason to lose the worker.
    std::panic::catch_unwind(|| jpeg_shrunk_inner(bytes, denominator, limits))
        .unwrap_or_else(|_| Err(ImageError::Corrupt("malformed JPEG frame".into())))
}

fn jpeg_shrunk_inner(
    bytes: &[u8],
    denominator: u32,
    limits: DecodeLimits,
) -> Result<Option<DynamicImage>, ImageError> {
    use jpeg_decoder::{Decoder, PixelFormat};
    let corrupt = |e: jpeg_decoder::Error| ImageError::Corrupt(e.to_string());
    let mut decoder = Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_bytes).unwrap_or(usize::MAX));
    decoder.read_info().map_err(corrupt)?;
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    if !matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24) {
        return Ok(None);
    }
    let side = |full: u16| u16::try_from(u32::from(full).div_ceil(denominator)).unwrap_or(u16::MAX);
    let (width, height) = decoder
        .scale(side(info.width), side(info.height))
        .map_err(corrupt)?;
    let pixels = decoder.decode().map_err(corrupt)?;
    let (width, height) = (u32::from(width), u32::from(height));
    let image = match info.pixel_format {
        PixelFormat::L8 => GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8),
    };
    image
        .map(Some)
        .ok_or_else(|| ImageError::Corrupt("the JPEG decoded to fewer pixels than its size".into()))
}
