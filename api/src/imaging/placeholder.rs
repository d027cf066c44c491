//! What a storefront paints before an image arrives: a BlurHash (4×3 components, about 28
//! characters) and the dominant colour, both from a copy of the image at most 32 pixels wide.
use fast_image_resize::images::Image;
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

/// The placeholders of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholders {
    /// The BlurHash.
    pub blurhash: String,
    /// The dominant colour, `#rrggbb`.
    pub dominant_color: String,
}

/// Longest side of the copy the placeholders are computed from: callers may decode the image
/// at a reduced size down to this (see [`decode_scaled`](super::decode::decode_scaled)).
pub const SIDE: u32 = 32;

/// The placeholders of `image`, or `None` when it has no pixels.
pub fn placeholders(image: DynamicImage) -> Option<Placeholders> {
    let (w, h) = (image.width(), image.height());
    if w == 0 || h == 0 {
        return None;
    }
    let scale = f64::from(SIDE) / f64::from(w.max(h));
    let (tw, th) = if scale >= 1.0 {
        (w, h)
    } else {
        (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        )
    };
    // Averaged down in the image's own layout: an RGB photo is not copied to RGBA at full size
    // (a third more memory than its pixels) only to drop the alpha again.
    let (pixel_type, data) = if image.color().has_alpha() {
        (PixelType::U8x4, image.into_rgba8().into_raw())
    } else {
        (PixelType::U8x3, image.into_rgb8().into_raw())
    };
    let source = Image::from_vec_u8(w, h, data, pixel_type).ok()?;
    let mut small = Image::new(tw, th, pixel_type);
    // Box filtering is the right kind for averaging down, and the fastest.
    let options =
        ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::Box));
    Resizer::new().resize(&source, &mut small, &options).ok()?;
    let rgba = match pixel_type {
        PixelType::U8x3 => small
            .into_vec()
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], u8::MAX])
            .collect(),
        _ => small.into_vec(),
    };
    let blurhash = blurhash::encode(4, 3, tw, th, &rgba).ok()?;
    Some(Placeholders {
        blurhash,
        dominant_color: dominant(&rgba),
    })
}

/// The mean colour of the most populated bucket of colours (4 bits a channel), transparent
/// pixels ignored: the colour that covers most of the image, not the mean of all of them.
fn dominant(rgba: &[u8]) -> String {
    let mut buckets = vec![(0u32, [0u64; 3]); 4096];
    for p in rgba.chunks_exact(4) {
        if p[3] < 128 {
            continue;
        }
        let i =
            (usize::from(p[0] >> 4) << 8) | (usize::from(p[1] >> 4) << 4) | usize::from(p[2] >> 4);
        if let Some(b) = buckets.get_mut(i) {
            b.0 += 1;
            for (sum, c) in b.1.iter_mut().zip(p) {
                *sum += u64::from(*c);
            }
        }
    }
    let Some((count, sums)) = buckets.iter().max_by_key(|b| b.0).filter(|b| b.0 > 0) else {
        return "#ffffff".into();
    };
    let mean = |c: u64| c / u64::from(*count);
    format!(
        "#{:02x}{:02x}{:02x}",
        mean(sums[0]),
        mean(sums[1]),
        mean(sums[2])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn a_mostly_red_image_is_dominantly_red() {
        let mut image = RgbImage::from_pixel(100, 50, Rgb([200, 20, 20]));
        for x in 0..30 {
            for y in 0..50 {
                image.put_pixel(x, y, Rgb([10, 10, 240]));
            }
        }
        let found = placeholders(DynamicImage::ImageRgb8(image));
        let found = found.as_ref();
        assert_eq!(found.map(|p| p.dominant_color.as_str()), Some("#c81414"));
        assert!(found.is_some_and(|p| p.blurhash.len() == 28), "{found:?}");
    }
}
