#!/usr/bin/env python3
"""Regenerates api/data/jieba/dict.txt from jieba-rs's dictionary.

Usage: scripts/jieba-dict.py [path/to/jieba-rs/src/data/dict.txt]
(default: the jieba-rs 0.11.0 source in cargo's registry).

Keeps the words made only of Han characters (the runs Wharf hands to the segmenter; see
api/src/search/text.rs `is_han`), sorted by UTF-8 bytes (a stable order to diff), and records
the frequency total of the whole dictionary, which word probabilities are divided by.
"""
import glob
import os
import re
import sys

HAN = re.compile(
    "^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F\U00030000-\U000323AF]+$"
)
HEADER = """# Han-only words of jieba's dictionary (jieba-rs 0.11.0, src/data/dict.txt; MIT), sorted by
# bytes, as "word frequency". Words holding any other character (4S店, C++) are left out:
# Wharf hands jieba only runs of Han characters, where they can never match. The total is the
# sum of the frequencies of the whole original dictionary, which the word probabilities divide by.
# Regenerate with scripts/jieba-dict.py.
"""


def main():
    if len(sys.argv) > 1:
        source = sys.argv[1]
    else:
        home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
        found = glob.glob(f"{home}/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt")
        if not found:
            sys.exit("jieba-rs 0.11.0 is not in cargo's registry; run `cargo fetch` first")
        source = found[0]
    total = 0
    rows = []
    with open(source, encoding="utf-8") as f:
        for line in f:
            word, freq = line.split()[:2]
            total += int(freq)
            if HAN.match(word):
                rows.append((word.encode(), int(freq)))
    rows.sort()
    target = os.path.join(os.path.dirname(__file__), "..", "api", "data", "jieba", "dict.txt")
    with open(target, "wb") as out:
        out.write(HEADER.encode())
        out.write(f"# total {total}\n".encode())
        for word, freq in rows:
            out.write(word + b" " + str(freq).encode() + b"\n")
    print(f"{len(rows)} words, total {total} -> {os.path.normpath(target)}")


if __name__ == "__main__":
    main()
