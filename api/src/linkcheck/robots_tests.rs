//! robots.txt decisions through the checker's own reading: [`Robots::parse`] on the file's bytes
//! for the agent, then [`Robots::allows`] on the path and query the checker takes from the page's
//! `url::Url` ([`path_of`]). Google's test suite is in `robots_google_tests.rs`.
use super::Robots;
use crate::linkcheck::{INDEXING_AGENT, path_of};
use url::Url;

/// Asserts the checker's decision on `url` (empty: the root, as in Google's tests) when the site's
/// robots.txt is `robots` and the crawler is `agent`.
#[track_caller]
pub(super) fn check(robots: impl AsRef<[u8]>, agent: &str, url: &str, allowed: bool) {
    let path = match Url::parse(url) {
        Ok(url) => path_of(&url),
        Err(_) if url.is_empty() => "/".to_owned(),
        Err(e) => panic!("{url}: {e}"),
    };
    let robots = robots.as_ref();
    let shown = |text: &str| text.chars().take(200).collect::<String>();
    assert_eq!(
        Robots::parse(robots, agent).allows(&path),
        allowed,
        "{agent} on {} under\n{}",
        shown(&path),
        shown(&String::from_utf8_lossy(robots))
    );
}

#[test]
fn the_checker_reads_the_googlebot_group_or_else_the_one_for_everyone() {
    let everyone = "User-agent: *\nDisallow: /private\n";
    let url = "http://blog.test/private/page";
    check(everyone, INDEXING_AGENT, url, false);
    for google in [
        "User-agent: Googlebot",
        "User-agent: GOOGLEBOT",
        "user-agent googlebot",
        "User-agent: Googlebot/2.1 (+http://www.google.com/bot.html)",
        "User-agent: bingbot\nUser-agent: Googlebot # and Google",
    ] {
        check(
            format!("{everyone}\n{google}\nDisallow: /admin\n"),
            INDEXING_AGENT,
            url,
            true,
        );
        check(
            format!("{google}\nDisallow: /admin\n\n{everyone}"),
            INDEXING_AGENT,
            "http://blog.test/admin",
            false,
        );
    }
    // Groups for other Google crawlers are not Googlebot's.
    let others =
        format!("{everyone}\nUser-agent: Googlebot-News\nUser-agent: Googlebot-Image\nAllow: /\n");
    check(&others, INDEXING_AGENT, url, false);
    // No group for Googlebot or everyone: nothing is disallowed.
    check(
        "User-agent: bingbot\nDisallow: /\n",
        INDEXING_AGENT,
        url,
        true,
    );
    check("Disallow: /\n", INDEXING_AGENT, url, true);
    assert!(Robots::allow_all().allows("/private"));
}

#[test]
fn groups_longest_match_and_wildcards() {
    let text = "User-agent: *\nDisallow: /private\nAllow: /private/ok\n\n\
                User-agent: Googlebot\nUser-agent: bingbot\nDisallow: /links$\nDisallow: /*.php\n";
    check(text, "googlebot", "http://a.test/links", false);
    check(text, "googlebot", "http://a.test/links/2", true);
    check(text, "googlebot", "http://a.test/a/b.php?x=1", false);
    check(text, "googlebot", "http://a.test/private", true);
    check(text, "wharf", "http://a.test/private/x", false);
    check(text, "wharf", "http://a.test/private/ok/page", true);
    check(text, "wharf", "http://a.test/", true);
    check("User-agent: *\nDisallow:\n", "x", "http://a.test/any", true);
    check(
        "User-agent: *\nDisallow: /\n",
        "x",
        "http://a.test/any",
        false,
    );
}

#[test]
fn a_star_matches_any_run_even_after_a_false_start() {
    for (pattern, path) in [
        ("/*a$", "/xaya"),
        ("/*.php$", "/a.php.php"),
        ("/*abd", "/abcabd"),
        ("/*/private", "/a/b/private"),
        ("/*ab$", "/aab"),
    ] {
        let robots = format!("User-agent: *\nDisallow: {pattern}\n");
        check(
            &robots,
            INDEXING_AGENT,
            &format!("http://a.test{path}"),
            false,
        );
    }
}

#[test]
fn chinese_paths_and_queries_reach_the_rules_encoded() {
    let robots =
        "User-agent: *\nDisallow: /产品/\nDisallow: /*?q=外贸\nAllow: /%E4%BA%A7%E5%93%81/公开\n";
    check(robots, INDEXING_AGENT, "http://a.test/产品/阀门", false);
    check(
        robots,
        INDEXING_AGENT,
        "http://a.test/%E4%BA%A7%E5%93%81/x",
        false,
    );
    check(robots, INDEXING_AGENT, "http://a.test/产品/公开/页", true);
    check(
        robots,
        INDEXING_AGENT,
        "http://a.test/search?q=外贸展会",
        false,
    );
    check(robots, INDEXING_AGENT, "http://a.test/search?q=trade", true);
}

#[test]
fn only_the_first_500_kib_are_read() {
    let filler = "# padding to push the next rule out\n".repeat(robotxt::BYTE_LIMIT / 36 + 1);
    let early = format!("User-agent: *\nDisallow: /early\n{filler}Disallow: /late\n");
    assert!(filler.len() > robotxt::BYTE_LIMIT);
    check(&early, INDEXING_AGENT, "http://a.test/early", false);
    check(&early, INDEXING_AGENT, "http://a.test/late", true);
    // The line that crosses the limit is dropped whole, even when Google's reading shortens
    // the lines before it: here the limit falls after its `Disallow: /x-`.
    let mut crossing =
        String::from("User-agent: Googlebot/2.1 (+http://www.google.com/bot.html)\n");
    let target = robotxt::BYTE_LIMIT - "Disallow: /x".len();
    while crossing.len() < target {
        let room = (target - crossing.len()).min(1000);
        crossing.push_str(&"#".repeat(room - 1));
        crossing.push('\n');
    }
    crossing.push_str("Disallow: /x-cut\n");
    check(&crossing, INDEXING_AGENT, "http://a.test/x-cut", true);
}
