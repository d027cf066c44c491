//! E-mail over SMTP (lettre), for the inquiry notifications: the transport built once from the
//! `WHARF_SMTP_*` settings, and sending one plain-text message.
//!
//! Errors say what went wrong in words of our own and the server's reply code, never the
//! reply's text: a server's refusal often quotes the recipient's address, and the error is
//! logged and kept in the outbox row.
use crate::config::{Settings, SmtpTls};
use anyhow::Context;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::time::Duration;

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// Recipients' addresses.
    pub to: Vec<String>,
    /// Where a reply goes (the buyer), when it is an address.
    pub reply_to: Option<String>,
    /// The subject (line breaks are dropped).
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth trying again later: the server is unreachable, timed out, or answered 4xx.
    #[error("{0}")]
    Transient(String),
    /// The server refused the message for good (5xx), or it cannot be written.
    #[error("{0}")]
    Permanent(String),
}

/// The SMTP transport and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the settings describe; `None` without `smtp_host` (no e-mail).
    pub fn from_settings(s: &Settings) -> anyhow::Result<Option<Self>> {
        let Some(host) = s.smtp_host.as_deref() else {
            return Ok(None);
        };
        let from = s
            .smtp_from
            .as_deref()
            .context("smtp_from is required with smtp_host")?
            .parse::<Mailbox>()
            .context("smtp_from is not an e-mail address")?;
        let host = host.trim_matches(['[', ']']);
        let builder = match s.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(s.smtp_port.unwrap_or(s.smtp_tls.default_port()))
            .timeout(Some(Duration::from_secs(s.smtp_timeout_secs)));
        if let (Some(user), Some(password)) = (&s.smtp_username, &s.smtp_password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Some(Self {
            transport: builder.build(),
            from,
        }))
    }

    /// Sends `mail` as one message to all its recipients.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(err) => {
                let code = err.status().map(|c| format!(" ({c})")).unwrap_or_default();
                if err.is_permanent() {
                    Err(MailError::Permanent(format!(
                        "the SMTP server refused the message{code}"
                    )))
                } else if err.is_transient() {
                    Err(MailError::Transient(format!(
                        "the SMTP server deferred the message{code}"
                    )))
                } else if err.is_timeout() {
                    Err(MailError::Transient("the SMTP server timed out".into()))
                } else {
                    Err(MailError::Transient(
                        "could not reach the SMTP server or talk to it".into(),
                    ))
                }
            }
        }
    }

    fn message(&self, mail: &Mail) -> Result<Message, MailError> {
        let bad =
            |what: &str| MailError::Permanent(format!("the message cannot be written: {what}"));
        let subject: String = mail.subject.chars().filter(|c| !c.is_control()).collect();
        let mut builder = Message::builder().from(self.from.clone()).subject(subject);
        for to in &mail.to {
            builder = builder.to(to
                .parse()
                .map_err(|_| bad("a recipient is not an address"))?);
        }
        if let Some(reply_to) = mail.reply_to.as_deref().and_then(|r| r.parse().ok()) {
            builder = builder.reply_to(reply_to);
        }
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|_| bad("no recipient"))
    }
}
