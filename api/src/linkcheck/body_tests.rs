//! Tests of body decoding within the limit.
use super::*;
use reqwest::header::HeaderValue;

const MAX: usize = 64 * 1024;

fn encode(coding: &str, body: &[u8]) -> Vec<u8> {
    use flate2::Compression;
    let level = Compression::default();
    let out = match coding {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
            e.write_all(body).and_then(|_| e.finish())
        }
        "zlib" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
            e.write_all(body).and_then(|_| e.finish())
        }
        "raw" => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
            e.write_all(body).and_then(|_| e.finish())
        }
        _ => {
            let mut e = brotli::CompressorWriter::new(Vec::new(), 4096, 9, 22);
            e.write_all(body).map(|_| e.into_inner())
        }
    };
    out.unwrap_or_else(|e| panic!("{coding}: {e}"))
}

fn coding_of(name: &str) -> Coding {
    match name {
        "gzip" => Coding::Gzip,
        "zlib" | "raw" => Coding::Deflate,
        _ => Coding::Brotli,
    }
}

/// Decodes `wire` pushed in chunks of `chunk` bytes; the most capacity the body ever had.
fn decode(coding: Coding, wire: &[u8], chunk: usize) -> (Result<Vec<u8>, BodyError>, usize) {
    let mut d = BodyDecoder::new(coding, MAX);
    let mut peak = 0;
    for piece in wire.chunks(chunk) {
        let pushed = d.push(piece);
        peak = peak.max(d.capacity());
        if let Err(e) = pushed {
            return (Err(e), peak);
        }
    }
    (d.finish(), peak)
}

impl BodyDecoder {
    fn capacity(&self) -> usize {
        match &self.inner {
            Inner::Identity(sink) | Inner::DeflateUnknown(_, sink) => sink.bytes.capacity(),
            Inner::Gzip(d) => d.get_ref().bytes.capacity(),
            Inner::Zlib(d) => d.get_ref().bytes.capacity(),
            Inner::RawDeflate(d) => d.get_ref().bytes.capacity(),
            Inner::Brotli(d) => d.get_ref().bytes.capacity(),
            Inner::Failed => 0,
        }
    }
}

/// `len` bytes of links, repeated.
fn page(len: usize) -> Vec<u8> {
    let link = b"<a href=\"https://partner.com/\">p</a>";
    link.iter().copied().cycle().take(len).collect()
}

#[test]
fn every_coding_round_trips_in_any_chunking() {
    let body = page(50_000);
    for name in ["gzip", "zlib", "raw", "br"] {
        let wire = encode(name, &body);
        for chunk in [1, 7, 4096, wire.len()] {
            let (got, _) = decode(coding_of(name), &wire, chunk);
            assert!(got == Ok(body.clone()), "{name} in chunks of {chunk}");
        }
    }
    assert!(decode(Coding::Identity, &body, 1000).0 == Ok(body));
}

#[test]
fn bombs_stop_at_the_limit_without_holding_more() {
    let zeros = vec![0u8; 10 * 1024 * 1024];
    for name in ["gzip", "zlib", "raw", "br"] {
        let wire = encode(name, &zeros);
        assert!(wire.len() < MAX, "{name}: {} bytes", wire.len());
        let (got, peak) = decode(coding_of(name), &wire, 16 * 1024);
        assert_eq!(got.map(|b| b.len()), Err(BodyError::TooLarge), "{name}");
        assert!(peak <= MAX, "{name}: held {peak} bytes");
    }
    // The brotli bomb is refused before the decoder allocates its window, even a 16 MiB one.
    for lgwin in [22, 24] {
        let mut e = brotli::CompressorWriter::new(Vec::new(), 4096, 9, lgwin);
        let wire = e
            .write_all(&zeros)
            .map(|_| e.into_inner())
            .unwrap_or_default();
        let mut d = BodyDecoder::new(Coding::Brotli, MAX);
        assert_eq!(d.push(&wire), Err(BodyError::TooLarge), "window 2^{lgwin}");
        assert!(d.refused.load(Ordering::Relaxed), "window 2^{lgwin}");
    }
    // Exactly the limit decodes; one byte more does not.
    for name in ["gzip", "br"] {
        let (got, _) = decode(coding_of(name), &encode(name, &page(MAX)), 4096);
        assert_eq!(got.map(|b| b.len()), Ok(MAX), "{name}");
        let (got, _) = decode(coding_of(name), &encode(name, &page(MAX + 1)), 4096);
        assert_eq!(got.map(|b| b.len()), Err(BodyError::TooLarge), "{name}");
    }
}

