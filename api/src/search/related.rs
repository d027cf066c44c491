//! Related articles, ranked the same way on both engines. An article's profile is its key words
//! (title and tag words first, then body words; no stop words, no one-character Han words) and
//! its tags; each engine reports, within the article's site and locale, how many articles hold
//! each key word and each tag and which ones (and whether in the title, the tags or the body);
//! [`rank`] scores every candidate by the words and tags it shares, each weighted by how rare it
//! is (inverse document frequency), a title match above a tag match above a body match.
use super::SearchDoc;
use super::text;
use std::collections::HashMap;
use std::hash::Hash;

/// Key words of a profile: each costs the engine one lookup.
pub(crate) const MAX_TERMS: usize = 24;
/// Articles a lookup reports at most (the best matches of the word or tag).
pub(crate) const POOL: usize = 100;
/// Weight of a shared tag against that of a shared word.
const TAG_WEIGHT: f64 = 3.0;

/// Where a candidate holds a key word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Place {
    Body,
    Tags,
    Title,
}

impl Place {
    fn weight(self) -> f64 {
        match self {
            Self::Body => 1.0,
            Self::Tags => 1.5,
            Self::Title => 2.0,
        }
    }
}

/// The key words and tags of an article.
pub(crate) struct Profile {
    /// Key words with their weight in the article, heaviest first.
    pub terms: Vec<(String, f64)>,
    /// Tag slugs.
    pub tags: Vec<String>,
}

/// What an engine found for a profile within the article's site and locale, its articles named
/// by `K` (an ID, or where the engine keeps the article).
pub(crate) struct Evidence<K> {
    /// Articles in the site and locale.
    pub total: u64,
    /// For each key word of the profile (same order): how many articles hold it, and the best
    /// of them with the best place they hold it in.
    pub terms: Vec<(u64, Vec<(K, Place)>)>,
    /// For each tag of the profile (same order): how many articles carry it, and some of them.
    pub tags: Vec<(u64, Vec<K>)>,
}

/// Words too common to say what an article is about.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "both",
    "but",
    "by",
    "can",
    "do",
    "does",
    "each",
    "every",
    "for",
    "from",
    "get",
    "has",
    "have",
    "how",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "more",
    "most",
    "much",
    "need",
    "needs",
    "new",
    "no",
    "not",
    "now",
    "of",
    "often",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "per",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "two",
    "up",
    "us",
    "use",
    "very",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "within",
    "without",
    "you",
    "your",
    "一个",
    "一些",
    "一般",
    "不是",
    "不会",
    "之后",
    "之间",
    "也是",
    "以及",
    "以后",
    "以前",
    "但是",
    "例如",
    "其中",
    "几个",
    "可以",
    "同时",
    "哪些",
    "因为",
    "如何",
    "如果",
    "它们",
    "对于",
    "就是",
    "已经",
    "并且",
    "所以",
    "是否",
    "更多",
    "有些",
    "比如",
    "没有",
    "然后",
    "由于",
    "目前",
    "而且",
    "自己",
    "能够",
    "还是",
    "还有",
    "这个",
    "这些",
    "这样",
    "这种",
    "通过",
    "进行",
    "那些",
    "需要",
    "非常",
    "我们",
    "我们的",
    "你们",
    "他们",
    "客户",
    "什么",
    "怎么",
    "为什么",
    "一定",
    "大家",
];

/// Whether `word` (lower-cased) can say what an article is about.
fn is_key(word: &str) -> bool {
    let mut chars = word.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return false;
    };
    if second.is_none() && !first.is_ascii_alphanumeric() {
        return false; // One Han (or other) character: 的, 是, 品…
    }
    if word.chars().count() < 2 || word.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    !STOP_WORDS.contains(&word)
}

