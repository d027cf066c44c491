//! New inquiries by e-mail (issue 20, point 3): with `WHARF_SMTP_*` set, each real inquiry is
//! mailed to its site's members through the outbox, so a mail server that is down when the
//! inquiry arrives gets the message once it is back, once. The mail server is this test
//! crate's own SMTP receiver (`wharf_tests::smtp`, a real listener on 127.0.0.1 that the test
//! stops and starts again), and the client is the server's lettre transport.
use crate::inquiries::{inquiry_input, outbox_drained, quick_tokens, shop, stored, submit};
use anyhow::{Result, bail, ensure};
use entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use wharf::config::SmtpTls;
use wharf_tests::{SmtpServer, TestApp, e2e, ok};

e2e!(smtp = mail_to; an_inquiry_that_arrives_while_the_mail_server_is_down_is_mailed_once_it_is_back);

/// Mail through the test's SMTP server, in clear text on loopback.
pub(crate) fn mail_to(s: &mut wharf::Settings, smtp: &SmtpServer) {
    quick_tokens(s);
    s.smtp_host = Some("127.0.0.1".into());
    s.smtp_port = Some(smtp.port);
    s.smtp_tls = SmtpTls::None;
    s.smtp_from = Some("Wharf <inquiries@valves.example.com>".into());
    s.smtp_timeout_secs = 2;
}

/// The e-mail outbox row, once it has failed at least once.
async fn failed_mail_row(app: &TestApp) -> Result<outbox::Model> {
    for _ in 0..400 {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("mail.inquiry"))
            .all(&app.db)
            .await?;
        if let Some(row) = rows
            .into_iter()
            .find(|r| r.attempts >= 1 && r.last_error.is_some())
        {
            return Ok(row);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("no failed attempt to mail the inquiry")
}

async fn an_inquiry_that_arrives_while_the_mail_server_is_down_is_mailed_once_it_is_back(
    app: TestApp,
    mut smtp: SmtpServer,
) -> Result<()> {
    let s = shop(&app).await?;
    smtp.stop();
    let mut spam = inquiry_input(&s.site, "bot@spam.example.com", "cheap pills")?;
    spam["website"] = json!("filled by a bot");
    let spam = submit(&app, spam).await?;
    let mut input = inquiry_input(
        &s.site,
        "jonas@becker-armaturen.example",
        "We need 2,000 DN50 ball valves, FOB Ningbo. 请报价。",
    )?;
    input["items"] = json!([{ "productId": s.valve, "quantity": 2000 }]);
    let real = submit(&app, input).await?;
    let id = stored(&app, &real).await?.id;

    // The inquiry is stored and answered; its e-mail waits in the outbox, failing, and what
    // the row records of the failure names no address.
    let row = failed_mail_row(&app).await?;
    let error = row.last_error.unwrap_or_default();
    ensure!(!error.contains('@'), "{error}");
    ensure!(smtp.mails().is_empty());

    smtp.start_again().await?;
    let mails = smtp.wait_for(1, 60).await?;
    outbox_drained(&app).await?;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    ensure!(
        smtp.mails().len() == 1,
        "one e-mail, not one per attempt: {:?}",
        smtp.mails()
    );
    let mail = &mails[0];
    ensure!(mail.to == ["owner@valves.example.com"], "{:?}", mail.to);
    ensure!(mail.from == "inquiries@valves.example.com", "{}", mail.from);
    let subject = mail.header("subject").unwrap_or_default();
    ensure!(
        subject.contains(&real) && subject.contains("Jonas Becker") && subject.contains("新询盘"),
        "{subject}"
    );
    ensure!(
        mail.header("reply-to")
            .is_some_and(|r| r.contains("jonas@becker-armaturen.example")),
        "a reply goes to the buyer: {}",
        mail.data
    );
    let text = mail.text();
    for part in [
        "Becker Armaturen GmbH",
        "We need 2,000 DN50 ball valves, FOB Ningbo. 请报价。",
        "Ball valve DN50 × 2000",
        &format!("/studio/inquiries/{id}"),
    ] {
        ensure!(text.contains(part), "{part:?} not in:\n{text}");
    }

    // Spam is not mailed; taken out of the spam folder, it arrives for the team now.
    let spam_id = stored(&app, &spam).await?.id.to_string();
    ok(&app
        .graphql_as(
            &s.owner,
            "mutation($id: ID!) { markInquiryNotSpam(id: $id) { status } }",
            json!({ "id": spam_id }),
        )
        .await?)?;
    let mails = smtp.wait_for(2, 30).await?;
    ensure!(
        mails[1]
            .header("subject")
            .is_some_and(|s| s.contains(&spam)),
        "{:?}",
        mails[1].header("subject")
    );
    outbox_drained(&app).await?;
    ensure!(smtp.mails().len() == 2);
    Ok(())
}
