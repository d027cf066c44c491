//! Cursor pagination shared by every list: `first`/`after` in, a page with cursors out.
//!
//! Cursors are opaque to clients: base64url of a small JSON record holding the ordering they
//! were made for, the sort value and the row ID (the tie-breaker). Paging is keyset-based, so
//! rows inserted while a client pages never shift or repeat the rows it has seen.

use crate::error::{AppError, AppResult, Reason};
use base64::Engine;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Page size when a client gives no `first`.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// A client's page request, checked.
#[derive(Clone, Debug)]
pub struct PageRequest {
    /// How many rows to return.
    pub first: u64,
    /// The decoded `after` cursor.
    pub after: Option<Cursor>,
}

/// A position in a list.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Cursor {
    /// The ordering the cursor was made for.
    #[serde(rename = "o")]
    pub order: String,
    /// The sort value of the row (`None` for a null value).
    #[serde(rename = "v")]
    pub value: Option<String>,
    /// The row's ID.
    #[serde(rename = "i")]
    pub id: Uuid,
}

impl Cursor {
    /// The opaque text form.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn decode(text: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

impl PageRequest {
    /// Checks `first` against `max` and decodes `after`, which must belong to `order`.
    pub fn parse(
        first: Option<i64>,
        after: Option<&str>,
        order: &str,
        max: u64,
    ) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE.min(max),
            Some(n) if n < 0 => {
                return Err(AppError::bad_input("first", "first must not be negative")
                    .because(Reason::OutOfRange)
                    .with("min", 0)
                    .with("max", max));
            }
            Some(n) if n.unsigned_abs() > max => {
                return Err(
                    AppError::bad_input("first", format!("first must be at most {max}"))
                        .because(Reason::OutOfRange)
                        .with("min", 0)
                        .with("max", max),
                );
            }
            Some(n) => n.unsigned_abs(),
        };
        let after = match after {
            None => None,
            Some(text) => {
                let cursor = Cursor::decode(text).ok_or_else(not_a_cursor)?;
                if cursor.order != order {
                    return Err(AppError::bad_input(
                        "after",
                        "after was made for another ordering of this list",
                    )
                    .because(Reason::CursorOtherOrder));
                }
                Some(cursor)
            }
        };
        Ok(Self { first, after })
    }
}

/// The refusal of an `after` that is not a cursor of the list (also for a cursor whose sort
/// value a list cannot read).
pub fn not_a_cursor() -> AppError {
    AppError::bad_input("after", "after is not a cursor from this list")
        .because(Reason::InvalidCursor)
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows with their cursors.
    pub items: Vec<(String, T)>,
    /// Whether more rows follow.
    pub has_next_page: bool,
    /// Whether rows precede this page (a cursor was given).
    pub has_previous_page: bool,
    /// All rows matching the filters, over all pages.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Builds a page from `first + 1` fetched rows.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        total_count: u64,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> Self {
        let has_next_page = rows.len() as u64 > request.first;
        rows.truncate(usize::try_from(request.first).unwrap_or(usize::MAX));
        let items = rows
            .into_iter()
            .map(|row| (cursor_of(&row).encode(), row))
            .collect();
        Self {
            items,
            has_next_page,
            has_previous_page: request.after.is_some(),
            total_count,
        }
    }

    /// Converts the rows, keeping cursors and page info.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_tied_to_their_ordering() -> AppResult<()> {
        let cursor = Cursor {
            order: "title_asc".into(),
            value: Some("外贸".into()),
            id: Uuid::now_v7(),
        };
        let req = PageRequest::parse(Some(5), Some(&cursor.encode()), "title_asc", 100)?;
        assert_eq!(req.after, Some(cursor.clone()));
        assert!(PageRequest::parse(Some(5), Some(&cursor.encode()), "title_desc", 100).is_err());
        assert!(PageRequest::parse(Some(5), Some("garbage"), "title_asc", 100).is_err());
        Ok(())
    }

    #[test]
    fn first_is_bounded() {
        assert!(PageRequest::parse(Some(101), None, "x", 100).is_err());
        assert!(PageRequest::parse(Some(-1), None, "x", 100).is_err());
        assert_eq!(
            PageRequest::parse(None, None, "x", 100)
                .map(|r| r.first)
                .ok(),
            Some(20)
        );
        assert_eq!(
            PageRequest::parse(Some(0), None, "x", 100)
                .map(|r| r.first)
                .ok(),
            Some(0)
        );
    }
}
