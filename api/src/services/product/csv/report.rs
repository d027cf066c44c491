//! What an import reports: counts, and each refused row with its line and the column the
//! API's field name stands for.
use super::read::Row;
use crate::error::{AppError, Reason};

/// A refused row.
#[derive(Debug, Clone)]
pub struct RowError {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// The error code (`BAD_USER_INPUT`, `CONFLICT`, …).
    pub code: &'static str,
    /// The reason (`INVALID_CURRENCY`, …), as the API gives it.
    pub reason: Option<&'static str>,
    /// What is wrong, in English.
    pub message: String,
}

/// What an import did (or, refused or dry, would have done).
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Product rows read.
    pub rows: u64,
    /// Products created.
    pub created: u64,
    /// Products changed.
    pub updated: u64,
    /// Products that matched and needed no change.
    pub unchanged: u64,
    /// Refused rows; when any, nothing was written.
    pub errors: Vec<RowError>,
    /// Whether the changes were written (no refused row, not a dry run).
    pub written: bool,
}

/// The column an API field name stands for (`priceMin` → `price_min`, `rows.2.value` → the
/// spec column of the row's third non-empty spec).
fn column_of(row: &Row, field: &str) -> Option<String> {
    let field = field.strip_prefix("input.").unwrap_or(field);
    let mut parts = field.split('.');
    let head = parts.next()?;
    let column = match head {
        "id" | "productId" | "expectedVersion" | "siteId" => return None,
        "categoryIds" => "categories".to_owned(),
        "gallery" | "coverId" | "attachments" => "images".to_owned(),
        "translationOf" => "model_number".to_owned(),
        "rows" => {
            let i: usize = parts.next()?.parse().ok()?;
            let (key, _) = row
                .specs
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .nth(i)?;
            return Some(key.header());
        }
        other => {
            let mut out = String::with_capacity(other.len() + 4);
            for ch in other.chars() {
                if ch.is_ascii_uppercase() {
                    out.push('_');
                    out.push(ch.to_ascii_lowercase());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    };
    Some(column)
}

pub(super) fn row_error(row: &Row, e: &AppError) -> RowError {
    RowError {
        line: row.line,
        column: e.field.as_deref().and_then(|f| column_of(row, f)),
        code: e.code.as_str(),
        reason: e.reason.map(Reason::as_str),
        message: e.message.clone(),
    }
}