/// The profile of `doc`: up to [`MAX_TERMS`] key words, weighted 3 in the title, 2 in a tag and
/// 1 + ln(occurrences) in the body; heavier first, then longer (more specific), then earlier.
pub(crate) fn profile(doc: &SearchDoc) -> Profile {
    let mut weights: HashMap<String, (f64, usize)> = HashMap::new();
    let mut order = 0usize;
    let mut add = |word: String, weight: f64, weights: &mut HashMap<String, (f64, usize)>| {
        if is_key(&word) {
            order += 1;
            let entry = weights.entry(word).or_insert((0.0, order));
            entry.0 += weight;
        }
    };
    let mut title: Vec<String> = text::words(&doc.title)
        .into_iter()
        .map(|t| t.text)
        .collect();
    title.sort();
    title.dedup();
    for w in title {
        add(w, 3.0, &mut weights);
    }
    let mut tag_words: Vec<String> = doc
        .tags
        .iter()
        .flat_map(|t| text::words(&t.replace('-', " ")))
        .map(|t| t.text)
        .collect();
    tag_words.sort();
    tag_words.dedup();
    for w in tag_words {
        add(w, 2.0, &mut weights);
    }
    let mut body: HashMap<String, usize> = HashMap::new();
    for t in text::words(&doc.body) {
        *body.entry(t.text).or_default() += 1;
    }
    let mut body: Vec<(String, usize)> = body.into_iter().collect();
    body.sort();
    for (w, n) in body {
        add(w, 1.0 + (n as f64).ln(), &mut weights);
    }
    let mut terms: Vec<(String, f64, usize)> =
        weights.into_iter().map(|(w, (s, o))| (w, s, o)).collect();
    terms.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.0.chars().count().cmp(&a.0.chars().count()))
            .then(a.2.cmp(&b.2))
            .then(a.0.cmp(&b.0))
    });
    terms.truncate(MAX_TERMS);
    Profile {
        terms: terms.into_iter().map(|(w, s, _)| (w, s)).collect(),
        tags: doc.tags.clone(),
    }
}

/// Inverse document frequency of something `df` of `total` articles hold.
fn idf(total: u64, df: u64) -> f64 {
    (1.0 + total.max(1) as f64 / df.max(1) as f64).ln()
}

/// The best `limit` related articles: by the rarity-weighted words and tags they share with the
/// profile's article, then the newest (`published` says when each was published); never
/// `itself`.
pub(crate) fn rank<K: Copy + Eq + Hash + Ord>(
    profile: &Profile,
    found: &Evidence<K>,
    itself: Option<K>,
    published: impl Fn(K) -> i64,
    limit: usize,
) -> Vec<K> {
    let mut scores: HashMap<K, f64> = HashMap::new();
    for ((_, weight), (df, holders)) in profile.terms.iter().zip(&found.terms) {
        let idf = idf(found.total, *df);
        for (id, place) in holders {
            *scores.entry(*id).or_default() += weight * idf * place.weight();
        }
    }
    for (df, carriers) in &found.tags {
        let idf = idf(found.total, *df);
        for id in carriers {
            *scores.entry(*id).or_default() += TAG_WEIGHT * idf;
        }
    }
    if let Some(itself) = itself {
        scores.remove(&itself);
    }
    let mut ranked: Vec<(K, f64, i64)> = scores
        .into_iter()
        .map(|(k, s)| (k, s, published(k)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(limit).map(|(id, ..)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_profile_skips_stop_words_and_single_han_characters_and_puts_the_title_first() {
        let doc = SearchDoc {
            id: Uuid::new_v4(),
            site: Uuid::new_v4(),
            locale: "zh-CN".into(),
            title: "生成式人工智能的应用".into(),
            excerpt: String::new(),
            body: "我们的工厂是一个 AI 工厂，人工智能 for the win。".into(),
            tags: vec!["aigc".into()],
            status: "published".into(),
            published_at: 0,
        };
        let p = profile(&doc);
        let words: Vec<&str> = p.terms.iter().map(|(w, _)| w.as_str()).collect();
        for skipped in ["的", "是", "我们的", "the", "for", "一个"] {
            assert!(!words.contains(&skipped), "{skipped} in {words:?}");
        }
        assert!(words.contains(&"ai"), "{words:?}");
        assert_eq!(words.first(), Some(&"人工智能"), "{words:?}");
        assert!(words.contains(&"aigc"), "{words:?}");
    }
}
