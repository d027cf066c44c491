//! Compiles the vendored jieba dictionary (`data/jieba/dict.txt`) into the character trie that
//! `src/search/han.rs` embeds and reads in place, plus the dictionary's frequency total.
//!
//! Layout (every number a little-endian u32): `WHT1`, node count `n`, first and count of the
//! characters with a direct root entry (`ROOT_FIRST`, `ROOT_LEN`), then four arrays:
//! `root[ROOT_LEN]` (node of each such character, 0 for none), `chars[n]` (the character leading
//! to each node), `freqs[n]` (frequency of the word ending at the node, 0 for a mere prefix) and
//! `first_child[n + 1]`. Nodes are numbered breadth-first with each node's children sorted by
//! character, so the children of node `i` are nodes `first_child[i]..first_child[i + 1]`; node 0
//! is the root.
//!
//! It also lists the Studio's files (`studio/`) into `studio-assets.rs`, a table of
//! `(path, bytes, etag)` the binary serves from memory: the Studio ships inside the binary.
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

const SOURCE: &str = "data/jieba/dict.txt";
/// The main CJK blocks (extension A and the unified ideographs) get a direct root entry.
const ROOT_FIRST: u32 = 0x3400;
const ROOT_LEN: u32 = 0xA000 - ROOT_FIRST;

#[derive(Default)]
struct Node {
    children: BTreeMap<char, usize>,
    freq: u32,
}

fn main() -> Result<(), String> {
    studio_assets()?;
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(SOURCE).map_err(|e| format!("{SOURCE}: {e}"))?;
    let mut total: Option<u64> = None;
    let mut nodes = vec![Node::default()];
    for (n, line) in text.lines().enumerate() {
        let at = |what: &str| format!("{SOURCE}:{}: {what}", n + 1);
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(t) = comment.trim().strip_prefix("total ") {
                total = Some(t.parse().map_err(|_| at("the total is not a number"))?);
            }
            continue;
        }
        let (word, freq) = line
            .split_once(' ')
            .ok_or_else(|| at("expected `word frequency`"))?;
        let freq: u32 = freq.parse().map_err(|_| at("bad frequency"))?;
        if freq == 0 || word.is_empty() {
            return Err(at("a word needs characters and a frequency of at least 1"));
        }
        let mut node = 0;
        for c in word.chars() {
            node = match nodes[node].children.get(&c) {
                Some(&child) => child,
                None => {
                    nodes.push(Node::default());
                    let child = nodes.len() - 1;
                    nodes[node].children.insert(c, child);
                    child
                }
            };
        }
        nodes[node].freq = freq;
    }
    let total = total.ok_or_else(|| format!("{SOURCE} has no `# total N` line"))?;

    // Breadth-first numbering: `order[k]` is the build node that becomes node k.
    let mut order = Vec::with_capacity(nodes.len());
    let mut chars = Vec::with_capacity(nodes.len());
    let mut queue = VecDeque::from([(0usize, '\0')]);
    while let Some((node, c)) = queue.pop_front() {
        order.push(node);
        chars.push(c as u32);
        for (&child_char, &child) in &nodes[node].children {
            queue.push_back((child, child_char));
        }
    }
    let mut first_child = Vec::with_capacity(nodes.len() + 1);
    let mut next = 1u32;
    for &node in &order {
        first_child.push(next);
        next += u32::try_from(nodes[node].children.len()).map_err(|e| e.to_string())?;
    }
    first_child.push(next);
    let mut root = vec![0u32; ROOT_LEN as usize];
    for (k, &c) in chars
        .iter()
        .enumerate()
        .skip(1)
        .take(nodes[0].children.len())
    {
        if (ROOT_FIRST..ROOT_FIRST + ROOT_LEN).contains(&c) {
            root[(c - ROOT_FIRST) as usize] = u32::try_from(k).map_err(|e| e.to_string())?;
        }
    }
    let count = u32::try_from(order.len()).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(16 + 4 * (root.len() + 3 * order.len() + 1));
    out.extend_from_slice(b"WHT1");
    for word in [count, ROOT_FIRST, ROOT_LEN]
        .into_iter()
        .chain(root)
        .chain(chars)
        .chain(order.iter().map(|&node| nodes[node].freq))
        .chain(first_child)
    {
        out.extend_from_slice(&word.to_le_bytes());
    }
    let dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(dir.join("han-dict.trie"), out).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("han-dict.rs"),
        format!(
            "/// Sum of the frequencies of jieba's whole dictionary.\n\
             pub const TOTAL_FREQ: u64 = {total};\n"
        ),
    )
    .map_err(|e| e.to_string())
}

/// Writes `studio-assets.rs`: every file under `studio/` as `(path, include_bytes!, etag)`, the
/// etag being an FNV-1a hash of the bytes (enough to tell versions apart, not a security hash).
fn studio_assets() -> Result<(), String> {
    const DIR: &str = "studio";
    println!("cargo:rerun-if-changed={DIR}");
    let root = std::fs::canonicalize(DIR).map_err(|e| format!("{DIR}: {e}"))?;
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                println!("cargo:rerun-if-changed={}", path.display());
                stack.push(path);
            } else {
                println!("cargo:rerun-if-changed={}", path.display());
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::from("/// The Studio's files: path under `studio/`, bytes, ETag.\n");
    out.push_str("pub static FILES: &[(&str, &[u8], &str)] = &[\n");
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in &bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?}), \"\\\"{hash:016x}\\\"\"),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(dir.join("studio-assets.rs"), out).map_err(|e| e.to_string())
}
