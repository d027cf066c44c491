//! Buyer inquiries: the public form (`inquiryForm`, `submitInquiry`) and the site members'
//! inbox.
use crate::graphql::context::{ClientIp, principal, state};
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::inquiry::{Inquiry, InquiryStatus};
use crate::graphql::types::inquiry_input::{
    InquiryExport, InquiryFilter, InquiryForm, SubmitInquiryInput, SubmittedInquiry,
};
use crate::graphql::types::{id_arg, to_id};
use crate::services::inquiry::{self as service, Sender};
use async_graphql::{Context, ID, Object};

/// Inquiry reads.
#[derive(Default)]
pub struct InquiryQuery;

#[Object]
impl InquiryQuery {
    /// A site's (ID or domain) inquiries, newest first, for its members (and API tokens with
    /// `inquiries:read`). Without a status filter the spam folder is left out.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        site: String,
        #[graphql(desc = "Page size (at most the server's limit, 100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the last inquiry of the previous page.")] after: Option<String>,
        filter: Option<InquiryFilter>,
    ) -> async_graphql::Result<Conn<Inquiry>> {
        let st = state(ctx)?;
        let page = service::list_inquiries(
            &st.db,
            principal(ctx),
            &site,
            filter.unwrap_or_default().into(),
            first.map(i64::from),
            after.as_deref(),
            st.settings.max_page_size,
        )
        .await?;
        let look = ctx.look_ahead();
        let wants = |field: &str| {
            look.field("edges").field("node").field(field).exists()
                || look.field("nodes").field(field).exists()
        };
        let ids: Vec<uuid::Uuid> = page.items.iter().map(|(_, i)| i.id).collect();
        let items = if wants("items") {
            Some(service::items_of_many(&st.db, &ids).await?)
        } else {
            None
        };
        let history = if wants("history") {
            Some(service::events_of_many(&st.db, &ids).await?)
        } else {
            None
        };
        Ok(connection(page, |row| {
            let id = row.id;
            Inquiry {
                row,
                items: items
                    .as_ref()
                    .map(|m| m.get(&id).cloned().unwrap_or_default()),
                history: history
                    .as_ref()
                    .map(|m| m.get(&id).cloned().unwrap_or_default()),
            }
        }))
    }

    /// A site's (ID or domain) inquiries matching `filter` (as for `inquiries`) as a CSV file,
    /// newest first, for its members (and API tokens with `inquiries:read`).
    async fn export_inquiries(
        &self,
        ctx: &Context<'_>,
        site: String,
        filter: Option<InquiryFilter>,
    ) -> async_graphql::Result<InquiryExport> {
        let st = state(ctx)?;
        let export = service::export::export_inquiries(
            &st.db,
            principal(ctx),
            &site,
            filter.unwrap_or_default().into(),
        )
        .await?;
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
        Ok(InquiryExport {
            filename: format!(
                "inquiries-{safe}-{}.csv",
                chrono::Utc::now().format("%Y-%m-%d")
            ),
            content_type: "text/csv; charset=utf-8".into(),
            csv: export.csv,
            rows: export.rows,
            truncated: export.truncated,
        })
    }

    /// One inquiry, for the members of its site.
    async fn inquiry(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Inquiry> {
        Ok(Inquiry::new(
            service::get_inquiry(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }
}

/// Inquiry writes.
#[derive(Default)]
pub struct InquiryMutation;

#[Object]
impl InquiryMutation {
    /// A new form token for `site` (ID or domain): ask for it when the inquiry form is shown
    /// and send it back with `submitInquiry`. No sign-in needed. A mutation, because every
    /// visitor needs a token of their own: an anonymous query's answer may be served from the
    /// response cache (and over GET by any HTTP cache) to the next visitor.
    async fn inquiry_form(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<InquiryForm> {
        let st = state(ctx)?;
        let (token, bits) = service::inquiry_form(&st.db, &st.inquiry_keys, &site).await?;
        let now = chrono::Utc::now();
        let secs = |s: u64| chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2));
        Ok(InquiryForm {
            token,
            not_before: now + secs(st.settings.inquiry_token_min_age_secs),
            expires_at: now + secs(st.settings.inquiry_token_max_age_secs),
            honeypot_field: "website".into(),
            proof_of_work_bits: i32::from(bits),
        })
    }

    /// Switches the proof of work of a site's (ID or domain) inquiry forms on (`bits`, 1 to 24
    /// leading zero bits; 16 costs a browser a fraction of a second) or off (0), for when spam
    /// rises (site owners). Forms already shown keep the difficulty they were issued with.
    async fn set_inquiry_proof_of_work(
        &self,
        ctx: &Context<'_>,
        site: String,
        bits: i32,
    ) -> async_graphql::Result<i32> {
        Ok(i32::from(
            service::settings::set_inquiry_proof_of_work(
                &state(ctx)?.db,
                principal(ctx),
                &site,
                bits,
            )
            .await?,
        ))
    }

    /// Sends a buyer's inquiry (no sign-in). Malformed input is refused with BAD_USER_INPUT
    /// naming the field, and nothing is stored; everything else is stored, suspected spam in
    /// the site's spam folder, and answered with the same reference either way.
    async fn submit_inquiry(
        &self,
        ctx: &Context<'_>,
        input: SubmitInquiryInput,
    ) -> async_graphql::Result<SubmittedInquiry> {
        let st = state(ctx)?;
        let sender = Sender {
            keys: &st.inquiry_keys,
            settings: &st.settings,
            ip: ctx.data_opt::<ClientIp>().map(|c| c.0),
        };
        let stored = service::submit_inquiry(&st.db, &sender, input.into())
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(SubmittedInquiry {
            reference: stored.reference,
            received_at: stored.created_at,
        })
    }

    /// Moves an inquiry to NEW, OPEN, REPLIED or CLOSED, with an optional note; recorded in
    /// its history. SPAM is `markInquirySpam`'s; an inquiry in the spam folder answers CONFLICT
    /// until `markInquiryNotSpam` takes it out.
    async fn set_inquiry_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: InquiryStatus,
        note: Option<String>,
    ) -> async_graphql::Result<Inquiry> {
        Ok(Inquiry::new(
            service::set_inquiry_status(
                &state(ctx)?.db,
                principal(ctx),
                id_arg("id", &id)?,
                status.into(),
                note.as_deref(),
            )
            .await?,
        ))
    }

    /// Assigns an inquiry to a member of its site (null: to nobody).
    async fn assign_inquiry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        assignee_id: Option<ID>,
    ) -> async_graphql::Result<Inquiry> {
        let assignee = assignee_id.map(|a| id_arg("assigneeId", &a)).transpose()?;
        Ok(Inquiry::new(
            service::assign_inquiry(
                &state(ctx)?.db,
                principal(ctx),
                id_arg("id", &id)?,
                assignee,
            )
            .await?,
        ))
    }

    /// Adds an internal note (1 to 5,000 characters) to an inquiry's history.
    async fn add_inquiry_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: String,
    ) -> async_graphql::Result<Inquiry> {
        Ok(Inquiry::new(
            service::add_inquiry_note(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?, &note)
                .await?,
        ))
    }

    /// Puts an inquiry in the spam folder and blocks its sender's email on the site.
    async fn mark_inquiry_spam(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Inquiry> {
        Ok(Inquiry::new(
            service::mark_inquiry_spam(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Takes an inquiry out of the spam folder (to NEW), unblocks its sender, and sends
    /// `inquiry.received` for it.
    async fn mark_inquiry_not_spam(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Inquiry> {
        Ok(Inquiry::new(
            service::mark_inquiry_not_spam(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?)
                .await?,
        ))
    }

    /// Erases an inquiry for good, with its items and history (an erasure request). Returns
    /// its ID.
    async fn delete_inquiry(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            service::delete_inquiry(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }
}
