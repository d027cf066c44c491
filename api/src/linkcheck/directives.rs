//! Robots directives on a page: `<meta name="robots">`, `<meta name="googlebot">` and the
//! `X-Robots-Tag` header, kept only when they address every crawler or Googlebot, the crawler
//! whose judgement the checker reports.
//!
//! An `X-Robots-Tag` value may name a crawler before its directives (`otherbot: noindex,
//! nofollow`); the name holds for the rest of the list, up to the next name, and each header
//! starts again with no name (every crawler). Directive names and crawler names are
//! case-insensitive. `none` means `noindex, nofollow`; `unavailable_after: DATE` means noindex
//! from that date on. Other directives (`noarchive`, `max-snippet: 20`, ...) say nothing about
//! whether a link counts and are ignored.
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The crawler the checker judges for.
const CRAWLER: &str = "googlebot";

/// Directives that take a value after a colon, so that their name is never taken for a
/// crawler's.
const WITH_VALUE: [&str; 4] = [
    "unavailable_after",
    "max-snippet",
    "max-image-preview",
    "max-video-preview",
];

/// What the directives addressed to Googlebot say, gathered over every meta tag and header (the
/// most restrictive wins).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Directives {
    /// `noindex` or `none`.
    pub noindex: bool,
    /// `nofollow` or `none`.
    pub nofollow: bool,
    /// The earliest `unavailable_after` date.
    pub unavailable_after: Option<DateTime<Utc>>,
}

impl Directives {
    /// Takes `<meta name content>` into account: only `robots` (every crawler) and `googlebot`.
    pub fn add_meta(&mut self, name: &str, content: &str) {
        let name = name.trim();
        if name.eq_ignore_ascii_case("robots") || name.eq_ignore_ascii_case(CRAWLER) {
            self.add_list(content);
        }
    }

    /// Takes one `X-Robots-Tag` header value into account.
    pub fn add_header(&mut self, value: &str) {
        self.add_list(value);
    }

    /// Whether the page may not be indexed at `now`.
    pub fn noindex_at(&self, now: DateTime<Utc>) -> bool {
        self.noindex || self.unavailable_after.is_some_and(|at| at <= now)
    }

