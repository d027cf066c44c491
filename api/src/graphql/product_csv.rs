//! The product CSV: export as a query (like the inquiry export), import as a mutation taking
//! the file as a GraphQL multipart upload.
use crate::graphql::context::{principal, state};
use crate::services::product::csv::{self, export, import};
use async_graphql::{Context, Object, SimpleObject, Upload};
use std::io::Read;

/// A site's products as a CSV file in the import format.
#[derive(SimpleObject)]
pub struct ProductExport {
    /// A file name to save it under (`products-valves.example.com-2026-12-01.csv`).
    pub filename: String,
    /// `text/csv; charset=utf-8`.
    pub content_type: String,
    /// The file: UTF-8 with a BOM, a header line, one line per product and locale.
    pub csv: String,
    /// Products in it.
    pub rows: u64,
}

/// A refused row of an import.
#[derive(SimpleObject)]
pub struct ProductImportError {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The column at fault (`currency`, `spec:Body:Material`), when one is.
    pub column: Option<String>,
    /// The error code, as `extensions.code` would give it.
    pub code: String,
    /// The reason, as `extensions.reason` would give it (`INVALID_CURRENCY`).
    pub reason: Option<String>,
    /// What is wrong, in English.
    pub message: String,
}

/// What an import did; with any error (or on a dry run), nothing was written.
#[derive(SimpleObject)]
pub struct ProductImportReport {
    /// Product rows in the file.
    pub rows: u64,
    /// Products created (or that would be).
    pub created: u64,
    /// Products changed (or that would be).
    pub updated: u64,
    /// Products matched that needed no change.
    pub unchanged: u64,
    /// Every refused row.
    pub errors: Vec<ProductImportError>,
    /// Whether the changes were written.
    pub written: bool,
}

impl From<import::ImportReport> for ProductImportReport {
    fn from(r: import::ImportReport) -> Self {
        Self {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            errors: r
                .errors
                .into_iter()
                .map(|e| ProductImportError {
                    line: e.line,
                    column: e.column,
                    code: e.code.to_owned(),
                    reason: e.reason.map(str::to_owned),
                    message: e.message,
                })
                .collect(),
            written: r.written,
        }
    }
}

/// Reading the product CSV.
#[derive(Default)]
pub struct ProductCsvQuery;

#[Object]
impl ProductCsvQuery {
    /// Every product of a site (ID or domain) as a CSV file in the import format (README,
    /// "Product CSV"), for its members (and API tokens reaching it).
    async fn export_products(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<ProductExport> {
        let st = state(ctx)?;
        let out = export::export_products(&st.db, principal(ctx), &site).await?;
        let safe: String = site
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(ProductExport {
            filename: format!(
                "products-{safe}-{}.csv",
                chrono::Utc::now().format("%Y-%m-%d")
            ),
            content_type: "text/csv; charset=utf-8".into(),
            csv: out.csv,
            rows: out.rows,
        })
    }
}

/// Writing the product CSV.
#[derive(Default)]
pub struct ProductCsvMutation;

#[Object]
impl ProductCsvMutation {
    /// Imports a product CSV (GraphQL multipart upload) into a site (ID or domain): owners,
    /// editors and API tokens with `content:write`. All or nothing: when any row is refused,
    /// nothing is written and `errors` lists every refused row; `dryRun` checks without writing.
    async fn import_products(
        &self,
        ctx: &Context<'_>,
        site: String,
        file: Upload,
        #[graphql(default = false)] dry_run: bool,
    ) -> async_graphql::Result<ProductImportReport> {
        let st = state(ctx)?;
        let value = file.value(ctx)?;
        let bytes = tokio::task::spawn_blocking(move || {
            let mut bytes = Vec::new();
            // One byte over the limit is enough to refuse.
            value
                .into_read()
                .take(csv::MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        })
        .await
        .map_err(crate::error::AppError::internal)?
        .map_err(crate::error::AppError::internal)?;
        let report = import::import_products(
            &st.db,
            principal(ctx),
            &site,
            &bytes,
            super::product::limits(st),
            dry_run,
        )
        .await?;
        Ok(report.into())
    }
}
