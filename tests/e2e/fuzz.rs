//! Fuzzing over HTTP and WebSocket: many queries and mutations generated from the schema itself
//! (through introspection) with valid and hostile argument values, many malformed bodies, and
//! malformed protocol messages. No answer may be a 5xx or an INTERNAL error, none may hang, and
//! the server must still answer after.
use anyhow::{Result, bail};
use serde_json::{Map, Value, json};
use std::time::Duration;
use wharf::Settings;
use wharf_tests::{TestApp, WsClient, e2e, ok};

fn no_limits(s: &mut Settings) {
    s.rate_limit_anonymous_per_minute = 0;
    s.rate_limit_sign_in_ip_per_minute = 0;
    s.rate_limit_sign_in_account_per_minute = 0;
    s.rate_limit_token_per_minute = 0;
}

e2e!(settings = no_limits;
    generated_operations_never_fail_the_server,
    generated_operations_over_websocket_never_fail_the_server,
    malformed_bodies_never_fail_the_server,
    malformed_websocket_messages_never_fail_the_server,
);

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const STRINGS: &[&str] = &[
    "",
    "a",
    "example.com",
    "扩散模型",
    "hello-world",
    "x'; DROP TABLE articles; --",
    "<script>alert(1)</script>",
    "\u{0}",
    "../../etc/passwd",
    "https://example.com/a",
    "zh-CN",
    "content:read",
    "ann@example.com",
    "😀😀😀",
    "                ",
];
const IDS: &[&str] = &[
    "",
    "not-an-id",
    "00000000-0000-0000-0000-000000000000",
    "0190a000-0000-7000-8000-000000000000",
    "-1",
];
const INTS: &[i64] = &[0, 1, -1, 20, 100, 101, 2147483647, -2147483648];
const DATES: &[&str] = &[
    "2026-01-01T00:00:00Z",
    "not a date",
    "",
    "9999-12-31T23:59:59Z",
];

struct Schema {
    types: Map<String, Value>,
}

impl Schema {
    fn of(&self, name: &str) -> &Value {
        self.types.get(name).unwrap_or(&Value::Null)
    }

    fn type_str(t: &Value) -> String {
        match t["kind"].as_str() {
            Some("NON_NULL") => format!("{}!", Self::type_str(&t["ofType"])),
            Some("LIST") => format!("[{}]", Self::type_str(&t["ofType"])),
            _ => t["name"].as_str().unwrap_or("String").to_owned(),
        }
    }

    fn named(t: &Value) -> &Value {
        if t["ofType"].is_object() {
            Self::named(&t["ofType"])
        } else {
            t
        }
    }

