//! Checking an uploaded file: its name made safe, its type sniffed from the bytes (the client's
//! claim is only compared, never trusted), its size, digest and image dimensions.
use crate::error::{AppError, AppResult, Reason};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Longest filename kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// What the bytes of an accepted file are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// Media type sniffed from the bytes.
    pub content_type: String,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Pixel width, for images.
    pub width: Option<i32>,
    /// Pixel height, for images.
    pub height: Option<i32>,
}

/// The filename to record: its last path component only, without control or bidirectional
/// override characters, NFC-normalized, without leading dots, at most
/// [`MAX_FILENAME_CHARS`] characters; `file` when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .nfc()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let trimmed = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim();
    let name: String = trimmed.chars().take(MAX_FILENAME_CHARS).collect();
    if name.is_empty() { "file".into() } else { name }
}

/// The filename as the last segment of a storage key: ASCII letters, digits, `.`, `_`, `-`;
/// a name with no ASCII left becomes `file` with its extension kept (`展会.png` → `file.png`).
pub fn key_segment(filename: &str) -> String {
    fn clean(part: &str, max: usize) -> String {
        let mut out = String::new();
        for c in part.chars() {
            let c = if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                c
            } else {
                '-'
            };
            if !(c == '-' && out.ends_with('-')) {
                out.push(c);
            }
        }
        out.trim_matches('-').chars().take(max).collect()
    }
    let (stem, ext) = match filename.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, clean(ext, 10)),
        _ => (filename, String::new()),
    };
    let stem = clean(stem, 90);
    let stem = if stem.is_empty() {
        "file".to_owned()
    } else {
        stem
    };
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// A declared media type in canonical form: lower case, without parameters, common aliases
/// resolved. `None` for no claim (absent, empty or `application/octet-stream`).
pub fn normalize_type(declared: Option<&str>) -> Option<String> {
    let t = declared?.split(';').next()?.trim().to_ascii_lowercase();
    match t.as_str() {
        "" | "application/octet-stream" => None,
        "image/jpg" | "image/pjpeg" => Some("image/jpeg".into()),
        "image/x-png" => Some("image/png".into()),
        _ => Some(t),
    }
}

/// Checks a file against the limits and returns what it is. Refusals name the field `file`.
pub fn inspect(
    bytes: &[u8],
    declared: Option<&str>,
    max_bytes: usize,
    allowed: &[String],
) -> AppResult<Inspected> {
    if bytes.is_empty() {
        return Err(AppError::bad_input("file", "the file is empty").because(Reason::FileEmpty));
    }
    if bytes.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    let sniffed = infer::get(bytes)
        .map(|t| t.mime_type().to_owned())
        .ok_or_else(|| {
            AppError::bad_input(
                "file",
                format!(
                    "the file's type could not be recognised from its contents; allowed types: {}",
                    allowed.join(", ")
                ),
            )
            .because(Reason::FileTypeUnknown)
            .with("allowed", allowed.join(", "))
        })?;
    if let Some(claimed) = normalize_type(declared)
        && claimed != sniffed
    {
        return Err(AppError::bad_input(
            "file",
            format!("the file is declared as {claimed} but its contents are {sniffed}"),
        )
        .because(Reason::FileTypeMismatch)
        .with("declared", claimed)
        .with("actual", sniffed));
    }
    if !allowed.iter().any(|a| a == &sniffed) {
        return Err(AppError::bad_input(
            "file",
            format!(
                "files of type {sniffed} are not allowed; allowed types: {}",
                allowed.join(", ")
            ),
        )
        .because(Reason::FileTypeNotAllowed)
        .with("type", sniffed)
        .with("allowed", allowed.join(", ")));
    }
    let (width, height) = if sniffed.starts_with("image/") {
        match imagesize::blob_size(bytes) {
            Ok(size) => (
                i32::try_from(size.width).ok(),
                i32::try_from(size.height).ok(),
            ),
            Err(_) => (None, None),
        }
    } else {
        (None, None)
    };
    Ok(Inspected {
        content_type: sniffed,
        sha256: hex::encode(Sha256::digest(bytes)),
        width,
        height,
    })
}

/// The refusal of a file over the size limit.
pub fn too_large(max_bytes: usize) -> AppError {
    AppError::bad_input(
        "file",
        format!("the file is larger than the limit of {max_bytes} bytes"),
    )
    .because(Reason::FileTooLarge)
    .with("maxBytes", max_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 PNG header (enough for sniffing and dimensions).
    fn png() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0, 0, 0, 13]);
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&2u32.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    fn allowed() -> Vec<String> {
        vec!["image/png".into(), "application/pdf".into()]
    }

    #[test]
    fn filenames_lose_paths_control_characters_and_leading_dots() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(sanitize_filename("a\u{0}b\u{7}c\r\n.png"), "abc.png");
        assert_eq!(sanitize_filename("evil\u{202E}gnp.exe"), "evilgnp.exe");
        assert_eq!(sanitize_filename(".htaccess"), "htaccess");
        assert_eq!(sanitize_filename(".."), "file");
        assert_eq!(sanitize_filename("展会 照片.png"), "展会 照片.png");
        assert_eq!(sanitize_filename(&"x".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn key_segments_are_plain_ascii() {
        assert_eq!(key_segment("展会 照片.png"), "file.png");
        assert_eq!(key_segment("My Photo (1).JPG"), "My-Photo-1.JPG");
        assert_eq!(key_segment("a.b.tar.gz"), "a-b-tar.gz");
        assert_eq!(key_segment("passwd"), "passwd");
        assert_eq!(key_segment("file"), "file");
    }

    #[test]
    fn the_type_comes_from_the_bytes_and_a_lie_is_refused() -> Result<(), String> {
        let found = inspect(&png(), Some("image/png"), 1000, &allowed()).map_err(|e| e.message)?;
        assert_eq!(found.content_type, "image/png");
        assert_eq!((found.width, found.height), (Some(3), Some(2)));
        assert!(inspect(&png(), None, 1000, &allowed()).is_ok());
        assert!(inspect(&png(), Some("application/octet-stream"), 1000, &allowed()).is_ok());
        let lie = inspect(&png(), Some("image/jpeg"), 1000, &allowed());
        assert!(lie.is_err_and(|e| e.message.contains("declared as image/jpeg")));
        let text = inspect(
            b"<svg onload=alert(1)>",
            Some("image/png"),
            1000,
            &allowed(),
        );
        assert!(text.is_err());
        let big = inspect(&png(), None, 10, &allowed());
        assert!(big.is_err_and(|e| e.message.contains("larger")));
        let gif = inspect(b"GIF89a\x01\x00\x01\x00", None, 1000, &allowed());
        assert!(gif.is_err_and(|e| e.message.contains("not allowed")));
        Ok(())
    }
}
