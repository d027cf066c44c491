//! Buyers' personal data stays out of the logs and the metrics (issue 20, point 5): inquiries
//! with distinctive names, emails, companies, phones, messages and IP addresses go through
//! everything that touches them — submission (real, spam, malformed), the inbox's reads, filters
//! (also in a GET URL), handling and export, the live subscription, and a webhook delivery and
//! an e-mail that both fail before they succeed — and none of those strings shows up in what the server logged
//! (`wharf_tests::Logs`: the server's own subscriber, `debug` and wider) or on `/metrics`.
use crate::inquiries::{SITE, inquiry_input, inquiry_webhook, outbox_drained, shop};
use anyhow::{Result, ensure};
use chrono::Duration;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use wharf_tests::{Logs, SmtpServer, TestApp, WsClient, e2e, error_code, ok, str_at};

e2e!(smtp = behind_a_proxy; no_buyers_personal_data_reaches_the_logs_or_the_metrics);

/// Quick form tokens, the client address from `X-Forwarded-For` (as behind a proxy), and
/// e-mail through the test's SMTP server.
fn behind_a_proxy(s: &mut wharf::Settings, smtp: &SmtpServer) {
    crate::inquiries_mail::mail_to(s, smtp);
    s.trust_proxy_headers = true;
}

/// What the buyers told the site (and where they wrote from); none of it may be logged.
const REAL: [(&str, &str); 5] = [
    ("name", "Quirinus Zwetschgenbaum"),
    ("email", "quirinus.zwetschgenbaum@pflaumen-leak.example"),
    ("company", "Zwetschgenbaum Flanschwerk KG"),
    ("phone", "+49 40 7654 3210"),
    (
        "message",
        "Bitte Angebot für 731 Oktagonflansche xq9z, Lieferung Hamburg.",
    ),
];
const SPAM: [(&str, &str); 4] = [
    ("name", "Ottilie Spamwarth-Quaddel"),
    ("email", "ottilie.quaddel@spamwarth-leak.example"),
    ("company", "Quaddel Pillenversand GmbH"),
    ("message", "Kaufen Sie Quaddelpillen zq7k billig"),
];
const REAL_IP: &str = "203.0.113.77";
const SPAM_IP: &str = "198.51.100.213";
const NOTE: &str = "Rückruf bei Herrn Zwetschgenbaum wegen xq9z";

/// Every string that must not leak, with its stored forms (lowercased email, E.164 phone).
fn secrets() -> Vec<String> {
    let mut all: Vec<String> = REAL
        .iter()
        .chain(SPAM.iter())
        .map(|(_, v)| (*v).to_owned())
        .collect();
    all.extend([
        "Zwetschgenbaum".to_owned(),
        "Spamwarth".to_owned(),
        "+494076543210".to_owned(),
        "76543210".to_owned(),
        "pflaumen-leak".to_owned(),
        "spamwarth-leak".to_owned(),
        "xq9z".to_owned(),
        "zq7k".to_owned(),
        REAL_IP.to_owned(),
        SPAM_IP.to_owned(),
        NOTE.to_owned(),
    ]);
    all
}

fn with_fields(mut input: Value, fields: &[(&str, &str)]) -> Value {
    for (k, v) in fields {
        input[*k] = json!(v);
    }
    input
}

/// Submits from `ip` (through the proxy's header); returns the answer's body.
async fn submit_from(app: &TestApp, ip: &str, input: Value) -> Result<Value> {
    Ok(app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", ip)
        .json(&json!({
            "query": "mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference } }",
            "variables": { "i": input },
        }))
        .send()
        .await?
        .json()
        .await?)
}

/// The stored inquiry holds the strings looked for (lowercased email, E.164 phone), so their
/// absence from the logs is not a matter of spelling.
async fn secrets_stored_as_given(app: &TestApp, reference: &str) -> Result<()> {
    let row = crate::inquiries::stored(app, reference).await?;
    ensure!(
        row.email == REAL[1].1 && row.phone.as_deref() == Some("+494076543210"),
        "{row:?}"
    );
    ensure!(row.name == REAL[0].1 && row.message == REAL[4].1, "{row:?}");
    Ok(())
}