    fn value(&self, t: &Value, rng: &mut Rng, depth: u32) -> Value {
        match t["kind"].as_str() {
            Some("NON_NULL") => self.value(&t["ofType"], rng, depth),
            Some("LIST") => Value::Array(
                (0..rng.next() % 3)
                    .map(|_| self.value(&t["ofType"], rng, depth))
                    .collect(),
            ),
            Some("ENUM") => {
                let values: Vec<Value> =
                    self.of(t["name"].as_str().unwrap_or_default())["enumValues"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                if values.is_empty() || rng.next().is_multiple_of(10) {
                    json!("NOT_A_VALUE")
                } else {
                    rng.pick(&values)["name"].clone()
                }
            }
            Some("INPUT_OBJECT") => {
                let mut obj = Map::new();
                if depth < 3 {
                    for f in self.of(t["name"].as_str().unwrap_or_default())["inputFields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        let required = f["type"]["kind"] == "NON_NULL";
                        if required || rng.next().is_multiple_of(2) {
                            obj.insert(
                                f["name"].as_str().unwrap_or_default().to_owned(),
                                self.value(&f["type"], rng, depth + 1),
                            );
                        }
                    }
                }
                Value::Object(obj)
            }
            _ => match t["name"].as_str() {
                Some("Int") => json!(*rng.pick(INTS)),
                Some("Float") => json!(*rng.pick(INTS) as f64 / 3.0),
                Some("Boolean") => json!(rng.next().is_multiple_of(2)),
                Some("ID") => json!(*rng.pick(IDS)),
                Some("DateTime") => json!(*rng.pick(DATES)),
                Some("Upload") | Some("JSON") => Value::Null,
                _ => json!(*rng.pick(STRINGS)),
            },
        }
    }

    /// A selection of the scalar fields of an output type (one level of objects below).
    fn selection(&self, t: &Value, depth: u32) -> String {
        let named = Self::named(t);
        match named["kind"].as_str() {
            Some("OBJECT") | Some("INTERFACE") => {
                let mut fields = vec!["__typename".to_owned()];
                for f in self.of(named["name"].as_str().unwrap_or_default())["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let has_required_arg = f["args"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|a| a["type"]["kind"] == "NON_NULL");
                    if has_required_arg {
                        continue;
                    }
                    let inner = Self::named(&f["type"]);
                    match inner["kind"].as_str() {
                        Some("SCALAR") | Some("ENUM") => {
                            fields.push(f["name"].as_str().unwrap_or_default().to_owned())
                        }
                        Some("OBJECT") if depth < 2 => fields.push(format!(
                            "{} {}",
                            f["name"].as_str().unwrap_or_default(),
                            self.selection(&f["type"], depth + 1)
                        )),
                        _ => {}
                    }
                }
                format!("{{ {} }}", fields.join(" "))
            }
            _ => String::new(),
        }
    }

    fn operations(&self, root: &str, keyword: &str, rng: &mut Rng, per_field: usize) -> Vec<Value> {
        let mut ops = Vec::new();
        for f in self.of(root)["fields"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap_or_default();
            let args: Vec<&Value> = f["args"].as_array().into_iter().flatten().collect();
            if args
                .iter()
                .any(|a| Self::named(&a["type"])["name"] == "Upload")
            {
                continue;
            }
            for _ in 0..per_field {
                let mut decls = Vec::new();
                let mut uses = Vec::new();
                let mut vars = Map::new();
                for a in &args {
                    let an = a["name"].as_str().unwrap_or_default();
                    if a["type"]["kind"] != "NON_NULL" && rng.next().is_multiple_of(2) {
                        continue;
                    }
                    decls.push(format!("${an}: {}", Self::type_str(&a["type"])));
                    uses.push(format!("{an}: ${an}"));
                    vars.insert(an.to_owned(), self.value(&a["type"], rng, 0));
                }
                let decl = if decls.is_empty() {
                    String::new()
                } else {
                    format!("({})", decls.join(", "))
                };
                let call = if uses.is_empty() {
                    String::new()
                } else {
                    format!("({})", uses.join(", "))
                };
                let query = format!(
                    "{keyword} Fuzz{decl} {{ {name}{call} {} }}",
                    self.selection(&f["type"], 0)
                );
                ops.push(json!({ "query": query, "variables": vars }));
            }
        }
        ops
    }
}

const INTROSPECTION: &str = "{ __schema { types { name kind enumValues { name } inputFields { name type { ...T } } fields { name args { name type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }";

async fn check(app: &TestApp, token: Option<&str>, body: &Value) -> Result<()> {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .timeout(Duration::from_secs(15))
        .json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let text = resp.text().await?;
    if status >= 500 {
        bail!("{status} for {body}: {text}");
    }
    let answer: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("not JSON ({e}) for {body}: {text}"))?;
    coded(body, &answer)
}

/// A site with a published article, and the operations generated from the schema.
async fn generate(app: &TestApp) -> Result<(String, Vec<Value>, Vec<Value>)> {
    let auth = app.signup("fuzz@example.com").await?;
    let site = app
        .create_site(&auth.token, "fuzz.example.com", &["en", "zh-CN"])
        .await?;
    let a = app
        .create_article(
            &auth.token,
            json!({ "siteId": site, "title": "扩散模型", "body": "# 一、简介\n\n正文" }),
        )
        .await?;
    app.publish(&auth.token, a["id"].as_str().unwrap_or_default())
        .await?;
    let intro = app.graphql(INTROSPECTION, json!({})).await?;
    let types = ok(&intro)?["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let schema = Schema {
        types: types
            .into_iter()
            .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t))
            .collect(),
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let queries = schema.operations("Query", "query", &mut rng, 6);
    let mutations = schema.operations("Mutation", "mutation", &mut rng, 4);
    assert!(
        queries.len() > 60 && mutations.len() > 100,
        "{} queries, {} mutations",
        queries.len(),
        mutations.len()
    );
    Ok((auth.token, queries, mutations))
}

/// Every error of a GraphQL response carries a client code, never INTERNAL.
fn coded(op: &Value, answer: &Value) -> Result<()> {
    for err in answer["errors"].as_array().into_iter().flatten() {
        let code = err["extensions"]["code"].as_str().unwrap_or_default();
        if code.is_empty() || code == "INTERNAL" {
            bail!("error without a client code for {op}: {err}");
        }
    }
    Ok(())
}

async fn healthy(app: &TestApp) -> Result<()> {
    let status = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await?
        .status()
        .as_u16();
    if status != 200 {
        bail!("/healthz answered {status}");
    }
    Ok(())
}

async fn generated_operations_never_fail_the_server(app: TestApp) -> Result<()> {
    let (token, queries, mutations) = generate(&app).await?;
    for op in &queries {
        check(&app, None, op).await?;
        check(&app, Some(&token), op).await?;
    }
    for op in &mutations {
        check(&app, Some(&token), op).await?;
    }
    healthy(&app).await
}

