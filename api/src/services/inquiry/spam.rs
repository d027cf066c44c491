//! The spam signals read from the text alone (links, repeated text), the names of every
//! signal as stored in `spam_reasons`, and the message fingerprint for duplicates.
use sha2::{Digest, Sha256};

/// Why an inquiry went to the spam folder, as stored and shown (`spamReasons`).
pub mod reasons {
    /// The hidden field humans never see was filled in.
    pub const HONEYPOT: &str = "honeypot";
    /// No form token was sent.
    pub const TOKEN_MISSING: &str = "token_missing";
    /// The token was not made by this server, or for another site.
    pub const TOKEN_INVALID: &str = "token_invalid";
    /// Sent sooner after fetching the form than a person types.
    pub const TOKEN_TOO_YOUNG: &str = "token_too_young";
    /// The token is older than its lifetime.
    pub const TOKEN_TOO_OLD: &str = "token_too_old";
    /// The token was already used for another inquiry.
    pub const TOKEN_REUSED: &str = "token_reused";
    /// More links than the limit in the name, company and message.
    pub const TOO_MANY_LINKS: &str = "too_many_links";
    /// The message repeats one word or character over and over.
    pub const REPEATED_TEXT: &str = "repeated_text";
    /// The same email sent the same message shortly before.
    pub const DUPLICATE: &str = "duplicate";
    /// The sender's email is on the site's blocked list (fed by `markInquirySpam`).
    pub const BLOCKED_SENDER: &str = "blocked_sender";
    /// Too many inquiries from this IP address within the hour.
    pub const RATE_LIMIT_IP: &str = "rate_limit_ip";
    /// Too many inquiries from this email within the hour.
    pub const RATE_LIMIT_EMAIL: &str = "rate_limit_email";
    /// The site asks for a proof of work and none (or a wrong one) came with the token.
    pub const PROOF_OF_WORK: &str = "proof_of_work";
}

/// How many links the texts hold: `http://`, `https://` and `www.` in any case, and `[url=`.
pub fn count_links(texts: &[&str]) -> usize {
    texts
        .iter()
        .map(|t| {
            let lower = t.to_lowercase();
            ["http://", "https://", "www.", "[url="]
                .iter()
                .map(|p| lower.matches(p).count())
                .sum::<usize>()
                // `https://www.x` is one link, not two.
                .saturating_sub(lower.matches("://www.").count())
        })
        .sum()
}

/// Whether `message` is mostly repetition: at least 8 words of which under 30 % differ, or one
/// character (not white space) 12 times or more in a row.
pub fn is_repetitive(message: &str) -> bool {
    let words: Vec<String> = message
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() >= 8 {
        let mut distinct = words.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() * 10 < words.len() * 3 {
            return true;
        }
    }
    let mut run = 0;
    let mut last = None;
    for c in message.chars() {
        if c.is_whitespace() {
            run = 0;
            last = None;
            continue;
        }
        run = if last == Some(c) { run + 1 } else { 1 };
        last = Some(c);
        if run >= 12 {
            return true;
        }
    }
    false
}

/// The fingerprint of a message for duplicate detection: SHA-256 (hex) of its words in lower
/// case joined by single spaces, so re-sent text with other spacing or case still matches.
pub fn message_hash(message: &str) -> String {
    let normalized: Vec<String> = message.split_whitespace().map(str::to_lowercase).collect();
    hex::encode(Sha256::digest(normalized.join(" ").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_counted_once_each() {
        assert_eq!(count_links(&["see https://www.a.com and http://b.com"]), 2);
        assert_eq!(count_links(&["WWW.A.COM", "[url=x]"]), 2);
        assert_eq!(count_links(&["2,000 DN50 ball valves, FOB Ningbo"]), 0);
    }

    #[test]
    fn repetition_is_recognized_and_real_messages_pass() {
        assert!(is_repetitive("buy buy buy buy buy buy buy buy cheap"));
        assert!(is_repetitive("好好好好好好好好好好好好"));
        assert!(is_repetitive("!!!!!!!!!!!!!!"));
        assert!(!is_repetitive(
            "We need 2,000 DN50 ball valves, FOB Ningbo, delivery in March. Please quote."
        ));
        assert!(!is_repetitive(
            "我们需要两千个DN50球阀，宁波离岸价，请报价。"
        ));
        assert!(!is_repetitive("Price?"));
    }

    #[test]
    fn the_fingerprint_ignores_spacing_and_case() {
        assert_eq!(message_hash("Hello  World\n"), message_hash("hello world"));
        assert_ne!(message_hash("hello world"), message_hash("hello there"));
    }
}
