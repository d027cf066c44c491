//! robots.txt: which paths a crawler may fetch (RFC 9309 groups, `*` and `$`, longest match).
//!
//! A link counts for search engines only if they may crawl the page, so the checker judges a
//! page by the group for `googlebot` (or `*` when the file has none).

/// `(allow, pattern)` pairs.
type Rules = Vec<(bool, String)>;

/// The rules of one robots.txt for one user agent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Robots {
    rules: Rules,
}

impl Robots {
    /// A file that allows everything (missing, 4xx, or unreadable robots.txt).
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Parses `text` and keeps the rules that apply to `agent` (its product token, any case).
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        // (agents of the group, rules of the group)
        let mut groups: Vec<(Vec<String>, Rules)> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                        in_agents = true;
                    }
                    if let Some(group) = groups.last_mut() {
                        group.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(group) = groups.last_mut()
                        && !value.is_empty()
                    {
                        group.1.push((key == "allow", value.to_owned()));
                    }
                }
                _ => {}
            }
        }
        let pick = |wanted: &dyn Fn(&str) -> bool| -> Option<Rules> {
            let mut rules = Vec::new();
            let mut any = false;
            for (agents, group_rules) in &groups {
                if agents.iter().any(|a| wanted(a)) {
                    any = true;
                    rules.extend(group_rules.iter().cloned());
                }
            }
            any.then_some(rules)
        };
        let rules = pick(&|a| a == agent)
            .or_else(|| pick(&|a| a == "*"))
            .unwrap_or_default();
        Self { rules }
    }

    /// Whether `path` (with its query) may be crawled.
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Matches a robots.txt pattern (`*` any run, `$` at the end anchors) against a path prefix.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let pat: Vec<char> = pattern.chars().collect();
    let txt: Vec<char> = path.chars().collect();
    // Iterative glob with backtracking over the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pat.len() {
            if !anchored || t == txt.len() {
                return true;
            }
        } else if pat[p] == '*' {
            star = Some((p, t));
            p += 1;
            continue;
        } else if t < txt.len() && pat[p] == txt[t] {
            p += 1;
            t += 1;
            continue;
        }
        match star {
            Some((sp, st)) if st < txt.len() => {
                star = Some((sp, st + 1));
                p = sp + 1;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_longest_match_and_wildcards() {
        let text = "User-agent: *\nDisallow: /private\nAllow: /private/ok\n\n\
                    User-agent: Googlebot\nUser-agent: bingbot\nDisallow: /links$\nDisallow: /*.php\n";
        let google = Robots::parse(text, "googlebot");
        assert!(!google.allows("/links"));
        assert!(google.allows("/links/2"));
        assert!(!google.allows("/a/b.php?x=1"));
        assert!(google.allows("/private"));
        let other = Robots::parse(text, "wharf");
        assert!(!other.allows("/private/x"));
        assert!(other.allows("/private/ok/page"));
        assert!(other.allows("/"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n", "x").allows("/any"));
        assert!(!Robots::parse("User-agent: *\nDisallow: /\n", "x").allows("/any"));
    }
}
