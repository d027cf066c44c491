//! HTML sanitizing: what survives from markdown (and raw HTML inside it) is a safe subset.
use ammonia::Builder;
use std::borrow::Cow;
use std::sync::LazyLock;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed(value)),
            ("code", "class") => value
                .split_whitespace()
                .all(|c| {
                    c.starts_with("language-")
                        && c.chars().all(|ch| {
                            ch.is_ascii_alphanumeric() || ch == '-' || ch == '+' || ch == '#'
                        })
                })
                .then_some(Cow::Borrowed(value)),
            ("div" | "sup", "class") => {
                matches!(value, "footnote-definition" | "footnote-reference")
                    .then_some(Cow::Borrowed(value))
            }
            ("th" | "td", "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then_some(Cow::Borrowed(value)),
            _ => Some(Cow::Borrowed(value)),
        });
    b
});

/// Removes scripts, event handlers, `javascript:` URLs and anything else outside the allowed set.
pub fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    /// Known XSS payloads (OWASP cheat sheet and friends): none may keep an executable part.
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<body onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
        "<form action=javascript:alert(1)><button>x</button></form>",
        "<input onfocus=alert(1) autofocus>",
        "<details open ontoggle=alert(1)>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<img src=\"x\" style=\"x:expression(alert(1))\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<template><script>alert(1)</script></template>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    ];

    #[test]
    fn no_known_xss_payload_survives() {
        for payload in PAYLOADS {
            let clean = sanitize(payload).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "<iframe",
                "<object",
                "ontoggle",
                "onfocus",
                "expression(",
                "<meta",
                "<base",
                "<form",
                "data:text/html",
                "<svg",
                "<style",
            ] {
                assert!(
                    !clean.contains(bad),
                    "{payload:?} left {bad:?} in {clean:?}"
                );
            }
        }
    }

    #[test]
    fn safe_markup_is_kept() {
        assert_eq!(sanitize("<h2 id=\"a-b\">T</h2>"), "<h2 id=\"a-b\">T</h2>");
        assert_eq!(
            sanitize("<code class=\"language-rust\">x</code>"),
            "<code class=\"language-rust\">x</code>"
        );
        assert_eq!(sanitize("<code class=\"evil\">x</code>"), "<code>x</code>");
        assert!(
            sanitize("<input type=\"checkbox\" checked=\"\" disabled=\"\">").contains("checkbox")
        );
        assert!(!sanitize("<input type=\"text\">").contains("text"));
    }
}
