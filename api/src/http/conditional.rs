//! Conditional requests: whether a request's `If-None-Match` names the current representation.
use actix_web::HttpRequest;
use actix_web::http::header;

/// Whether `If-None-Match` lists `etag` (a strong validator, quotes included) or is `*`. The
/// comparison is the weak one RFC 9110 prescribes for this header: `W/"x"` matches `"x"`, as
/// a CDN that compressed the response on its way sends it back.
pub(crate) fn none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with(values: &[&str]) -> HttpRequest {
        let mut req = TestRequest::default();
        for v in values {
            req = req.append_header((header::IF_NONE_MATCH, *v));
        }
        req.to_http_request()
    }

    #[test]
    fn lists_stars_and_weak_forms_match_and_others_do_not() {
        let etag = "\"abc\"";
        assert!(none_match(&with(&["\"abc\""]), etag));
        assert!(none_match(&with(&["\"x\", W/\"abc\""]), etag));
        assert!(none_match(&with(&["\"x\"", "\"abc\""]), etag));
        assert!(none_match(&with(&["*"]), etag));
        assert!(!none_match(&with(&["\"abcd\""]), etag));
        assert!(!none_match(&with(&["abc"]), etag));
        assert!(!none_match(&with(&[]), etag));
    }
}
