//! Making image variants (issue 18, "Measured"): a 24-megapixel JPEG photo (6000 × 4000, made
//! here) decoded, resized to 1280 wide and encoded as WebP, AVIF and JPEG, each step apart and
//! whole; and the placeholders of an upload. Release build only (the figures mean nothing in
//! debug): `cargo bench -p wharf --bench images`. The serving side (variants per second once
//! cached, peak RSS while 4 are made at once) is measured against a running server by
//! `bench/images.sh`. Figures go in `docs/benchmarks.md`.
use criterion::{Criterion, criterion_group, criterion_main};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::hint::black_box;
use std::time::Duration;
use wharf::imaging::placeholder::placeholders;
use wharf::imaging::{DecodeLimits, Encoding, Fit, Format, decode, output_size, render};

const LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 40_000_000,
    max_bytes: 512 * 1024 * 1024,
};

const ENCODING: Encoding = Encoding {
    quality: 80,
    avif_quality: 60,
    avif_speed: 8,
};

/// A 6000 × 4000 photo-like JPEG: smooth gradients with some texture, at quality 90.
fn photo() -> Vec<u8> {
    let image = RgbImage::from_fn(6000, 4000, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27;
        Rgb([
            u8::try_from((x / 24 + n) % 256).unwrap_or(0),
            u8::try_from((y / 16 + n) % 256).unwrap_or(0),
            u8::try_from(((x + y) / 40) % 256).unwrap_or(0),
        ])
    });
    let mut out = Vec::new();
    if let Err(err) = JpegEncoder::new_with_quality(&mut out, 90).encode_image(&image) {
        panic!("encoding the sample photo: {err}");
    }
    out
}

fn bench(c: &mut Criterion) {
    let jpeg = photo();
    let decoded = match decode(&jpeg, LIMITS) {
        Ok(image) => image,
        Err(err) => panic!("decoding the sample photo: {err}"),
    };
    let (w, h) = output_size((6000, 4000), 1280, None, Fit::Cover);
    let mut group = c.benchmark_group("variant_24mp");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("decode_jpeg", |b| {
        b.iter(|| decode(black_box(&jpeg), LIMITS))
    });
    for format in [Format::Webp, Format::Avif, Format::Jpeg] {
        group.bench_function(format!("resize_encode_1280_{}", format.extension()), |b| {
            b.iter(|| render(decoded.clone(), w, h, Fit::Cover, format, ENCODING))
        });
        group.bench_function(format!("whole_1280_{}", format.extension()), |b| {
            b.iter(|| {
                let image = decode(black_box(&jpeg), LIMITS)?;
                render(image, w, h, Fit::Cover, format, ENCODING)
            })
        });
    }
    group.bench_function("placeholders", |b| b.iter(|| placeholders(decoded.clone())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
