//! Reading a response body as it streams in: undoing its `Content-Encoding` (gzip, deflate,
//! brotli) within the body limit.
//!
//! Why the checker decodes itself rather than turning on reqwest's `gzip`/`deflate`/`brotli`
//! features: the limit must hold for the decoded bytes, and here it is enforced where the bytes
//! land, by [`Capped`], whatever chunk sizes a decoder produces: a decoder's write fails the
//! moment it would pass the limit, so a compression bomb stops after at most `max` bytes
//! decoded (plus the decoder's fixed output buffer). Decoding here also lets the checker
//! take `deflate` both zlib-wrapped (RFC 9110) and bare (as some servers send it, and as browsers
//! accept), bound the brotli decoder's own memory ([`BudgetAlloc`]), name a corrupt body instead
//! of reporting a network error, and add no dependency: flate2 and brotli-decompressor are
//! already built for actix-web. Nothing else in the workspace turns on reqwest's decoding, so
//! reqwest hands the body over exactly as sent.
//!
//! Decoding runs on the async worker: it is bounded by the limit on both sides (at most `max`
//! bytes received and `max` decoded), which is a few milliseconds of work per page.
use brotli_decompressor::writer::DecompressorWriterCustomAlloc;
use brotli_decompressor::{Allocator, StandardAlloc};
use flate2::write::{DeflateDecoder, GzDecoder, ZlibDecoder};
use reqwest::header::{CONTENT_ENCODING, HeaderMap};
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The `Accept-Encoding` the checker sends: every coding [`BodyDecoder`] undoes.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Size of the brotli decoder's output buffer.
const BROTLI_BUFFER: usize = 4096;

/// A content coding the checker undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// No coding (no header, or `identity`).
    Identity,
    /// `gzip` or `x-gzip`.
    Gzip,
    /// `deflate`: zlib-wrapped, or bare deflate as some servers send it.
    Deflate,
    /// `br`.
    Brotli,
}

impl Coding {
    /// The coding the `Content-Encoding` headers name. More than one coding, or one the
    /// checker does not know, is an error carrying the header's text.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, String> {
        let values: Vec<String> = headers
            .get_all(CONTENT_ENCODING)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let codings: Vec<String> = values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        match codings.as_slice() {
            [] => Ok(Self::Identity),
            [one] => match one.as_str() {
                "gzip" | "x-gzip" => Ok(Self::Gzip),
                "deflate" => Ok(Self::Deflate),
                "br" => Ok(Self::Brotli),
                _ => Err(values.join(", ")),
            },
            _ => Err(values.join(", ")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
            Self::Brotli => "br",
        }
    }
}

/// Why a body could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// More than the limit, received or decoded.
    TooLarge,
    /// The bytes are not valid for their coding: `(coding, why)`.
    Corrupt(&'static str, String),
}