async fn no_buyers_personal_data_reaches_the_logs_or_the_metrics(
    app: TestApp,
    mut smtp: SmtpServer,
) -> Result<()> {
    let logs = Logs::capture()?;
    smtp.stop();
    let s = shop(&app).await?;
    let receiver = inquiry_webhook(&app, &s).await?;
    receiver.down.store(true, Ordering::SeqCst);
    let mut live = WsClient::connect_as(&app.address, &s.owner).await?;
    let sub = live
        .start(
            "subscription($s: String!) { inquiryEvents(site: $s) { reference name company country } }",
            json!({ "s": SITE }),
        )
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // A real inquiry, a spam one, and a malformed one (refused, naming its field).
    let mut real = with_fields(inquiry_input(&s.site, "x@example.com", "x")?, &REAL);
    real["items"] = json!([{ "productId": s.valve, "quantity": 731 }]);
    real["sourceUrl"] = json!("https://valves.example.com/products/xq9z?from=Zwetschgenbaum");
    let body = submit_from(&app, REAL_IP, real).await?;
    let reference = str_at(ok(&body)?, "/submitInquiry/reference")?;
    secrets_stored_as_given(&app, &reference).await?;
    let mut spam = with_fields(inquiry_input(&s.site, "x@example.com", "x")?, &SPAM);
    spam["website"] = json!("https://spamwarth-leak.example/zq7k");
    ok(&submit_from(&app, SPAM_IP, spam).await?)?;
    let mut bad = with_fields(inquiry_input(&s.site, "x@example.com", "x")?, &REAL);
    bad["email"] = json!("quirinus.zwetschgenbaum@@pflaumen-leak.example");
    let refused = submit_from(&app, REAL_IP, bad).await?;
    ensure!(error_code(&refused)? == "BAD_USER_INPUT", "{refused}");
    // A token too young: kept as spam with its reason.
    let mut early = with_fields(inquiry_input(&s.site, "x@example.com", "x")?, &SPAM);
    early["formToken"] = json!(crate::inquiries::token_aged(&s.site, Duration::zero())?);
    ok(&submit_from(&app, SPAM_IP, early).await?)?;
    let heard = live.result_of(&sub).await?;
    ensure!(
        ok(&heard)?["inquiryEvents"]["name"] == REAL[0].1,
        "the live event carries the buyer (to the team, not the log): {heard}"
    );

    // The team at work: filtered reads (also as a GET, whose URL holds the name), handling,
    // the spam folder both ways, the export.
    let list = "query($s: String!, $t: String) { inquiries(site: $s, filter: { text: $t }) { nodes { id name email phone } } }";
    let found = app
        .graphql_as(&s.owner, list, json!({ "s": SITE, "t": "Zwetschgenbaum" }))
        .await?;
    let id = str_at(ok(&found)?, "/inquiries/nodes/0/id")?;
    let url = url::Url::parse_with_params(
        &format!("{}/graphql", app.address),
        [(
            "query",
            format!(
                "{{ inquiries(site: \"{SITE}\", filter: {{ text: \"Zwetschgenbaum\", country: \"DE\" }}) {{ totalCount }} }}"
            ),
        )],
    )?;
    let get = app.client.get(url).bearer_auth(&s.owner).send().await?;
    ensure!(get.status().is_success(), "{}", get.status());
    let spam_found = app
        .graphql_as(
            &s.owner,
            "query($s: String!) { inquiries(site: $s, filter: { status: SPAM, text: \"Spamwarth\" }) { nodes { id } } }",
            json!({ "s": SITE }),
        )
        .await?;
    let spam_id = str_at(ok(&spam_found)?, "/inquiries/nodes/0/id")?;
    for (query, vars) in [
        (
            "mutation($id: ID!, $n: String) { setInquiryStatus(id: $id, status: OPEN, note: $n) { status } }",
            json!({ "id": id, "n": NOTE }),
        ),
        (
            "mutation($id: ID!, $n: String!) { addInquiryNote(id: $id, note: $n) { id } }",
            json!({ "id": id, "n": NOTE }),
        ),
        (
            "mutation($id: ID!, $a: ID) { assignInquiry(id: $id, assigneeId: $a) { id } }",
            json!({ "id": id, "a": s.owner_id }),
        ),
        (
            "mutation($id: ID!) { markInquiryNotSpam(id: $id) { status } }",
            json!({ "id": spam_id }),
        ),
        (
            "mutation($id: ID!) { markInquirySpam(id: $id) { status } }",
            json!({ "id": spam_id }),
        ),
        (
            "query($id: ID!) { inquiry(id: $id) { name email company phone message history { note } } }",
            json!({ "id": id }),
        ),
        (
            "query($s: String!) { exportInquiries(site: $s, filter: { text: \"Zwetschgenbaum\" }) { csv rows } }",
            json!({ "s": SITE }),
        ),
    ] {
        ok(&app.graphql_as(&s.owner, query, vars).await?)?;
    }
    // A spam inquiry in the folder cannot change status: refused, with a CONFLICT.
    let conflict = app
        .graphql_as(
            &s.owner,
            "mutation($id: ID!) { setInquiryStatus(id: $id, status: OPEN) { status } }",
            json!({ "id": spam_id }),
        )
        .await?;
    ensure!(error_code(&conflict)? == "CONFLICT", "{conflict}");

    // The webhook fails while the receiver is down (logged), then delivers: the real inquiry
    // and the one taken out of the spam folder.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    receiver.down.store(false, Ordering::SeqCst);
    let hits = receiver.wait_for(2, 60).await?;
    ensure!(
        hits.iter().any(|h| h.body.contains(REAL[0].1)),
        "the webhook carries the buyer to the site's receiver"
    );
    smtp.start_again().await?;
    // One e-mail: the one taken out of the spam folder went back before it could be sent.
    let mails = smtp.wait_for(1, 60).await?;
    ensure!(
        mails.iter().any(|m| m.text().contains(REAL[4].1)),
        "the e-mail carries the buyer to the team"
    );
    outbox_drained(&app).await?;

    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await?
        .text()
        .await?;
    ensure!(
        metrics.contains("wharf_graphql_operations_total"),
        "{metrics}"
    );
    let logged = logs.text();
    // The capture saw this server at work (the access log of its requests, the failed
    // deliveries), so what is absent from it was not logged.
    ensure!(
        logged.contains("webhook delivery failed")
            && logged.contains("could not reach the SMTP server")
            && logged.contains("\"path\":\"/graphql\""),
        "the capture holds the server's lines:\n{logged}"
    );
    for secret in secrets() {
        let line = logged.lines().find(|l| l.contains(&secret));
        ensure!(
            line.is_none(),
            "{secret:?} was logged: {}",
            line.unwrap_or_default()
        );
        ensure!(!metrics.contains(&secret), "{secret:?} is on /metrics");
    }
    Ok(())
}
