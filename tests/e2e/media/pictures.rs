//! Real images for the image tests, made here: photos as JPEG (with EXIF orientation and GPS
//! coordinates), 16-bit PNGs, animated GIFs, and decoding what the server sends back.
use anyhow::{Context, Result};
use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Frame, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use std::io::Cursor;

/// A `w`×`h` photo-like picture: red on the left half, blue on the right, with a soft gradient.
pub(crate) fn halves(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let shade = u8::try_from(y * 40 / h.max(1)).unwrap_or(0);
        if x < w / 2 {
            Rgb([220 - shade, 30, 30])
        } else {
            Rgb([30, 30, 220 - shade])
        }
    })
}

/// A JPEG of `image`.
pub(crate) fn jpeg(image: &RgbImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(image)?;
    Ok(out)
}

/// A JPEG of `image` carrying EXIF: the orientation tag and a GPS position (6°27′N, as a phone
/// in Lagos writes it), in an APP1 segment right after the start of the image.
pub(crate) fn jpeg_with_exif(image: &RgbImage, orientation: u16) -> Result<Vec<u8>> {
    let plain = jpeg(image)?;
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    // IFD0 at 8: orientation and the GPS IFD's offset (8 + 2 + 2×12 + 4 = 38).
    tiff.extend(2u16.to_le_bytes());
    let [o0, o1] = orientation.to_le_bytes();
    entry(&mut tiff, 0x0112, 3, 1, [o0, o1, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD at 38: latitude reference and latitude (three rationals at 38 + 2 + 24 + 4 = 68).
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, 68u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (num, den) in [(6u32, 1u32), (27, 1), (0, 1)] {
        tiff.extend(num.to_le_bytes());
        tiff.extend(den.to_le_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    let len = u16::try_from(2 + 6 + tiff.len())?;
    app1.extend(len.to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend(app1);
    out.extend(&plain[2..]);
    Ok(out)
}

/// A 16-bit RGB PNG.
/// A CMYK JPEG (Adobe, inverted), `w`×`h`: the left half full cyan, the right half full
/// magenta, no black.
pub(crate) fn cmyk_jpeg(w: u16, h: u16) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let pixels: Vec<u8> = (0..h)
        .flat_map(|_| 0..w)
        .flat_map(|x| {
            if x < w / 2 {
                [255u8, 0, 0, 0]
            } else {
                [0, 255, 0, 0]
            }
        })
        .collect();
    jpeg_encoder::Encoder::new(&mut out, 90).encode(
        &pixels,
        w,
        h,
        jpeg_encoder::ColorType::Cmyk,
    )?;
    Ok(out)
}

pub(crate) fn png16(w: u32, h: u32) -> Result<Vec<u8>> {
    let image = image::ImageBuffer::<Rgb<u16>, Vec<u16>>::from_fn(w, h, |x, _| {
        Rgb([
            u16::try_from(x * 65535 / w.max(1)).unwrap_or(0),
            20_000,
            40_000,
        ])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb16(image).write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
    Ok(out)
}

/// An animated GIF: a red frame, then a blue one.
pub(crate) fn animated_gif(w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        for color in [Rgba([255, 0, 0, 255]), Rgba([0, 0, 255, 255])] {
            encoder.encode_frame(Frame::new(RgbaImage::from_pixel(w, h, color)))?;
        }
    }
    Ok(out)
}

/// A PNG header declaring `w`×`h` pixels (with a correct checksum) and nothing behind it: a
/// decompression bomb as far as any header reader can tell.
pub(crate) fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    b.extend(&ihdr);
    b.extend(crc.sum().to_be_bytes());
    b.extend([0u8; 64]);
    b
}

/// Decodes an image the server sent.
pub(crate) fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage> {
    image::load_from_memory_with_format(bytes, format)
        .with_context(|| format!("decoding {} bytes as {format:?}", bytes.len()))
}

/// Whether `bytes` hold EXIF or XMP metadata: the EXIF header (JPEG APP1), WebP's `EXIF` and
/// `XMP ` chunks, PNG's `eXIf` chunk, or XMP's namespace.
pub(crate) fn has_metadata(bytes: &[u8]) -> bool {
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    find(b"Exif\0\0")
        || find(b"EXIF")
        || find(b"XMP ")
        || find(b"eXIf")
        || find(b"ns.adobe.com/xap")
}

/// Whether a JPEG has an APP1 segment (where EXIF and XMP live); in entropy-coded data a 0xFF
/// byte is always followed by 0x00 or a restart marker, so this finds markers only.
pub(crate) fn jpeg_has_app1(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == [0xFF, 0xE1])
}