/// The same generated operations over WebSocket, anonymous and signed in: the same pipeline,
/// so the same guarantees (and one socket survives them all).
async fn generated_operations_over_websocket_never_fail_the_server(app: TestApp) -> Result<()> {
    let (token, queries, mutations) = generate(&app).await?;
    let mut anonymous = WsClient::connect(&app.address, json!({}), None).await?;
    let mut signed_in = WsClient::connect_as(&app.address, &token).await?;
    for op in &queries {
        let variables = op["variables"].clone();
        let query = op["query"].as_str().unwrap_or_default();
        coded(op, &anonymous.run(query, variables.clone()).await?)?;
        coded(op, &signed_in.run(query, variables).await?)?;
    }
    for op in &mutations {
        let query = op["query"].as_str().unwrap_or_default();
        coded(op, &signed_in.run(query, op["variables"].clone()).await?)?;
    }
    healthy(&app).await
}

/// Protocol messages that are not what the protocol allows: the server answers with an error
/// or closes that socket with a code, and keeps serving others.
async fn malformed_websocket_messages_never_fail_the_server(app: TestApp) -> Result<()> {
    let messages = [
        json!("not an object"),
        json!({}),
        json!({ "type": "nope" }),
        json!({ "type": "subscribe" }),
        json!({ "type": "subscribe", "id": 1, "payload": {} }),
        json!({ "type": "subscribe", "id": "1", "payload": { "query": 5 } }),
        json!({ "type": "subscribe", "id": "1", "payload": { "query": "{ viewer { id } }", "variables": [1] } }),
        json!({ "type": "subscribe", "id": "1", "payload": { "query": "{".repeat(5000) } }),
        json!({ "type": "connection_init" }),
        json!({ "type": "complete", "id": "404" }),
        json!({ "type": "ping", "payload": { "x": "y".repeat(1000) } }),
    ];
    for message in messages {
        let mut ws = WsClient::connect(&app.address, json!({}), None).await?;
        ws.send(message.clone()).await?;
        // Either an answer or a close; both within the wait, neither a crash.
        let outcome = ws.receive().await;
        if let Ok(answer) = &outcome {
            coded(&message, &answer["payload"])?;
        }
        let mut fresh = WsClient::connect(&app.address, json!({}), None).await?;
        ok(&fresh.run("{ viewer { id } }", json!({})).await?)?;
    }
    healthy(&app).await
}

async fn malformed_bodies_never_fail_the_server(app: TestApp) -> Result<()> {
    let mut rng = Rng(42);
    let mut bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[null]".to_vec(),
        b"{\"query\": 5}".to_vec(),
        b"{\"query\": {\"a\": 1}}".to_vec(),
        b"{\"query\": \"{ viewer { id } }\", \"variables\": [1]}".to_vec(),
        b"{\"query\": \"{ viewer { id } }\", \"variables\": \"x\"}".to_vec(),
        b"{\"query\": \"{ viewer { id } }\", \"operationName\": 7}".to_vec(),
        b"{\"query\": \"query A { viewer { id } } query B { viewer { id } }\"}".to_vec(),
        b"{\"query\": \"{ articles(first: 99999999999) { totalCount } }\"}".to_vec(),
        b"{\"query\": \"{ articles(first: 1e400) { totalCount } }\"}".to_vec(),
        b"{\"query\": \"\\u0000\"}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        format!("{{\"query\": \"{}\"}}", "{".repeat(5000)).into_bytes(),
        format!("{}1{}", "[".repeat(10000), "]".repeat(10000)).into_bytes(),
        format!("{{\"query\": \"{{ {} }}\"}}", "viewer { id } ".repeat(2000)).into_bytes(),
        format!(
            "{{\"query\": \"query($a: Int) {{ viewer {{ id }} }}\", \"variables\": {{\"a\": {}}}}}",
            "9".repeat(500)
        )
        .into_bytes(),
    ];
    let valid = br#"{"query": "query($f: ArticleFilter) { articles(first: 5, filter: $f) { totalCount edges { node { title } } } }", "variables": {"f": {"locale": "en"}}}"#;
    for _ in 0..150 {
        let mut b = valid.to_vec();
        let cut = (rng.next() as usize) % b.len();
        match rng.next() % 3 {
            0 => b.truncate(cut),
            1 => b[cut] = (rng.next() % 256) as u8,
            _ => b.insert(cut, *rng.pick(&[b'{', b'}', b'"', b'\\', b'[', b',', 0u8])),
        }
        bodies.push(b);
    }
    for _ in 0..50 {
        bodies.push(
            (0..(rng.next() % 300))
                .map(|_| (rng.next() % 256) as u8)
                .collect(),
        );
    }
    for body in &bodies {
        let resp = app
            .client
            .post(format!("{}/graphql", app.address))
            .timeout(Duration::from_secs(15))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        if status >= 500 {
            bail!("{status} for {:?}: {text}", String::from_utf8_lossy(body));
        }
        if text.contains("\"INTERNAL\"") {
            bail!("INTERNAL for {:?}: {text}", String::from_utf8_lossy(body));
        }
    }
    healthy(&app).await
}