#[test]
fn the_limit_also_holds_for_the_bytes_received() {
    let (got, _) = decode(Coding::Identity, &page(MAX + 1), 1000);
    assert_eq!(got.map(|b| b.len()), Err(BodyError::TooLarge));
    // Stored (incompressible) blocks: more on the wire than the limit.
    let noise: Vec<u8> = (0..MAX as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let wire = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
        e.write_all(&noise)
            .and_then(|_| e.finish())
            .unwrap_or_default()
    };
    assert!(wire.len() > MAX);
    let (got, _) = decode(Coding::Gzip, &wire, 4096);
    assert_eq!(got.map(|b| b.len()), Err(BodyError::TooLarge));
}

#[test]
fn the_brotli_decoder_may_not_allocate_past_its_budget() {
    let refused = Arc::new(AtomicBool::new(false));
    let mut alloc = BudgetAlloc {
        cap: 1000,
        refused: refused.clone(),
    };
    use brotli_decompressor::SliceWrapper;
    assert_eq!(alloc.alloc_cell(1000).slice().len(), 1000);
    assert!(!refused.load(Ordering::Relaxed));
    assert_eq!(alloc.alloc_cell(1001).slice().len(), 0);
    assert!(refused.load(Ordering::Relaxed));
}

#[test]
fn corrupt_and_truncated_bodies_are_named_and_trailing_bytes_ignored() {
    let body = page(5000);
    let gz = encode("gzip", &body);
    let (got, _) = decode(Coding::Gzip, &body, 1000);
    assert!(
        matches!(got, Err(BodyError::Corrupt("gzip", _))),
        "{:?}",
        got.map(|b| b.len())
    );
    let (got, _) = decode(Coding::Gzip, &gz[..gz.len() - 4], 1000);
    assert!(
        matches!(got, Err(BodyError::Corrupt("gzip", _))),
        "{:?}",
        got.map(|b| b.len())
    );
    let br = encode("br", &body);
    let (got, _) = decode(Coding::Brotli, &br[..br.len() / 2], 1000);
    assert!(
        matches!(got, Err(BodyError::Corrupt("br", _))),
        "{:?}",
        got.map(|b| b.len())
    );
    let (got, _) = decode(Coding::Brotli, &body, 1000);
    assert!(
        matches!(got, Err(BodyError::Corrupt("br", _))),
        "{:?}",
        got.map(|b| b.len())
    );
    for (name, wire) in [("gzip", gz), ("zlib", encode("zlib", &body)), ("br", br)] {
        let mut wire = wire;
        wire.extend_from_slice(b"\r\ntrailing junk");
        assert!(
            decode(coding_of(name), &wire, 100).0 == Ok(body.clone()),
            "{name}"
        );
    }
    // Nothing at all decodes to nothing.
    assert_eq!(decode(Coding::Gzip, &[], 1).0, Ok(Vec::new()));
}

#[test]
fn codings_are_read_from_the_headers() {
    let of = |values: &[&str]| {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(
                CONTENT_ENCODING,
                HeaderValue::from_str(v).unwrap_or_else(|_| unreachable!()),
            );
        }
        Coding::from_headers(&headers)
    };
    assert_eq!(of(&[]), Ok(Coding::Identity));
    assert_eq!(of(&["identity"]), Ok(Coding::Identity));
    assert_eq!(of(&["GZIP"]), Ok(Coding::Gzip));
    assert_eq!(of(&["x-gzip"]), Ok(Coding::Gzip));
    assert_eq!(of(&[" Deflate "]), Ok(Coding::Deflate));
    assert_eq!(of(&["br"]), Ok(Coding::Brotli));
    assert_eq!(of(&["identity", "br"]), Ok(Coding::Brotli));
    assert_eq!(of(&["zstd"]), Err("zstd".to_owned()));
    assert_eq!(of(&["compress"]), Err("compress".to_owned()));
    assert_eq!(of(&["gzip, br"]), Err("gzip, br".to_owned()));
    assert_eq!(of(&["gzip", "gzip"]), Err("gzip, gzip".to_owned()));
}

#[test]
fn zlib_and_bare_deflate_are_told_apart() {
    let body = page(3000);
    assert!(is_zlib_header(&encode("zlib", &body)));
    assert!(!is_zlib_header(&encode("raw", &body)));
    assert!(!is_zlib_header(&[0x78]));
}
