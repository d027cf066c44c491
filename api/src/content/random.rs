//! Deterministic random markdown mixing every construct that once grew faster than its length,
//! for the render tests and the render benchmark (one generator, so both see the same inputs).

/// Pieces of markdown and raw HTML: adversarial delimiters and ordinary text.
const PIECES: &[&str] = &[
    "# h\n",
    "## 标题\n",
    "> ",
    ">",
    "- ",
    "1. ",
    "  ",
    "*",
    "_",
    "**",
    "`",
    "[",
    "]",
    "(",
    ")",
    "![",
    "<div>",
    "</div>",
    "<b>",
    "|",
    "|-",
    "\n",
    "\n\n",
    "text ",
    "扩散模型",
    "[^a]",
    "~~",
    "\\",
    "&amp;",
    "<http://x",
    // A fence that closes: an unclosed one would make the rest of the body one code block,
    // which renders in no time and tests nothing.
    "\n```\nlet x = 1;\n```\n",
    "    ",
];

/// About `len` bytes of random markdown from `seed` (xorshift64*, so a failure reproduces).
#[doc(hidden)]
pub fn random_markdown(seed: u64, len: usize) -> String {
    // Seeds spread by splitmix64 first (`seed | 1` alone made seeds 2 and 3 the same body).
    let mut state = {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) | 1
    };
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut s = String::with_capacity(len + 1024);
    while s.len() < len.saturating_sub(16) {
        let piece = PIECES[(next() % PIECES.len() as u64) as usize];
        for _ in 0..1 + next() % 64 {
            s.push_str(piece);
        }
    }
    s
}
