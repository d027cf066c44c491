//! Making a variant: the decoded image brought to 8 bits (RGB, or RGBA when it has alpha and
//! the format keeps it), resized with Lanczos3 (cover: the middle of the image, cropped to the
//! box), and encoded with the configured quality. Encoders are given pixels only, so no
//! metadata of the original survives.
use super::geometry::Fit;
use super::{Format, ImageError};
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::avif::AvifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

/// Encoder settings.
#[derive(Clone, Copy, Debug)]
pub struct Encoding {
    /// JPEG and WebP quality, 1-100.
    pub quality: u8,
    /// AVIF quality, 1-100.
    pub avif_quality: u8,
    /// AVIF speed, 1-10.
    pub avif_speed: u8,
}

/// 8-bit pixels, 3 or 4 to a pixel.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

fn pixels(image: DynamicImage, keep_alpha: bool) -> Pixels {
    let (width, height) = (image.width(), image.height());
    if keep_alpha && image.color().has_alpha() {
        return Pixels {
            width,
            height,
            alpha: true,
            data: image.into_rgba8().into_raw(),
        };
    }
    if image.color().has_alpha() {
        // Transparent pixels on white, as a browser shows them on a white page.
        let rgba = image.into_rgba8();
        let mut data = Vec::with_capacity(rgba.len() / 4 * 3);
        for p in rgba.pixels() {
            let a = u16::from(p.0[3]);
            for c in &p.0[..3] {
                let blended = (u16::from(*c) * a + 255 * (255 - a) + 127) / 255;
                data.push(u8::try_from(blended).unwrap_or(u8::MAX));
            }
        }
        return Pixels {
            width,
            height,
            alpha: false,
            data,
        };
    }
    Pixels {
        width,
        height,
        alpha: false,
        data: image.into_rgb8().into_raw(),
    }
}

fn resize(src: Pixels, width: u32, height: u32, fit: Fit) -> Result<Pixels, ImageError> {
    if (src.width, src.height) == (width, height) {
        return Ok(src);
    }
    let pixel_type = if src.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let source = Image::from_vec_u8(src.width, src.height, src.data, pixel_type)
        .map_err(|e| ImageError::Encode(e.to_string()))?;
    let mut target = Image::new(width, height, pixel_type);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if fit == Fit::Cover {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| ImageError::Encode(e.to_string()))?;
    Ok(Pixels {
        width,
        height,
        alpha: src.alpha,
        data: target.into_vec(),
    })
}

fn encode(p: &Pixels, format: Format, encoding: Encoding) -> Result<Vec<u8>, ImageError> {
    let color = if p.alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match format {
        Format::Jpeg => JpegEncoder::new_with_quality(&mut out, encoding.quality)
            .write_image(&p.data, p.width, p.height, color)?,
        Format::Png => PngEncoder::new(&mut out).write_image(&p.data, p.width, p.height, color)?,
        Format::Avif => AvifEncoder::new_with_speed_quality(
            &mut out,
            encoding.avif_speed,
            encoding.avif_quality,
        )
        .write_image(&p.data, p.width, p.height, color)?,
        Format::Webp => {
            let encoder = if p.alpha {
                webp::Encoder::from_rgba(&p.data, p.width, p.height)
            } else {
                webp::Encoder::from_rgb(&p.data, p.width, p.height)
            };
            let memory = encoder
                .encode_simple(false, f32::from(encoding.quality))
                .map_err(|e| ImageError::Encode(format!("{e:?}")))?;
            out = memory.to_vec();
        }
    }
    Ok(out)
}

/// The variant of `image` at `width`×`height` (from [`output_size`](super::output_size)) with
/// `fit`, encoded as `format`.
pub fn render(
    image: DynamicImage,
    width: u32,
    height: u32,
    fit: Fit,
    format: Format,
    encoding: Encoding,
) -> Result<Vec<u8>, ImageError> {
    let keep_alpha = format != Format::Jpeg;
    let resized = resize(pixels(image, keep_alpha), width, height, fit)?;
    encode(&resized, format, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgba, RgbaImage};

    const ENCODING: Encoding = Encoding {
        quality: 80,
        avif_quality: 60,
        avif_speed: 10,
    };

    #[test]
    fn variants_decode_back_at_their_size() -> Result<(), ImageError> {
        let source =
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(200, 100, Rgba([200, 30, 30, 255])));
        for format in [Format::Jpeg, Format::Png, Format::Webp] {
            let bytes = render(source.clone(), 80, 40, Fit::Cover, format, ENCODING)?;
            let expected = match format {
                Format::Jpeg => ImageFormat::Jpeg,
                Format::Png => ImageFormat::Png,
                _ => ImageFormat::WebP,
            };
            let back = image::load_from_memory_with_format(&bytes, expected)?;
            assert_eq!((back.width(), back.height()), (80, 40), "{format:?}");
        }
        Ok(())
    }

    #[test]
    fn transparent_pixels_become_white_in_jpeg() -> Result<(), ImageError> {
        let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(16, 16, Rgba([0, 0, 0, 0])));
        let bytes = render(clear, 16, 16, Fit::Cover, Format::Jpeg, ENCODING)?;
        let back = image::load_from_memory(&bytes)?.into_rgb8();
        assert!(back.pixels().all(|p| p.0.iter().all(|c| *c > 240)));
        Ok(())
    }
}
