//! Checks that every reason reaches clients: each is in README.md's table, and every refusal
//! built in the server's code names one (a scan of `src/`, so a new refusal without a reason
//! fails here with its place).
use super::Reason;

#[test]
fn every_reason_is_in_the_readme_table() {
    let readme = include_str!("../../../README.md");
    let table = readme
        .split_once("The reasons (all listed")
        .and_then(|(_, rest)| rest.split_once("New reasons may be added"))
        .map_or("", |(table, _)| table);
    let missing: Vec<_> = Reason::ALL
        .iter()
        .map(|r| r.as_str())
        .filter(|name| !table.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md's table of reasons lacks {missing:?}"
    );
}

/// The constructors of refusals a person may meet (`internal` needs no reason, and
/// `not_found` gives its own).
const REFUSALS: &[&str] = &[
    "AppError::bad_input(",
    "AppError::conflict(",
    "AppError::forbidden(",
    "AppError::unauthenticated(",
    "AppError::rate_limited(",
    "AppError::new(",
];

/// Refusals left without a reason on purpose: (file under `src/`, a fragment of the call).
const WITHOUT_REASON: &[(&str, &str)] = &[
    // `wharf import`'s folder, read by the command line only: never an API answer.
    ("services/article/transfer.rs", "cannot read the folder"),
];

/// The index just past the bracket that closes the one at `open`, skipping string and
/// character literals.
fn close_of(code: &[u8], open: usize) -> usize {
    let (mut depth, mut i) = (0usize, open);
    while i < code.len() {
        match code[i] {
            b'"' => {
                i += 1;
                while i < code.len() && code[i] != b'"' {
                    i += if code[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if code.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if code.get(i + 1) == Some(&b'\\') && code.get(i + 3) == Some(&b'\'') => i += 3,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    code.len()
}

/// The methods called on the value that ends at `at` (`.because(…).with(…)`).
fn chained(code: &[u8], mut at: usize) -> Vec<String> {
    let mut methods = Vec::new();
    loop {
        while code.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if code.get(at) != Some(&b'.') {
            return methods;
        }
        let start = at + 1;
        let mut end = start;
        while code
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            end += 1;
        }
        methods.push(String::from_utf8_lossy(&code[start..end]).into_owned());
        at = end;
        while code.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if code.get(at) == Some(&b'(') {
            at = close_of(code, at);
        }
    }
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).map(|d| d.flatten().collect::<Vec<_>>());
    for entry in entries.unwrap_or_default() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every refusal built in the server's code names its reason, so a client can word it (a
/// new `AppError::bad_input(…)` without `.because(…)` fails here, with its place).
#[test]
fn every_refusal_in_the_code_gives_its_reason() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let (mut seen, mut missing) = (0, Vec::new());
    for path in files {
        let name = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy();
        // Test files build errors to test them (and this one names the constructors).
        if name.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Test modules build errors to test them.
        let code = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
        for constructor in REFUSALS {
            for (start, _) in code.match_indices(constructor) {
                seen += 1;
                let bytes = code.as_bytes();
                let end = close_of(bytes, start + constructor.len() - 1);
                let call = &code[start..end];
                if chained(bytes, end).iter().any(|m| m == "because")
                    || WITHOUT_REASON
                        .iter()
                        .any(|(file, part)| name == *file && call.contains(part))
                {
                    continue;
                }
                let line = code[..start].matches('\n').count() + 1;
                missing.push(format!("{name}:{line}: {call}"));
            }
        }
    }
    assert!(
        seen > 150,
        "found only {seen} refusals: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "refusals without `.because(Reason::…)` (add one, with its words in \
         studio/messages/*/errors.js):\n{}",
        missing.join("\n")
    );
}
