//! How stored files are handed to browsers. Raster images are shown inline; everything else
//! (PDF, and any type a browser could run or render as a document: HTML, SVG, XML…) is a
//! download (`Content-Disposition: attachment`) with a safe filename, so a file uploaded to a
//! site never runs as a page of the origin that serves it.
use super::inspect::key_segment;

/// Types shown inline: raster images, which a browser only decodes and never runs.
const INLINE_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
];

/// Whether files of this type may be shown inline.
pub fn served_inline(content_type: &str) -> bool {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    INLINE_TYPES.contains(&t.as_str())
}

/// The `Content-Disposition` a file of this type and name is served with: `None` for inline
/// images, else [`attachment`].
pub fn content_disposition(content_type: &str, filename: &str) -> Option<String> {
    (!served_inline(content_type)).then(|| attachment(filename))
}

/// `attachment` with the filename as RFC 6266 wants it: a plain `filename` when the name is
/// printable ASCII, else an ASCII stand-in (`file.pdf` for `展会.pdf`) plus `filename*` with the
/// real name in UTF-8, percent-encoded (RFC 8187). Quotes, backslashes, percent signs and
/// control characters never reach the header as they are.
pub fn attachment(filename: &str) -> String {
    let plain = !filename.is_empty()
        && filename
            .chars()
            .all(|c| (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%'));
    if plain {
        return format!("attachment; filename=\"{filename}\"");
    }
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        key_segment(filename),
        ext_value(filename)
    )
}

/// Percent-encodes everything but RFC 8187's `attr-char`s.
fn ext_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_shown_inline() {
        for t in [
            "image/png",
            "image/jpeg",
            "IMAGE/GIF",
            "image/webp; q=1",
            "image/avif",
        ] {
            assert!(served_inline(t), "{t}");
            assert_eq!(content_disposition(t, "a.png"), None);
        }
        for t in [
            "application/pdf",
            "image/svg+xml",
            "text/html",
            "application/xhtml+xml",
            "text/xml",
            "application/xml",
            "application/octet-stream",
            "",
        ] {
            assert!(!served_inline(t), "{t}");
            assert!(content_disposition(t, "a").is_some_and(|d| d.starts_with("attachment")));
        }
    }

    #[test]
    fn filenames_are_quoted_safely() {
        assert_eq!(
            attachment("price list.pdf"),
            "attachment; filename=\"price list.pdf\""
        );
        assert_eq!(
            attachment("展会 照片.pdf"),
            "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E5%B1%95%E4%BC%9A%20%E7%85%A7%E7%89%87.pdf"
        );
        let tricky = attachment("a\"; filename=evil.html; x=\"\\%41.pdf");
        assert!(tricky.starts_with("attachment; filename=\"a-filename-evil-html-x-41.pdf\"; filename*=UTF-8''a%22%3B%20filename%3Devil.html%3B%20x%3D%22%5C%2541.pdf"), "{tricky}");
        assert!(
            actix_web::http::header::HeaderValue::from_str(&attachment("Ünïcödé \u{202E}.pdf"))
                .is_ok()
        );
    }
}
