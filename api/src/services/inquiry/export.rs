//! CSV export of a filtered set of a site's inquiries, for its members: UTF-8 with a byte-order
//! mark so Excel opens Chinese text correctly, RFC 4180 quoting, and cells that a spreadsheet
//! would take for a formula (`=`, `+`, `-`, `@`, tab, CR at the start: buyers write these
//! fields) prefixed with `'`.
use super::inbox::{InquiryFilter, condition};
use crate::auth::{Principal, Scope};
use crate::error::{AppError, AppResult};
use crate::services::authz;
use crate::services::site::find_site;
use chrono::SecondsFormat;
use entities::{inquiry, inquiry_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Most inquiries in one export; a larger set is cut (newest kept) and says so.
pub const MAX_EXPORT_ROWS: u64 = 10_000;

/// An export.
pub struct InquiryExport {
    /// The file: BOM, header line, one line per inquiry, CRLF line ends.
    pub csv: String,
    /// Inquiries in it.
    pub rows: u64,
    /// Whether more inquiries matched than [`MAX_EXPORT_ROWS`].
    pub truncated: bool,
}

const HEADER: [&str; 16] = [
    "reference",
    "received_at",
    "status",
    "name",
    "email",
    "company",
    "country",
    "phone",
    "message",
    "products",
    "locale",
    "source_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "spam_reasons",
];

/// One CSV cell: formula-like starts neutralized, quoted when it holds a quote, comma or line
/// break (or was neutralized).
fn cell(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if risky || value.contains(['"', ',', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn line(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// The site's (ID or domain) inquiries matching `filter`, newest first, as CSV.
pub async fn export_inquiries(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    filter: InquiryFilter,
) -> AppResult<InquiryExport> {
    principal.require_user()?;
    let site = find_site(db, "site", site).await?;
    authz::require_inquiry_access(db, principal, site.id, Scope::InquiriesRead, "site")
        .await
        .map_err(|e| {
            if e.code == crate::error::ErrorCode::NotFound {
                AppError::not_found("site").at("site")
            } else {
                e
            }
        })?;
    let mut rows = inquiry::Entity::find()
        .filter(inquiry::Column::SiteId.eq(site.id))
        .filter(condition(&filter)?)
        .order_by_desc(inquiry::Column::CreatedAt)
        .order_by_desc(inquiry::Column::Id)
        .limit(MAX_EXPORT_ROWS + 1)
        .all(db)
        .await?;
    let truncated = rows.len() as u64 > MAX_EXPORT_ROWS;
    rows.truncate(usize::try_from(MAX_EXPORT_ROWS).unwrap_or(usize::MAX));
    let mut items: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(500) {
        let found = inquiry_item::Entity::find()
            .filter(inquiry_item::Column::InquiryId.is_in(chunk.iter().copied()))
            .order_by_asc(inquiry_item::Column::InquiryId)
            .order_by_asc(inquiry_item::Column::Position)
            .all(db)
            .await?;
        for item in found {
            items
                .entry(item.inquiry_id)
                .or_default()
                .push(format!("{} × {}", item.product_name, item.quantity));
        }
    }
    let mut csv = String::from("\u{FEFF}");
    line(&mut csv, &HEADER);
    for r in &rows {
        let received = r.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let products = items.get(&r.id).map(|p| p.join("; ")).unwrap_or_default();
        let reasons = super::spam_reasons(r).join(" ");
        let status = match r.status {
            inquiry::InquiryStatus::New => "new",
            inquiry::InquiryStatus::Open => "open",
            inquiry::InquiryStatus::Replied => "replied",
            inquiry::InquiryStatus::Closed => "closed",
            inquiry::InquiryStatus::Spam => "spam",
        };
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        line(
            &mut csv,
            &[
                &r.reference,
                &received,
                status,
                &r.name,
                &r.email,
                &opt(&r.company),
                &r.country,
                &opt(&r.phone),
                &r.message,
                &products,
                &opt(&r.locale),
                &opt(&r.source_url),
                &opt(&r.utm_source),
                &opt(&r.utm_medium),
                &opt(&r.utm_campaign),
                &reasons,
            ],
        );
    }
    Ok(InquiryExport {
        csv,
        rows: rows.len() as u64,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralized() {
        assert_eq!(cell("Becker GmbH"), "Becker GmbH");
        assert_eq!(cell("球阀, DN50"), "\"球阀, DN50\"");
        assert_eq!(cell("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+49 40 123"), "\"'+49 40 123\"");
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell(""), "");
    }
}
