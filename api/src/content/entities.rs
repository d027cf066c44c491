//! Character references (`&amp;`, `&#106;`, `&#x6A;`, `&eacute;`) decoded as the HTML tokenizer
//! decodes them, with the table of named references the HTML standard defines.
use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// Where the text stands: attribute values do not decode a legacy reference without `;` that is
/// followed by a letter, digit or `=` (`?a=1&copy=2` keeps `&copy`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Text,
    Attribute,
}

/// Longest named reference, `;` included.
const LONGEST_NAME: usize = 33;

/// Decodes the references in `raw`, handing each run of decoded text to `emit` (which escapes
/// it for the output, or keeps it as it is). Linear: each reference is at most a few dozen bytes.
pub fn decode_into(
    raw: &str,
    context: Context,
    out: &mut String,
    emit: impl Fn(&mut String, &str),
) {
    let mut last = 0;
    let mut search = 0;
    while let Some(found) = raw[search..].find('&') {
        let amp = search + found;
        search = amp + 1;
        let Some((decoded, len)) = reference(&raw[amp + 1..], context) else {
            continue;
        };
        emit(out, &raw[last..amp]);
        let mut buf = [0u8; 8];
        let mut at = 0;
        for c in decoded.into_iter().flatten() {
            at += c.encode_utf8(&mut buf[at..]).len();
        }
        emit(out, std::str::from_utf8(&buf[..at]).unwrap_or("\u{fffd}"));
        last = amp + 1 + len;
        search = last;
    }
    emit(out, &raw[last..]);
}

/// The characters a reference after `&` stands for, and how many bytes it takes.
fn reference(rest: &str, context: Context) -> Option<([Option<char>; 2], usize)> {
    if let Some(numeric) = rest.strip_prefix('#') {
        return numeric_reference(numeric).map(|(c, len)| ([Some(c), None], len + 1));
    }
    let bytes = rest.as_bytes();
    let mut best = None;
    for len in 1..=LONGEST_NAME.min(bytes.len()) {
        let last = bytes[len - 1];
        if !(last.is_ascii_alphanumeric() || last == b';') {
            break;
        }
        // The table holds every prefix of every name (those map to 0), so a miss ends the walk.
        let Some(&(first, second)) = NAMED_ENTITIES.get(&rest[..len]) else {
            break;
        };
        if first != 0 {
            best = Some((first, second, len));
        }
        if last == b';' {
            break;
        }
    }
    let (first, second, len) = best?;
    let terminated = bytes[len - 1] == b';';
    let next = bytes.get(len).copied();
    if context == Context::Attribute
        && !terminated
        && next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'=')
    {
        return None;
    }
    let first = char::from_u32(first);
    let second = (second != 0).then(|| char::from_u32(second)).flatten();
    Some(([first, second], len))
}

/// `&#106;` or `&#x6A;` (the `;` optional), with the standard's replacements for NUL,
/// surrogates, out-of-range values and the C1 controls.
fn numeric_reference(rest: &str) -> Option<(char, usize)> {
    let bytes = rest.as_bytes();
    let (hex, start) = match bytes.first() {
        Some(b'x' | b'X') => (true, 1),
        _ => (false, 0),
    };
    let mut at = start;
    let mut value: u32 = 0;
    while let Some(&b) = bytes.get(at) {
        let digit = if hex {
            (b as char).to_digit(16)
        } else {
            (b as char).to_digit(10)
        };
        let Some(digit) = digit else { break };
        value = value
            .saturating_mul(if hex { 16 } else { 10 })
            .saturating_add(digit);
        at += 1;
    }
    if at == start {
        return None;
    }
    if bytes.get(at) == Some(&b';') {
        at += 1;
    }
    let c = match value {
        0 => '\u{fffd}',
        0x80..=0x9F => C1_REPLACEMENTS[(value - 0x80) as usize]
            .unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{fffd}')),
        _ => char::from_u32(value).unwrap_or('\u{fffd}'),
    };
    Some((c, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str, context: Context) -> String {
        let mut out = String::new();
        decode_into(raw, context, &mut out, |o, s| o.push_str(s));
        out
    }

    #[test]
    fn references_decode_as_a_browser_decodes_them() {
        let t = |raw| decode(raw, Context::Text);
        assert_eq!(t("&#106;avascript&#x3A;"), "javascript:");
        assert_eq!(t("&#0000106&#0000097"), "ja");
        assert_eq!(t("&Tab;&NewLine;&colon;&amp;&lt;"), "\t\n:&<");
        assert_eq!(t("caf&eacute; &copy 2026"), "café © 2026");
        assert_eq!(
            t("&#0;&#xD800;&#x110000;&#128;"),
            "\u{fffd}\u{fffd}\u{fffd}€"
        );
        assert_eq!(t("&nosuch; & &#; &#x;"), "&nosuch; & &#; &#x;");
        assert_eq!(t("&NotEqualTilde;"), "\u{2242}\u{338}");
        assert_eq!(t("中文&amp;中文"), "中文&中文");
        let a = |raw| decode(raw, Context::Attribute);
        assert_eq!(a("?a=1&copy=2&amp;b"), "?a=1&copy=2&b");
        assert_eq!(a("&copy 2026"), "© 2026");
    }

    #[test]
    fn long_runs_of_ampersands_and_names_stay_linear() {
        let body =
            "&".repeat(100_000) + &"&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".repeat(10_000);
        assert_eq!(decode(&body, Context::Text), body);
    }
}