    /// A comma-separated list of directives, each optionally after a crawler's name.
    fn add_list(&mut self, list: &str) {
        let mut ours = true;
        let mut items = list.split(',');
        while let Some(item) = items.next() {
            let mut item = item.trim();
            if let Some((head, rest)) = item.split_once(':') {
                let head = head.trim().to_ascii_lowercase();
                if is_crawler_name(&head) {
                    ours = matches!(head.as_str(), CRAWLER | "robots" | "*");
                    item = rest.trim();
                }
            }
            if !ours {
                continue;
            }
            let (name, value) = match item.split_once(':') {
                Some((name, value)) => (name.trim().to_ascii_lowercase(), Some(value.trim())),
                None => (item.to_ascii_lowercase(), None),
            };
            match (name.as_str(), value) {
                ("noindex", None) => self.noindex = true,
                ("nofollow", None) => self.nofollow = true,
                ("none", None) => {
                    self.noindex = true;
                    self.nofollow = true;
                }
                ("unavailable_after", Some(value)) => {
                    // RFC 822 and RFC 850 dates start with a weekday and a comma, which split
                    // the date in two: "Friday, 25-Jun-10 15:00:00 GMT".
                    let date = if value.chars().all(char::is_alphabetic) {
                        items.next().map(|rest| format!("{value}, {}", rest.trim()))
                    } else {
                        Some(value.to_owned())
                    };
                    if let Some(at) = date.as_deref().and_then(parse_date) {
                        self.unavailable_after =
                            Some(self.unavailable_after.map_or(at, |was| was.min(at)));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether `head` (lowercase, before a colon) names a crawler rather than a directive that
/// takes a value: a user-agent token such as `googlebot`, `bingbot` or `googlebot-news`.
fn is_crawler_name(head: &str) -> bool {
    head == "*"
        || (!head.is_empty()
            && !WITH_VALUE.contains(&head)
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
}

/// Reads a date in the formats Google documents for `unavailable_after` (RFC 822, RFC 850,
/// ISO 8601); a date without a time is its first instant, a time without a zone is UTC. An
/// unreadable date is ignored, as if the directive were absent.
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.to_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return day.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
    }
    // RFC 822 / 850: an optional weekday (not checked), then `25 Jun 2010` or `25-Jun-10`, a
    // time and a zone. Without the weekday, with spaces for dashes, chrono reads it as RFC 2822
    // (two-digit years and the US zone names included).
    let date = match text.split_once(',') {
        Some((weekday, rest)) if weekday.trim().chars().all(char::is_alphabetic) => rest,
        _ => text,
    };
    let date = date.trim().replacen('-', " ", 2);
    DateTime::parse_from_rfc2822(&date)
        .ok()
        .map(|at| at.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(values: &[&str]) -> (bool, bool) {
        let mut d = Directives::default();
        for v in values {
            d.add_header(v);
        }
        (d.noindex, d.nofollow)
    }

    fn date(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|d| d.to_utc())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn a_crawler_name_holds_for_the_rest_of_its_list() {
        assert_eq!(header(&["otherbot: noindex, nofollow"]), (false, false));
        assert_eq!(header(&["googlebot: nofollow"]), (false, true));
        assert_eq!(header(&["noindex, nofollow"]), (true, true));
        assert_eq!(
            header(&["googlebot: noindex, otherbot: nofollow"]),
            (true, false)
        );
        assert_eq!(
            header(&["otherbot: noindex, googlebot: nofollow"]),
            (false, true)
        );
        assert_eq!(header(&["otherbot: noindex", "nofollow"]), (false, true));
        assert_eq!(header(&["googlebot-news: none"]), (false, false));
        assert_eq!(header(&["robots: noindex"]), (true, false));
        assert_eq!(header(&["*: nofollow"]), (false, true));
    }

    #[test]
    fn names_and_directives_are_case_insensitive_and_none_means_both() {
        assert_eq!(header(&["GoogleBot: NONE"]), (true, true));
        assert_eq!(header(&["OtherBot: NoIndex"]), (false, false));
        assert_eq!(header(&[" NoFollow "]), (false, true));
        assert_eq!(header(&["all, index, follow, noarchive"]), (false, false));
    }

    #[test]
    fn directives_with_values_are_not_taken_for_crawlers() {
        assert_eq!(header(&["max-snippet: 20, nofollow"]), (false, true));
        assert_eq!(
            header(&["max-image-preview: large, noindex"]),
            (true, false)
        );
        assert_eq!(
            header(&["unavailable_after: 2999-01-01, nofollow"]),
            (false, true)
        );
    }

    #[test]
    fn meta_counts_for_robots_and_googlebot_only() {
        let meta = |name: &str, content: &str| {
            let mut d = Directives::default();
            d.add_meta(name, content);
            (d.noindex, d.nofollow)
        };
        assert_eq!(meta("robots", "noindex"), (true, false));
        assert_eq!(meta(" GOOGLEBOT ", "nofollow"), (false, true));
        assert_eq!(meta("bingbot", "noindex, nofollow"), (false, false));
        assert_eq!(meta("googlebot-news", "none"), (false, false));
        assert_eq!(meta("description", "noindex"), (false, false));
        // A crawler named inside the content is honoured there too.
        assert_eq!(meta("robots", "otherbot: noindex"), (false, false));
    }

    #[test]
    fn unavailable_after_is_noindex_from_its_date_on() {
        let before = date("2010-06-24T00:00:00Z");
        let after = date("2010-06-26T00:00:00Z");
        for value in [
            "unavailable_after: 25 Jun 2010 15:00:00 PST",
            "unavailable_after: Friday, 25-Jun-10 15:00:00 GMT",
            "unavailable_after: Fri, 25 Jun 2010 15:00:00 GMT",
            "unavailable_after: 25-Jun-2010 15:00:00 EST",
            "unavailable_after: 2010-06-25T15:00:00+02:00",
            "unavailable_after: 2010-06-25T15:00:00",
            "UNAVAILABLE_AFTER: 2010-06-25",
            "googlebot: unavailable_after: 2010-06-25",
        ] {
            let mut d = Directives::default();
            d.add_header(value);
            let at = d.unavailable_after;
            assert!(at.is_some(), "{value}");
            assert!(d.noindex_at(after) && !d.noindex, "{value}: {at:?}");
            assert!(!d.noindex_at(before), "{value}: {at:?}");
        }
        let mut d = Directives::default();
        d.add_header("otherbot: unavailable_after: 2010-06-25");
        d.add_header("unavailable_after: not a date");
        assert_eq!(d, Directives::default());
        // The earliest date wins.
        d.add_header("unavailable_after: 2030-01-01, unavailable_after: 2020-01-01");
        assert_eq!(d.unavailable_after, Some(date("2020-01-01T00:00:00Z")));
    }
}
