//! Compiles the vendored jieba dictionary (`data/jieba/dict.txt`) into a finite-state transducer
//! (word → frequency) that `src/search/han.rs` embeds and reads in place, plus its frequency total.
use std::path::PathBuf;

const SOURCE: &str = "data/jieba/dict.txt";

fn main() -> Result<(), String> {
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(SOURCE).map_err(|e| format!("{SOURCE}: {e}"))?;
    let mut total: Option<u64> = None;
    let mut builder = tantivy_fst::MapBuilder::memory();
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
        let freq: u64 = freq.parse().map_err(|_| at("bad frequency"))?;
        builder
            .insert(word, freq)
            .map_err(|e| at(&format!("{e} (is the file sorted by bytes?)")))?;
    }
    let fst = builder.into_inner().map_err(|e| e.to_string())?;
    let total = total.ok_or_else(|| format!("{SOURCE} has no `# total N` line"))?;
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(out.join("han-dict.fst"), fst).map_err(|e| e.to_string())?;
    std::fs::write(
        out.join("han-dict.rs"),
        format!(
            "/// Sum of the frequencies of jieba's whole dictionary.\n\
             pub const TOTAL_FREQ: u64 = {total};\n"
        ),
    )
    .map_err(|e| e.to_string())
}
