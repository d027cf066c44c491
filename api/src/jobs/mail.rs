//! The outbox handler that e-mails new inquiries to their site's members
//! ([`OutboxJob::MailInquiry`]). A server that is down or defers the message fails the attempt,
//! and the outbox tries again with backoff until the server takes it; a message refused for good
//! (5xx: no such mailbox, policy) is logged and dropped, as sending it again would not help.
//! Without SMTP settings every such job is done at once.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::mail::{MailError, Mailer};
use crate::services::inquiry::notify::inquiry_mail;
use crate::services::outbox::{OutboxJob, kinds};
use sea_orm::DatabaseConnection;

/// Sends [`OutboxJob::MailInquiry`] jobs.
pub struct InquiryMailer {
    db: DatabaseConnection,
    mailer: Option<Mailer>,
    /// The server's URL, for the link to the inquiry in the Studio.
    studio_base: String,
}

impl InquiryMailer {
    /// A handler sending through `mailer` (`None`: no SMTP configured, nothing is sent).
    pub fn new(db: DatabaseConnection, mailer: Option<Mailer>, studio_base: String) -> Self {
        Self {
            db,
            mailer,
            studio_base,
        }
    }
}

#[async_trait::async_trait]
impl OutboxHandler for InquiryMailer {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::MAIL_INQUIRY]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        let OutboxJob::MailInquiry { inquiry_id } = job.job else {
            return Err(not_mine("the inquiry mailer", &job.job));
        };
        let Some(mailer) = &self.mailer else {
            return Ok(());
        };
        let Some(mail) = inquiry_mail(&self.db, inquiry_id, &self.studio_base)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
        else {
            return Ok(()); // erased, in the spam folder, or nobody to tell
        };
        match mailer.send(&mail).await {
            Ok(()) => Ok(()),
            Err(MailError::Transient(why)) => Err(anyhow::anyhow!(why)),
            Err(MailError::Permanent(why)) => {
                tracing::warn!(inquiry_id = %inquiry_id, outbox_id = job.id, error = %why, "inquiry e-mail refused; not sent again");
                Ok(())
            }
        }
    }
}
