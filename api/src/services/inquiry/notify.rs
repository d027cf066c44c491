//! The e-mail that tells a site's members of a new inquiry: one message to every member, with
//! the buyer as its Reply-To (answering the mail answers the buyer), the lead in full and a link
//! to it in the Studio. Labels are in English and Chinese, the Studio's two languages.
use crate::error::AppResult;
use crate::mail::Mail;
use crate::services::inquiry::items_of;
use entities::inquiry::{self, InquiryStatus};
use entities::{site, site_member, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::fmt::Write;
use uuid::Uuid;

/// The e-mail for inquiry `id`, with a link under `studio_base` (`https://cms.example.com`);
/// `None` when there is nothing to send: the inquiry was erased or put in the spam folder
/// since it arrived, or its site has no members.
pub async fn inquiry_mail(
    db: &impl ConnectionTrait,
    id: Uuid,
    studio_base: &str,
) -> AppResult<Option<Mail>> {
    let Some(found) = inquiry::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if found.status == InquiryStatus::Spam {
        return Ok(None);
    }
    let user_ids: Vec<Uuid> = site_member::Entity::find()
        .filter(site_member::Column::SiteId.eq(found.site_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let to: Vec<String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    if to.is_empty() {
        return Ok(None);
    }
    let site = site::Entity::find_by_id(found.site_id).one(db).await?;
    let domain = site.map(|s| s.domain).unwrap_or_default();
    let items = items_of(db, id).await?;
    let company = found
        .company
        .as_deref()
        .map(|c| format!(", {c}"))
        .unwrap_or_default();
    let subject = format!(
        "New inquiry / 新询盘 {}: {} ({}{company})",
        found.reference, found.name, found.country
    );
    let mut body = String::new();
    let _ = writeln!(
        body,
        "New inquiry / 新询盘 {} · {domain}\n",
        found.reference
    );
    let mut line = |label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let _ = writeln!(body, "{label}: {v}");
        }
    };
    line("Name / 姓名", Some(&found.name));
    line("Email / 邮箱", Some(&found.email));
    line("Company / 公司", found.company.as_deref());
    line("Country / 国家", Some(&found.country));
    line("Phone / 电话", found.phone.as_deref());
    line("Page / 页面", found.source_url.as_deref());
    if !items.is_empty() {
        let _ = writeln!(body, "Products / 产品:");
        for it in &items {
            let _ = writeln!(body, "  - {} × {}", it.product_name, it.quantity);
        }
    }
    let _ = writeln!(body, "\nMessage / 留言:\n{}\n", found.message);
    let _ = writeln!(
        body,
        "Open it in Wharf Studio / 在 Wharf Studio 中处理:\n{}/studio/inquiries/{id}\n\nReplying to this e-mail writes to the buyer. / 回复此邮件即回复买家。",
        studio_base.trim_end_matches('/')
    );
    Ok(Some(Mail {
        to,
        reply_to: Some(found.email),
        subject,
        body,
    }))
}
