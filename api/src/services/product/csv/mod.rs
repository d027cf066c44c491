//! Products as a CSV file a marketing team fills in Excel: one row per product and locale, the
//! columns of [`COLUMNS`] plus one `spec:Group:Name[unit]` column per specification (README,
//! "Product CSV"). `import.rs` reads a file into the catalogue through the product services
//! (every API check applies), all or nothing; `export.rs` writes the same format.
//!
//! Cells: UTF-8 (a BOM is skipped), comma-separated (a header line without commas but with
//! semicolons or tabs sets that separator, as Excel writes in some locales); lists are
//! `;`-separated; an empty cell clears the field, a missing column leaves it as it is. Export
//! prefixes a cell that a spreadsheet would take for a formula with `'`; import takes it off.
mod cells;
pub mod export;
pub mod import;
mod read;
mod report;

pub use report::{ImportReport, RowError};

use crate::error::{AppError, AppResult, Reason};

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most product rows in one file.
pub const MAX_ROWS: usize = 5_000;
/// Most spec columns in one file.
pub const MAX_SPEC_COLUMNS: usize = 200;

/// The columns besides specs, in the order export writes them.
pub const COLUMNS: &[&str] = &[
    "model_number",
    "locale",
    "slug",
    "name",
    "summary",
    "description",
    "status",
    "categories",
    "tags",
    "price_min",
    "price_max",
    "currency",
    "incoterm",
    "incoterm_place",
    "moq_quantity",
    "moq_unit",
    "lead_time_days",
    "supply_ability",
    "packaging",
    "hs_code",
    "origin_country",
    "certifications",
    "images",
];

/// A spec column: `spec:Name`, `spec:Group:Name`, either with `[unit]` at the end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SpecKey {
    /// The heading the row sits under.
    pub group: Option<String>,
    /// What is specified.
    pub name: String,
    /// Unit of the value.
    pub unit: Option<String>,
}

impl SpecKey {
    /// Reads a header cell starting with `spec:` (case-insensitive); `None` for other headers.
    pub fn parse(header: &str) -> Option<Result<SpecKey, String>> {
        let h = header.trim();
        let rest = h.get(..5).filter(|p| p.eq_ignore_ascii_case("spec:"))?;
        let rest = &h[rest.len()..];
        let (label, unit) = match rest.trim_end().strip_suffix(']') {
            Some(open) => match open.rfind('[') {
                Some(at) => (&open[..at], Some(open[at + 1..].trim().to_owned())),
                None => return Some(Err(format!("{h}: a unit opens with [ before the ]"))),
            },
            None => (rest, None),
        };
        let (group, name) = match label.split_once(':') {
            Some((g, n)) => (Some(g.trim().to_owned()), n.trim().to_owned()),
            None => (None, label.trim().to_owned()),
        };
        if name.is_empty() {
            return Some(Err(format!("{h}: give the spec's name after spec:")));
        }
        Some(Ok(SpecKey {
            group: group.filter(|g| !g.is_empty()),
            name,
            unit: unit.filter(|u| !u.is_empty()),
        }))
    }

    /// The header cell of this spec.
    pub fn header(&self) -> String {
        let mut h = String::from("spec:");
        if let Some(g) = &self.group {
            h.push_str(g);
            h.push(':');
        }
        h.push_str(&self.name);
        if let Some(u) = &self.unit {
            h.push('[');
            h.push_str(u);
            h.push(']');
        }
        h
    }
}

/// Splits a list cell on `;`, trimming, without empty items.
pub fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a spreadsheet would read a cell starting like this as a formula.
fn risky(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as export writes it: formula-like starts neutralized with `'`.
pub fn safe_cell(value: &str) -> String {
    if risky(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A cell as import reads it: the `'` export put before a formula-like start taken off, Windows
/// line ends as `\n`.
pub fn read_cell(value: &str) -> String {
    let value = match value.strip_prefix('\'') {
        Some(rest) if risky(rest) => rest,
        _ => value,
    };
    value.replace("\r\n", "\n")
}

/// The error for a file that cannot be read as CSV.
pub(crate) fn unreadable(line: u64, why: impl std::fmt::Display) -> AppError {
    AppError::bad_input("file", format!("line {line}: {why}"))
        .because(Reason::CsvUnreadable)
        .with("line", line)
}

/// The file's text without a byte-order mark, or CSV_UNREADABLE naming the line of the first
/// byte that is not UTF-8.
pub(crate) fn text_of(bytes: &[u8]) -> AppResult<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + before.iter().filter(|b| **b == b'\n').count() as u64;
        unreadable(
            line,
            "the file is not UTF-8 text; in Excel save it as \"CSV UTF-8\"",
        )
    })
}

/// The separator: `,`, unless the header line has none and has `;` or tabs.
pub(crate) fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_headers_read_back_as_written() {
        let key = |h: &str| SpecKey::parse(h).and_then(Result::ok);
        let k = key("spec:Dimensions:Nominal size[mm]");
        assert_eq!(
            k,
            Some(SpecKey {
                group: Some("Dimensions".into()),
                name: "Nominal size".into(),
                unit: Some("mm".into())
            })
        );
        assert_eq!(
            k.map(|k| k.header()).as_deref(),
            Some("spec:Dimensions:Nominal size[mm]")
        );
        assert_eq!(
            key("SPEC: 材质 ").map(|k| (k.group, k.name, k.unit)),
            Some((None, "材质".into(), None))
        );
        assert!(SpecKey::parse("name").is_none());
        assert!(matches!(SpecKey::parse("spec:[mm]"), Some(Err(_))));
    }

    #[test]
    fn formula_starts_are_neutralized_and_read_back() {
        for v in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "- a list item"] {
            assert!(safe_cell(v).starts_with('\''));
            assert_eq!(read_cell(&safe_cell(v)), v);
        }
        assert_eq!(safe_cell("DN50"), "DN50");
        assert_eq!(read_cell("'quoted"), "'quoted");
    }

    #[test]
    fn a_bom_is_skipped_and_bad_bytes_name_their_line() {
        assert_eq!(text_of(b"\xEF\xBB\xBFa,b\n").ok(), Some("a,b\n"));
        let e = text_of(b"a,b\n1,2\n\xff,3\n").err();
        assert!(e.is_some_and(|e| e.message.starts_with("line 3")));
        assert_eq!(separator("a;b;c\n1,2;3"), b';');
        assert_eq!(separator("a,b"), b',');
    }
}
