//! Website domains in one canonical form: lowercase ASCII (IDN as punycode), without `www.`.
use crate::error::{AppError, AppResult, Reason};

/// A site's domain. `https://WWW.Example.com/about`, `example.com.` and `www.example.com` are
/// all `example.com`; `例子.中国` is `xn--fsqu00a.xn--fiqs8s`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DomainName(String);

impl DomainName {
    /// Normalizes and checks a domain or a URL naming one.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let invalid = |why: &str| {
            AppError::bad_input(field, format!("{value:?} is not a valid domain: {why}"))
                .because(Reason::InvalidDomain)
                .with("value", value)
        };
        let mut host = value.trim();
        if let Some((scheme, rest)) = host.split_once("://") {
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                return Err(invalid("only http and https URLs name a site"));
            }
            host = rest;
        }
        host = host.split(['/', '?', '#']).next().unwrap_or_default();
        if host.contains('@') {
            return Err(invalid("user information is not allowed"));
        }
        if host.starts_with('[') {
            return Err(invalid("IP addresses are not domains"));
        }
        if let Some((name, port)) = host.rsplit_once(':') {
            if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid("bad port"));
            }
            host = name;
        }
        let host = host.trim_end_matches('.');
        if host.is_empty() || host.len() > 253 * 4 {
            return Err(invalid("empty or too long"));
        }
        let ascii = match url::Host::parse(host) {
            Ok(url::Host::Domain(d)) => d,
            Ok(_) => return Err(invalid("IP addresses are not domains")),
            Err(_) => return Err(invalid("not a host name")),
        };
        let ascii = ascii.strip_prefix("www.").unwrap_or(&ascii).to_owned();
        if ascii.len() > 253 {
            return Err(invalid("longer than 253 characters"));
        }
        let labels: Vec<&str> = ascii.split('.').collect();
        if labels.len() < 2 {
            return Err(invalid("a domain needs a dot, such as example.com"));
        }
        for label in &labels {
            let ok = !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(invalid(
                    "labels are letters, digits and inner hyphens, at most 63 long",
                ));
            }
        }
        if labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(invalid("IP addresses are not domains"));
        }
        Ok(Self(ascii))
    }

    /// The canonical domain.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical domain, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        DomainName::parse("domain", s)
            .ok()
            .map(DomainName::into_string)
    }

    #[test]
    fn domains_are_normalized() {
        assert_eq!(p("Example.COM").as_deref(), Some("example.com"));
        assert_eq!(
            p("https://www.example.com/about?x=1").as_deref(),
            Some("example.com")
        );
        assert_eq!(p("www.example.com.").as_deref(), Some("example.com"));
        assert_eq!(
            p("shop.example.co.uk:8443").as_deref(),
            Some("shop.example.co.uk")
        );
        assert_eq!(p("例子.中国").as_deref(), Some("xn--fsqu00a.xn--fiqs8s"));
        assert_eq!(
            p("http://www.Bücher.de").as_deref(),
            Some("xn--bcher-kva.de")
        );
    }

    #[test]
    fn non_domains_are_refused() {
        for bad in [
            "",
            "localhost",
            "127.0.0.1",
            "[::1]",
            "ftp://example.com",
            "exa mple.com",
            "-a.com",
            "a..com",
            "user@example.com",
            "example.com:x",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
