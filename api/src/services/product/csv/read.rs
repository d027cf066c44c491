//! Reading an uploaded file into rows: the header checked once (every column known, none
//! twice, `name` and a key column present), then each non-empty line with its line number.
use super::{COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_SPEC_COLUMNS, SpecKey, read_cell};
use crate::error::{AppError, AppResult, Reason};
use std::collections::HashMap;

/// One product line of the file.
pub struct Row {
    /// Its line number in the file (the header is line 1).
    pub line: u64,
    /// The cells of the columns the file has, by column name.
    pub cells: HashMap<&'static str, String>,
    /// The spec cells, in column order (empty ones included).
    pub specs: Vec<(SpecKey, String)>,
}

impl Row {
    /// The cell of `column`, `None` when the file has no such column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.cells.get(column).map(String::as_str)
    }

    /// The trimmed cell of `column`, `None` when the file has no such column or it is empty.
    pub fn filled(&self, column: &str) -> Option<&str> {
        self.get(column).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// The rows of a file, and whether it has spec columns at all.
pub struct Sheet {
    /// Product lines.
    pub rows: Vec<Row>,
    /// Whether the file has spec columns (without any, specs are left as they are).
    pub has_specs: bool,
}

enum Column {
    Known(&'static str),
    Spec(SpecKey),
}

fn header(record: &csv::StringRecord) -> AppResult<Vec<Column>> {
    let mut out: Vec<Column> = Vec::with_capacity(record.len());
    for cell in record {
        let name = cell.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        let column = if let Some(known) = COLUMNS.iter().find(|c| **c == name) {
            Column::Known(known)
        } else if let Some(spec) = SpecKey::parse(cell) {
            Column::Spec(spec.map_err(|why| super::unreadable(1, why))?)
        } else {
            return Err(super::unreadable(
                1,
                format!(
                    "unknown column {:?}; columns are {} and spec:Group:Name[unit]",
                    cell.trim(),
                    COLUMNS.join(", ")
                ),
            ));
        };
        let repeated = out.iter().any(|c| match (c, &column) {
            (Column::Known(a), Column::Known(b)) => a == b,
            (Column::Spec(a), Column::Spec(b)) => a == b,
            _ => false,
        });
        if repeated {
            return Err(super::unreadable(
                1,
                format!("the column {:?} is there twice", cell.trim()),
            ));
        }
        out.push(column);
    }
    let has = |name: &str| {
        out.iter()
            .any(|c| matches!(c, Column::Known(k) if *k == name))
    };
    if !has("name") {
        return Err(super::unreadable(1, "the name column is required"));
    }
    if !has("model_number") && !has("slug") {
        return Err(super::unreadable(
            1,
            "a model_number column (or a slug column) is required: it says which product a row is",
        ));
    }
    let specs = out.iter().filter(|c| matches!(c, Column::Spec(_))).count();
    if specs > MAX_SPEC_COLUMNS {
        return Err(AppError::bad_input(
            "file",
            format!("a file may have at most {MAX_SPEC_COLUMNS} spec columns"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_SPEC_COLUMNS));
    }
    Ok(out)
}

/// Reads a whole file (at most [`MAX_FILE_BYTES`] and [`MAX_ROWS`] product lines).
pub fn read(bytes: &[u8]) -> AppResult<Sheet> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::bad_input(
            "file",
            format!("the file is over {MAX_FILE_BYTES} bytes; split it"),
        )
        .because(Reason::FileTooLarge)
        .with("maxBytes", MAX_FILE_BYTES));
    }
    let text = super::text_of(bytes)?;
    if text.trim().is_empty() {
        return Err(AppError::bad_input("file", "the file is empty").because(Reason::FileEmpty));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(super::separator(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(csv_error(&e)),
        None => {
            return Err(AppError::bad_input("file", "the file is empty").because(Reason::FileEmpty));
        }
    };
    let columns = header(&first)?;
    let has_specs = columns.iter().any(|c| matches!(c, Column::Spec(_)));
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        // Counted from the byte offset (a quoted cell's line breaks count too), which points
        // at the previous line's terminator.
        let bytes = text.as_bytes();
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        let line = 1 + bytes
            .get(..start)
            .unwrap_or_default()
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(AppError::bad_input(
                "file",
                format!("a file may have at most {MAX_ROWS} product rows; split it"),
            )
            .because(Reason::TooMany)
            .with("max", MAX_ROWS));
        }
        if record
            .iter()
            .skip(columns.len())
            .any(|c| !c.trim().is_empty())
        {
            return Err(super::unreadable(
                line,
                format!(
                    "the line has more cells than the header's {} columns",
                    columns.len()
                ),
            ));
        }
        let mut row = Row {
            line,
            cells: HashMap::new(),
            specs: Vec::new(),
        };
        for (i, column) in columns.iter().enumerate() {
            let cell = read_cell(record.get(i).unwrap_or_default());
            match column {
                Column::Known(name) => {
                    row.cells.insert(name, cell);
                }
                Column::Spec(key) => row.specs.push((key.clone(), cell)),
            }
        }
        rows.push(row);
    }
    Ok(Sheet { rows, has_specs })
}

fn csv_error(e: &csv::Error) -> AppError {
    let line = e.position().map_or(0, csv::Position::line);
    super::unreadable(line, "the line cannot be read as CSV (check its quotes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_into_rows_with_their_line_numbers() {
        let file = "\u{FEFF}Model Number,name,description,spec:Size[mm]\r\nV-1,Valve,\"two\r\nlines\",15\r\n,,,\r\nV-2,阀门,'- item,\r\n";
        let sheet = read(file.as_bytes()).ok();
        let sheet = sheet.as_ref();
        assert_eq!(sheet.map(|s| s.rows.len()), Some(2));
        let rows = sheet.map(|s| &s.rows);
        assert_eq!(rows.map(|r| r[0].line), Some(2));
        assert_eq!(rows.map(|r| r[1].line), Some(5));
        assert_eq!(
            rows.and_then(|r| r[0].get("description")),
            Some("two\nlines")
        );
        assert_eq!(rows.and_then(|r| r[1].get("description")), Some("- item"));
        assert_eq!(rows.and_then(|r| r[1].filled("name")), Some("阀门"));
        assert_eq!(rows.map(|r| r[1].specs[0].1.as_str()), Some(""));
    }

    #[test]
    fn files_over_the_limits_are_refused_whole() {
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(
            read(&big).err().and_then(|e| e.reason),
            Some(Reason::FileTooLarge)
        );
        let mut many = String::from("model_number,name\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("M-{i},Valve\n"));
        }
        assert_eq!(
            read(many.as_bytes()).err().and_then(|e| e.reason),
            Some(Reason::TooMany)
        );
        assert_eq!(
            read(b"").err().and_then(|e| e.reason),
            Some(Reason::FileEmpty)
        );
        let extra = read(b"model_number,name\nA,B,C\n").err();
        assert!(extra.is_some_and(|e| e.message.starts_with("line 2")));
    }

    #[test]
    fn bad_headers_are_refused_on_line_one() {
        for file in [
            "name,colour\n",
            "model_number,name,name\n",
            "summary\n",
            "slug,spec:\n",
        ] {
            let e = read(file.as_bytes()).err();
            assert_eq!(
                e.and_then(|e| e.reason),
                Some(Reason::CsvUnreadable),
                "{file}"
            );
        }
    }
}
