//! Chinese word segmentation: jieba's search mode (dictionary DAG, most probable route, an HMM for
//! what the dictionary leaves as single characters, then each word's 2- and 3-character parts
//! that are words too), over jieba's dictionary compiled by `build.rs` into a character trie that
//! is embedded in the binary and read in place.
//!
//! jieba-rs keeps its dictionary in heap tables of about 30 MB (a hash trie, per-word records and
//! the decompressed dictionary text). The trie is 6 MB of read-only data in the binary: a process
//! pays only for the pages its lookups touch, and they are shared page cache, not heap.
//! The words are jieba's own: `tests::segmentation_equals_jiebas` compares them with jieba-rs
//! running its embedded dictionary. The HMM is jieba-rs's, on an instance with no dictionary.
use std::cmp::Ordering;
use std::ops::Range;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/han-dict.rs"));

static DICTIONARY_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/han-dict.trie"));

/// The dictionary. `None` only if the embedded bytes were not a trie, which
/// `tests::the_dictionary_is_embedded` rules out; every character would then be a word.
static DICTIONARY: LazyLock<Option<Trie>> = LazyLock::new(|| Trie::parse(DICTIONARY_BYTES));

/// The little-endian u32 at index `i` of `bytes` (0 past the end).
fn u32_at(bytes: &[u8], i: usize) -> u32 {
    bytes
        .get(4 * i..4 * i + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// jieba's dictionary as a character trie, read in place (the layout is described in `build.rs`).
struct Trie {
    root_first: u32,
    root: &'static [u8],
    chars: &'static [u8],
    freqs: &'static [u8],
    first_child: &'static [u8],
}

impl Trie {
    fn parse(bytes: &'static [u8]) -> Option<Self> {
        let (magic, rest) = bytes.split_at_checked(4)?;
        if magic != b"WHT1" {
            return None;
        }
        let nodes = usize::try_from(u32_at(rest, 0)).ok()?;
        let root_first = u32_at(rest, 1);
        let root_len = usize::try_from(u32_at(rest, 2)).ok()?;
        let (root, rest) = rest.get(12..)?.split_at_checked(4 * root_len)?;
        let (chars, rest) = rest.split_at_checked(4 * nodes)?;
        let (freqs, first_child) = rest.split_at_checked(4 * nodes)?;
        (first_child.len() == 4 * (nodes + 1)).then_some(Self {
            root_first,
            root,
            chars,
            freqs,
            first_child,
        })
    }

    /// The child of `node` reached by `c`.
    fn child(&self, node: u32, c: char) -> Option<u32> {
        let c = c as u32;
        if node == 0
            && let Some(i) = c.checked_sub(self.root_first)
            && (i as usize) < self.root.len() / 4
        {
            return Some(u32_at(self.root, i as usize)).filter(|&child| child != 0);
        }
        let mut lo = u32_at(self.first_child, node as usize);
        let mut hi = u32_at(self.first_child, node as usize + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match u32_at(self.chars, mid as usize).cmp(&c) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Frequency of the word ending at `node`; 0 when it is only the start of words.
    fn freq(&self, node: u32) -> u32 {
        u32_at(self.freqs, node as usize)
    }
}

/// jieba-rs with an empty dictionary, used only for its HMM (half a megabyte).
static HMM: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::empty);

/// The characters jieba segments as Chinese (jieba-rs's `is_cjk`). Any other character of a Han
/// run (the newest CJK extensions) is a word of its own, as jieba makes it.
fn segmented_by_jieba(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// The words of `text`, a run of Han characters, in jieba's search mode, as byte ranges of
/// `text`: each word comes after those of its 2- and 3-character parts that are dictionary words.
pub fn cut_for_search(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut block_start = None;
    for (at, c) in text.char_indices() {
        if segmented_by_jieba(c) {
            block_start.get_or_insert(at);
        } else {
            if let Some(start) = block_start.take() {
                Block::new(&text[start..at]).cut(start, &mut words);
            }
            words.push(at..at + c.len_utf8());
        }
    }
    if let Some(start) = block_start {
        Block::new(&text[start..]).cut(start, &mut words);
    }
    words
}

/// One block of Chinese and the dictionary words found in it.
struct Block<'a> {
    text: &'a str,
    /// Byte offset of each character, then the block's length.
    bounds: Vec<usize>,
    /// The words starting at character `i` are `edges[starts[i]..starts[i + 1]]`, as (character
    /// the word ends before, frequency), shortest first.
    starts: Vec<usize>,
    edges: Vec<(usize, u64)>,
}

impl<'a> Block<'a> {
    fn new(text: &'a str) -> Self {
        let mut bounds = Vec::with_capacity(text.len() / 3 + 1);
        let mut chars = Vec::with_capacity(text.len() / 3);
        for (at, c) in text.char_indices() {
            bounds.push(at);
            chars.push(c);
        }
        bounds.push(text.len());
        let mut starts = Vec::with_capacity(chars.len() + 1);
        let mut edges = Vec::with_capacity(chars.len() * 2);
        for from in 0..chars.len() {
            starts.push(edges.len());
            let Some(trie) = DICTIONARY.as_ref() else {
                continue;
            };
            let mut node = 0;
            for (to, &c) in chars.iter().enumerate().skip(from) {
                let Some(child) = trie.child(node, c) else {
                    break;
                };
                node = child;
                let freq = trie.freq(node);
                if freq > 0 {
                    edges.push((to + 1, u64::from(freq)));
                }
            }
        }
        starts.push(edges.len());
        Self {
            text,
            bounds,
            starts,
            edges,
        }
    }

    fn chars(&self) -> usize {
        self.bounds.len() - 1
    }

    fn is_word(&self, from: usize, to: usize) -> bool {
        self.edges[self.starts[from]..self.starts[from + 1]]
            .iter()
            .any(|&(end, _)| end == to)
    }

    /// Where the most probable segmentation goes from each character (jieba's `calc`: the sum of
    /// ln(frequency / total) along the route, unknown characters counting as frequency 1; on a
    /// tie the longer word wins).
    fn route(&self) -> Vec<usize> {
        let n = self.chars();
        let log_total = (TOTAL_FREQ as f64).ln();
        let mut prob = vec![0.0f64; n + 1];
        let mut next = vec![n; n + 1];
        for from in (0..n).rev() {
            let mut best: Option<(f64, usize)> = None;
            for &(end, freq) in &self.edges[self.starts[from]..self.starts[from + 1]] {
                let p = (freq as f64).ln() - log_total + prob[end];
                if best.is_none_or(|(bp, be)| p > bp || (p == bp && end > be)) {
                    best = Some((p, end));
                }
            }
            let (p, end) = best.unwrap_or((0.0 - log_total + prob[from + 1], from + 1));
            prob[from] = p;
            next[from] = end;
        }
        next
    }

    /// Pushes the block's words, as ranges of the text the block starts at `base` of.
    fn cut(&self, base: usize, words: &mut Vec<Range<usize>>) {
        let next = self.route();
        let n = self.chars();
        let mut from = 0;
        let mut singles = None;
        while from < n {
            let to = next[from];
            if to - from == 1 {
                singles.get_or_insert(from);
            } else {
                if let Some(start) = singles.take() {
                    self.cut_singles(start, from, base, words);
                }
                self.push(from, to, base, words);
            }
            from = to;
        }
        if let Some(start) = singles {
            self.cut_singles(start, n, base, words);
        }
    }

    /// A run of characters the route left single: one word if the dictionary has it whole (the
    /// route found a likelier split), else the HMM's words.
    fn cut_singles(&self, from: usize, to: usize, base: usize, words: &mut Vec<Range<usize>>) {
        if to - from == 1 {
            self.push(from, to, base, words);
        } else if !self.is_word(from, to) {
            let run = &self.text[self.bounds[from]..self.bounds[to]];
            for token in HMM.cut(run, true) {
                self.push(from + token.start, from + token.end, base, words);
            }
        } else {
            for at in from..to {
                self.push(at, at + 1, base, words);
            }
        }
    }

    /// Pushes the word of characters `from..to`, after its parts of 2 and 3 characters that are
    /// words (search mode).
    fn push(&self, from: usize, to: usize, base: usize, words: &mut Vec<Range<usize>>) {
        let range = |a: usize, b: usize| base + self.bounds[a]..base + self.bounds[b];
        for part in [2, 3] {
            if to - from > part {
                for at in from..=to - part {
                    if self.is_word(at, at + part) {
                        words.push(range(at, at + part));
                    }
                }
            }
        }
        words.push(range(from, to));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_is_embedded() {
        let trie = DICTIONARY.as_ref();
        assert!(trie.is_some(), "the embedded bytes are a trie");
        let Some(trie) = trie else { return };
        let lookup = |word: &str| {
            let node = word.chars().try_fold(0, |node, c| trie.child(node, c))?;
            Some(trie.freq(node))
        };
        assert_eq!(lookup("北京大学"), Some(2053));
        assert_eq!(lookup("北京大"), Some(0), "a prefix, not a word");
        assert_eq!(lookup("北京大楼学"), None);
        let words = (0..trie.chars.len() / 4)
            .filter(|&n| trie.freq(n as u32) > 0)
            .count();
        assert_eq!(words, 348_974);
    }

    /// Runs of Han text, as `text::words` hands them over.
    fn runs_of(text: &str) -> Vec<&str> {
        super::super::text::runs(text)
            .filter(|(_, _, han)| *han)
            .map(|(_, run, _)| run)
            .collect()
    }

    /// Prose of several registers (trade, news, technical, names the dictionary lacks, classical
    /// and traditional characters), then pseudo-random strings of common characters, which give
    /// the HMM and the ties of the route much more to do than prose.
    fn corpus() -> Vec<String> {
        let mut texts: Vec<String> = [
            "张华考上了北京大学；李萍进了中等技术学校；我在百货公司当售货员：我们都有光明的前途",
            "我们是一家专业生产不锈钢管道配件的外贸企业，产品出口到欧洲、北美和东南亚，通过ISO9001认证。",
            "广州交易会（广交会）每年春秋两季举办，是中国历史最长、规模最大的综合性国际贸易盛会。",
            "小明硕士毕业于中国科学院计算所，后在日本京都大学深造",
            "工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作",
            "结婚的和尚未结婚的；他说的确实在理；南京市长江大桥",
            "永和服装饰品有限公司的报价单请于本周五前发送至采购部邮箱",
            "海运费上涨导致离岸价格与到岸价格之间的差额扩大，买家要求重新报价。",
            "臺灣的繁體中文網站也需要支援搜尋，例如貿易展覽會與產品目錄。",
            "学而时习之不亦说乎有朋自远方来不亦乐乎人不知而不愠不亦君子乎",
            "欧阳娜娜和诸葛亮亮相慕容复的新闻发布会",
            "𠀀𠀁𠀂中文𰀀𰀁测试㐀㐁豈更",
            "一",
            "的的的的的的的的的的",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let common: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分\
            对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如\
            水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日\
            那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结\
            解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特\
            件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战\
            先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什\
            认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完\
            类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影\
            算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸\
            历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却\
            专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap_or(0)
        };
        for _ in 0..3000 {
            let len = 1 + next(24);
            texts.push((0..len).map(|_| common[next(common.len())]).collect());
        }
        texts
    }

    #[test]
    fn segmentation_equals_jiebas() {
        let jieba = jieba_rs::Jieba::new();
        let mut words = 0;
        for text in corpus() {
            for run in runs_of(&text) {
                let ours: Vec<(usize, &str)> = cut_for_search(run)
                    .into_iter()
                    .map(|r| (r.start, &run[r]))
                    .collect();
                let theirs: Vec<(usize, &str)> = jieba
                    .cut_for_search(run, true)
                    .into_iter()
                    .map(|t| (t.byte_start, t.word))
                    .collect();
                assert_eq!(ours, theirs, "segmenting {run:?}");
                words += ours.len();
            }
        }
        assert!(words > 20_000, "the corpus gave only {words} words");
    }

    #[test]
    fn search_mode_adds_the_parts_that_are_words() {
        let text = "中华人民共和国";
        let words: Vec<&str> = cut_for_search(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            words,
            ["中华", "华人", "人民", "共和", "共和国", "中华人民共和国"]
        );
    }
}