/// The sink a decoder writes into: refuses any write that would take it past `max` bytes, and
/// never reserves room past `max` either.
struct Capped {
    bytes: Vec<u8>,
    max: usize,
    overflowed: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            self.overflowed = true;
            return Err(io::Error::other("body larger than the limit"));
        }
        let needed = self.bytes.len() + buf.len();
        if needed > self.bytes.capacity() {
            // Doubling, as `Vec` does, but not past the limit.
            let room = needed.max(self.bytes.capacity() * 2).min(self.max);
            self.bytes.reserve_exact(room - self.bytes.len());
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The brotli decoder's allocator for bytes (its ring buffer, context maps): refuses any one
/// allocation larger than `cap`, and says so through `refused`. A stream within the limit never
/// needs more: the decoder sizes its ring buffer to the next power of two at or above the bytes
/// decoded so far plus the current meta-block (plus a fixed slack), and both are at most the
/// limit. A stream that declares a larger meta-block would otherwise make it allocate up to its
/// window (16 MiB) before writing a byte. Huffman tables come from the standard allocator: the
/// format bounds them to a few MiB.
struct BudgetAlloc {
    cap: usize,
    refused: Arc<AtomicBool>,
}

type BrotliBuffer = <StandardAlloc as Allocator<u8>>::AllocatedMemory;

impl Allocator<u8> for BudgetAlloc {
    type AllocatedMemory = BrotliBuffer;

    fn alloc_cell(&mut self, len: usize) -> Self::AllocatedMemory {
        if len > self.cap {
            // An empty cell is how a failed allocation is reported; the decoder then fails.
            self.refused.store(true, Ordering::Relaxed);
            return BrotliBuffer::default();
        }
        StandardAlloc::default().alloc_cell(len)
    }

    fn free_cell(&mut self, data: Self::AllocatedMemory) {
        drop(data);
    }
}

type BrotliWriter =
    DecompressorWriterCustomAlloc<Capped, BrotliBuffer, BudgetAlloc, StandardAlloc, StandardAlloc>;

enum Inner {
    Identity(Capped),
    Gzip(GzDecoder<Capped>),
    /// `deflate` until its first two bytes tell zlib from bare deflate.
    DeflateUnknown(Vec<u8>, Capped),
    Zlib(ZlibDecoder<Capped>),
    RawDeflate(DeflateDecoder<Capped>),
    Brotli(Box<BrotliWriter>),
    /// After an error, or while being taken apart.
    Failed,
}

/// Decodes a body chunk by chunk, never holding more than `max` decoded bytes.
pub struct BodyDecoder {
    coding: Coding,
    inner: Inner,
    max: usize,
    received: usize,
    /// The coded stream ended; bytes after it are ignored, as browsers do.
    ended: bool,
    /// The brotli decoder asked for more memory than its budget.
    refused: Arc<AtomicBool>,
}

impl BodyDecoder {
    /// A decoder for `coding` with the limit `max` on the bytes received and on the bytes
    /// decoded.
    pub fn new(coding: Coding, max: usize) -> Self {
        let sink = Capped {
            bytes: Vec::new(),
            max,
            overflowed: false,
        };
        let refused = Arc::new(AtomicBool::new(false));
        let inner = match coding {
            Coding::Identity => Inner::Identity(sink),
            Coding::Gzip => Inner::Gzip(GzDecoder::new(sink)),
            Coding::Deflate => Inner::DeflateUnknown(Vec::new(), sink),
            Coding::Brotli => {
                let alloc = BudgetAlloc {
                    // Twice the limit covers the power-of-two rounding; 64 KiB the decoder's
                    // slack and its smallest buffers, for a small limit.
                    cap: max.saturating_mul(2).saturating_add(64 * 1024),
                    refused: refused.clone(),
                };
                let buffer = StandardAlloc::default().alloc_cell(BROTLI_BUFFER);
                let writer = DecompressorWriterCustomAlloc::new(
                    sink,
                    buffer,
                    alloc,
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                );
                Inner::Brotli(Box::new(writer))
            }
        };
        Self {
            coding,
            inner,
            max,
            received: 0,
            ended: false,
            refused,
        }
    }

    /// Takes the next chunk, as received.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), BodyError> {
        self.received = self.received.saturating_add(chunk.len());
        if self.received > self.max {
            // More coded bytes than the limit: the page is over it too (and a stream of empty
            // blocks, which decodes to nothing, cannot run on).
            return Err(BodyError::TooLarge);
        }
        if let Inner::DeflateUnknown(head, _) = &mut self.inner {
            head.extend_from_slice(chunk);
            if head.len() >= 2 {
                self.start_deflate()?;
            }
            return Ok(());
        }
        self.write(chunk)
    }

    /// The decoded body, once every chunk has been pushed.
    pub fn finish(mut self) -> Result<Vec<u8>, BodyError> {
        if matches!(self.inner, Inner::DeflateUnknown(..)) {
            self.start_deflate()?;
        }
        if self.received == 0 {
            // No bytes (a 204, a bare redirect): nothing to decode, whatever the label says.
            return Ok(Vec::new());
        }
        let finished = match &mut self.inner {
            Inner::Identity(_) | Inner::DeflateUnknown(..) => Ok(()),
            Inner::Gzip(d) => d.try_finish(),
            Inner::Zlib(d) => d.try_finish(),
            Inner::RawDeflate(d) => d.try_finish(),
            Inner::Brotli(d) => d.close(),
            Inner::Failed => Err(io::Error::other("the decoder failed before")),
        };
        if let Err(e) = finished {
            return Err(self.fail(e));
        }
        let coding = self.coding.name();
        let sink = match std::mem::replace(&mut self.inner, Inner::Failed) {
            Inner::Identity(sink) | Inner::DeflateUnknown(_, sink) => Ok(sink),
            Inner::Gzip(d) => d.finish(),
            Inner::Zlib(d) => d.finish(),
            Inner::RawDeflate(d) => d.finish(),
            // Closed already: `into_inner` only hands the sink back.
            Inner::Brotli(d) => Ok((*d).into_inner().unwrap_or_else(|sink| sink)),
            Inner::Failed => Err(io::Error::other("the decoder failed before")),
        };
        sink.map(|sink| sink.bytes)
            .map_err(|e| BodyError::Corrupt(coding, e.to_string()))
    }

    /// Chooses zlib or bare deflate from the first two bytes, then decodes the bytes held.
    fn start_deflate(&mut self) -> Result<(), BodyError> {
        let Inner::DeflateUnknown(head, sink) = std::mem::replace(&mut self.inner, Inner::Failed)
        else {
            return Ok(());
        };
        self.inner = if is_zlib_header(&head) {
            Inner::Zlib(ZlibDecoder::new(sink))
        } else {
            Inner::RawDeflate(DeflateDecoder::new(sink))
        };
        self.write(&head)
    }

    fn write(&mut self, mut buf: &[u8]) -> Result<(), BodyError> {
        while !buf.is_empty() && !self.ended {
            let written = match &mut self.inner {
                Inner::Identity(sink) => sink.write(buf),
                Inner::Gzip(d) => d.write(buf),
                Inner::Zlib(d) => d.write(buf),
                Inner::RawDeflate(d) => d.write(buf),
                Inner::Brotli(d) => d.write(buf),
                Inner::DeflateUnknown(..) | Inner::Failed => return Ok(()),
            };
            match written {
                // Decoders take nothing more once their stream has ended.
                Ok(0) => self.ended = true,
                Ok(n) => buf = &buf[n..],
                Err(e) => return Err(self.fail(e)),
            }
        }
        Ok(())
    }

    /// Names a decoder's failure: the limit, or bytes that are not valid for the coding.
    fn fail(&mut self, err: io::Error) -> BodyError {
        let too_large = match &self.inner {
            Inner::Identity(sink) | Inner::DeflateUnknown(_, sink) => sink.overflowed,
            Inner::Gzip(d) => d.get_ref().overflowed,
            Inner::Zlib(d) => d.get_ref().overflowed,
            Inner::RawDeflate(d) => d.get_ref().overflowed,
            Inner::Brotli(d) => d.get_ref().overflowed,
            Inner::Failed => false,
        } || self.refused.load(Ordering::Relaxed);
        self.inner = Inner::Failed;
        if too_large {
            BodyError::TooLarge
        } else {
            BodyError::Corrupt(self.coding.name(), err.to_string())
        }
    }
}

/// Whether two bytes start a zlib stream (RFC 1950): deflate with a window of at most 32 KiB,
/// and a header check that makes the pair a multiple of 31. Bare deflate rarely passes both.
fn is_zlib_header(head: &[u8]) -> bool {
    match head {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;
