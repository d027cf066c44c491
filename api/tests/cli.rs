//! The `wharf` binary as a newcomer runs it: its messages, its exit codes and what it writes to
//! its logs when standard output is a pipe (never a terminal here). Servers run on SQLite in a
//! temporary data folder; nothing is mocked.
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// `wharf` with a clean environment: settings only from `data` and what a test adds.
fn wharf(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wharf"));
    for (key, _) in std::env::vars() {
        if key.starts_with("WHARF_")
            || key.starts_with("MEILI_")
            || key == "DATABASE_URL"
            || key == "RUST_LOG"
            || key == "NO_COLOR"
        {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(data)
        .env("WHARF_DATA_DIR", data)
        .env("WHARF_HOST", "127.0.0.1")
        .env("WHARF_PORT", "0")
        .env("WHARF_WORKERS", "1")
        .env("WHARF_OUTBOX_POLL_MS", "100")
        .env("WHARF_WEBHOOK_ALLOW_HOSTS", "127.0.0.1/32");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A `wharf serve` child process whose standard output (its log) goes to a pipe.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(data: &Path, json_logs: bool) -> Result<Self> {
        let mut cmd = wharf(data);
        cmd.arg("serve")
            .env("WHARF_LOG_FORMAT", if json_logs { "json" } else { "text" })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                if line.contains("wharf is listening") {
                    let _ = port_tx.send(listening_port(&line));
                }
                let mut all = sink.lock().unwrap_or_else(|p| p.into_inner());
                all.push_str(&line);
                all.push('\n');
            }
        });
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut rest);
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push_str(&rest);
        });
        let port = match port_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(port)) => port,
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(200));
                let log = log.lock().unwrap_or_else(|p| p.into_inner()).clone();
                return Err(format!("the server did not start:\n{log}").into());
            }
        };
        Ok(Self { child, port, log })
    }

    fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits until the log has a line for which `wanted` holds; the whole log either way.
    fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) -> (bool, String) {
        let started = Instant::now();
        loop {
            let log = self.log();
            if log.lines().any(&wanted) {
                return (true, log);
            }
            if started.elapsed() > Duration::from_secs(30) {
                return (false, log);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// POSTs a GraphQL request; answers the response's `X-Request-Id` and its JSON body.
    fn graphql(
        &self,
        token: Option<&str>,
        request_id: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<(String, Value)> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut head = format!(
            "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if let Some(id) = request_id {
            head.push_str(&format!("X-Request-Id: {id}\r\n"));
        }
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.write_all(format!("{head}\r\n{body}").as_bytes())?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        let (headers, body) = answer.split_once("\r\n\r\n").ok_or("no HTTP body")?;
        let id = headers
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("x-request-id:")
                    .then(|| l[13..].trim().to_owned())
            })
            .ok_or("no X-Request-Id in the response")?;
        // Responses may be chunked: the JSON object is between the first `{` and the last `}`.
        let json = body
            .find('{')
            .zip(body.rfind('}'))
            .map(|(a, b)| &body[a..=b])
            .ok_or("no JSON in the body")?;
        Ok((id, serde_json::from_str(json)?))
    }

    /// Registers an account; answers its access token.
    fn signup(&self, email: &str) -> Result<String> {
        let (_, body) = self.graphql(
            None,
            None,
            "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
            json!({ "input": { "email": email, "password": "correct horse battery", "displayName": email } }),
        )?;
        Ok(body["data"]["register"]["accessToken"]
            .as_str()
            .ok_or_else(|| format!("register: {body}"))?
            .to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listening_port(line: &str) -> Option<u16> {
    if let Ok(json) = serde_json::from_str::<Value>(line) {
        return json["fields"]["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok());
    }
    let rest = &line[line.find("port=")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn run(cmd: &mut Command) -> Result<Output> {
    Ok(cmd.stdin(Stdio::null()).output()?)
}

#[test]
fn importing_a_missing_folder_says_the_path_does_not_exist() -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = run(wharf(data.path()).args(["import", "/nonexistent", "--site", "example.com"]))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the path /nonexistent does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("internal server error"), "{stderr}");
    Ok(())
}

#[test]
fn import_help_documents_every_front_matter_field() -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = run(wharf(data.path()).args(["import", "--help"]))?;
    let help = text(&out.stdout);
    for field in [
        "title:",
        "slug:",
        "locale:",
        "tags:",
        "translation_of:",
        "published_at:",
        "excerpt:",
        "DRAFT",
    ] {
        assert!(help.contains(field), "{field} missing from:\n{help}");
    }
    Ok(())
}

#[test]
fn a_postgres_that_is_down_is_reported_as_connection_refused() -> Result<()> {
    let data = tempfile::tempdir()?;
    // Nothing listens on port 1.
    let out = run(wharf(data.path()).arg("migrate").env(
        "WHARF_DATABASE_URL",
        "postgres://postgres@127.0.0.1:1/wharf",
    ))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.to_lowercase().contains("connection refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("pool timed out"), "{stderr}");
    Ok(())
}

#[test]
fn settings_come_from_the_file_then_the_environment_and_a_bad_one_is_named() -> Result<()> {
    let data = tempfile::tempdir()?;
    // ./wharf.toml, whose bad `workers` the environment's WHARF_WORKERS=1 overrides.
    std::fs::write(data.path().join("wharf.toml"), "workers = \"many\"\n")?;
    let out = run(wharf(data.path()).arg("migrate"))?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(wharf(data.path())
        .arg("migrate")
        .env_remove("WHARF_WORKERS"))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("workers in wharf.toml is not valid"),
        "{stderr}"
    );
    let out = run(wharf(data.path()).arg("migrate").env("WHARF_PORT", "abc"))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("WHARF_PORT is not valid"), "{stderr}");
    assert!(stderr.contains("expected u16"), "{stderr}");
    // $WHARF_CONFIG names the file instead.
    let other = data.path().join("other.toml");
    std::fs::write(&other, "portt = 1\n")?;
    let out = run(wharf(data.path())
        .arg("migrate")
        .env("WHARF_CONFIG", &other))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    let expected = format!("unknown setting portt in {}", other.display());
    assert!(stderr.contains(&expected), "{stderr}");
    Ok(())
}

#[test]
fn text_logs_into_a_pipe_carry_no_colour_and_the_response_request_id() -> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), false)?;
    let (id, _) = server.graphql(None, None, "{ __typename }", json!({}))?;
    let (found, log) = server.wait_for_line(|l| l.contains(&format!("request_id={id}")));
    assert!(found, "no access line with request_id={id}:\n{log}");
    assert!(
        !log.contains('\u{1b}'),
        "escape codes in a piped log:\n{log}"
    );
    Ok(())
}

#[test]
fn json_access_lines_keep_their_fields_apart_and_name_no_source_file() -> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), true)?;
    let (id, _) = server.graphql(None, Some("given-id-1"), "{ __typename }", json!({}))?;
    assert_eq!(id, "given-id-1");
    let (generated, _) = server.graphql(None, None, "{ __typename }", json!({}))?;
    let is_access = |line: &str, id: &str| {
        serde_json::from_str::<Value>(line)
            .is_ok_and(|v| v["target"] == "wharf::access" && v["fields"]["request_id"] == id)
    };
    let (found, log) = server.wait_for_line(|l| is_access(l, &generated));
    assert!(found, "no access line for {generated}:\n{log}");
    let line = log
        .lines()
        .find(|l| is_access(l, "given-id-1"))
        .ok_or_else(|| format!("no access line for given-id-1:\n{log}"))?;
    let access: Value = serde_json::from_str(line)?;
    let fields = &access["fields"];
    assert_eq!(fields["method"], "POST", "{line}");
    assert_eq!(fields["path"], "/graphql", "{line}");
    assert_eq!(fields["status"], 200, "{line}");
    // The client's network, never its address (an IP address is personal data).
    assert_eq!(fields["peer"], "127.0.0.0/24", "{line}");
    assert!(fields["duration_ms"].is_number(), "{line}");
    assert!(fields["bytes"].is_u64(), "{line}");
    for line in log.lines().filter(|l| l.starts_with('{')) {
        let value: Value = serde_json::from_str(line)?;
        assert!(
            !line.contains(".rs\"") && value["fields"].get("log.file").is_none(),
            "a source path in: {line}"
        );
    }
    Ok(())
}

#[test]
fn reindex_beside_a_running_server_says_to_reindex_through_it() -> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), false)?;
    let out = run(wharf(data.path()).arg("reindex"))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("in use by a running Wharf server"),
        "{stderr}"
    );
    assert!(stderr.contains("reindexSearch"), "{stderr}");
    drop(server);
    let out = run(wharf(data.path()).arg("reindex"))?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("reindexed 0 published articles"),
        "{}",
        text(&out.stdout)
    );
    Ok(())
}

#[test]
fn import_reports_published_and_draft_articles_and_failed_webhook_deliveries_are_logged()
-> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), true)?;
    let token = server.signup("owner@cli.example.com")?;
    let (_, site) = server.graphql(
        Some(&token),
        None,
        "mutation { createSite(input: { name: \"cli\", domain: \"cli.example.com\", defaultLocale: \"en\", locales: [\"en\"] }) { id } }",
        json!({}),
    )?;
    assert!(site.get("errors").is_none(), "{site}");
    // A receiver that is down, with a token in its URL that must not reach the log.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = closed.local_addr()?.port();
    drop(closed);
    let (_, hook) = server.graphql(
        Some(&token),
        None,
        "mutation($url: String!) { createWebhook(input: { siteId: \"cli.example.com\", url: $url, events: [\"article.published\"] }) { id } }",
        json!({ "url": format!("http://127.0.0.1:{port}/hook?token=hunter2") }),
    )?;
    assert!(hook.get("errors").is_none(), "{hook}");

    let admin = wharf(data.path())
        .args(["create-admin", "--email", "root@cli.example.com"])
        .env("WHARF_ADMIN_PASSWORD", "admin password 1")
        .output()?;
    assert!(admin.status.success(), "{}", text(&admin.stderr));
    let files = tempfile::tempdir()?;
    std::fs::write(
        files.path().join("live.md"),
        "---\ntitle: Live\npublished_at: 2026-01-05T08:00:00Z\n---\nOnline.\n",
    )?;
    std::fs::write(
        files.path().join("draft.md"),
        "---\ntitle: Draft\n---\nNot yet.\n",
    )?;
    let out = run(wharf(data.path())
        .arg("import")
        .arg(files.path())
        .args(["--site", "cli.example.com"]))?;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("2 created (1 published, 1 draft), 0 updated, 0 refused"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("drafts are not visible"));

    let (found, log) = server.wait_for_line(|l| l.contains("webhook delivery failed"));
    assert!(found, "no failed delivery logged:\n{log}");
    let line = log
        .lines()
        .find(|l| l.contains("webhook delivery failed"))
        .unwrap_or_default();
    let failed: Value = serde_json::from_str(line)?;
    assert_eq!(failed["fields"]["host"], "127.0.0.1", "{line}");
    assert_eq!(failed["fields"]["event"], "article.published", "{line}");
    assert!(
        !log.contains("hunter2"),
        "the URL's token reached the log:\n{log}"
    );
    Ok(())
}

#[test]
fn a_backup_taken_beside_a_running_server_restores_into_a_new_folder_and_a_damaged_one_is_refused()
-> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), false)?;
    // The server keeps serving while the backup is taken (and holds the index's lock).
    let backup = data.path().join("backups").join("first");
    let out = run(wharf(data.path()).arg("backup").arg(&backup))?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("backed up"),
        "{}",
        text(&out.stdout)
    );
    assert!(backup.join("manifest.json").is_file());
    drop(server);
    // A restore into a new folder, then once more: complete, nothing redone.
    let target = tempfile::tempdir()?;
    let out = run(wharf(target.path()).arg("restore").arg(&backup))?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("every table and object checked"),
        "{}",
        text(&out.stdout)
    );
    // Run again (as after an interruption): every table is complete, nothing is redone.
    let out = run(wharf(target.path()).arg("restore").arg(&backup))?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("restored 0 rows"),
        "{}",
        text(&out.stdout)
    );
    // The original folder has changed since (the server went on): refused, nothing touched.
    let users = wharf(data.path())
        .arg("create-admin")
        .arg("--email")
        .arg("later@example.com")
        .env("WHARF_ADMIN_PASSWORD", "walnut orbit cascade harbour")
        .output()?;
    assert!(users.status.success(), "{}", text(&users.stderr));
    let out = run(wharf(data.path()).arg("restore").arg(&backup))?;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("restore into an empty database"),
        "{}",
        text(&out.stderr)
    );
    // A damaged backup is refused before anything is touched.
    std::fs::write(backup.join("tables/users.jsonl"), "[]\n")?;
    let out = run(wharf(target.path()).arg("restore").arg(&backup))?;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("tables/users.jsonl does not match the manifest"),
        "{stderr}"
    );
    // A transfer needs somewhere to go.
    let out = run(wharf(data.path()).arg("transfer"))?;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("nothing to transfer"),
        "{}",
        text(&out.stderr)
    );
    Ok(())
}

#[test]
fn import_products_names_each_bad_line_writes_nothing_and_export_reads_back() -> Result<()> {
    let data = tempfile::tempdir()?;
    let server = Server::start(data.path(), true)?;
    let token = server.signup("owner@csv-cli.example.com")?;
    let (_, site) = server.graphql(
        Some(&token),
        None,
        "mutation { createSite(input: { name: \"csv\", domain: \"csv-cli.example.com\", defaultLocale: \"en\", locales: [\"en\", \"zh-CN\"] }) { id } }",
        json!({}),
    )?;
    assert!(site.get("errors").is_none(), "{site}");
    let admin = wharf(data.path())
        .args(["create-admin", "--email", "root@csv-cli.example.com"])
        .env("WHARF_ADMIN_PASSWORD", "admin password 1")
        .output()?;
    assert!(admin.status.success(), "{}", text(&admin.stderr));
    let files = tempfile::tempdir()?;
    let import = |name: &str, body: &str| -> Result<Output> {
        let path = files.path().join(name);
        std::fs::write(&path, body)?;
        run(wharf(data.path())
            .arg("import-products")
            .arg(&path)
            .args(["--site", "csv-cli.example.com"]))
    };

    let bad = import(
        "bad.csv",
        "model_number,locale,name,price_min,currency\nBV-1,en,Ball valve,12.50,USD\nBV-1,zh-CN,球阀,12.50,RMB\n",
    )?;
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stdout));
    assert!(
        text(&bad.stderr).contains("line 3: currency: INVALID_CURRENCY"),
        "{}",
        text(&bad.stderr)
    );
    assert!(
        text(&bad.stdout)
            .contains("not imported (2 rows): 1 created, 0 updated, 0 unchanged, 1 refused"),
        "{}",
        text(&bad.stdout)
    );

    let good = "\u{FEFF}model_number,locale,name,price_min,currency,spec:阀体:材质\r\nBV-1,en,Ball valve,12.50,USD,\r\nBV-1,zh-CN,球阀,12.50,CNY,不锈钢\r\n";
    let first = import("good.csv", good)?;
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout)
            .contains("imported (2 rows): 2 created, 0 updated, 0 unchanged, 0 refused"),
        "{}",
        text(&first.stdout)
    );
    let again = import("good.csv", good)?;
    assert!(
        text(&again.stdout).contains("0 created, 0 updated, 2 unchanged"),
        "{}",
        text(&again.stdout)
    );

    let out = files.path().join("export.csv");
    let export = run(wharf(data.path())
        .args(["export-products", "--site", "csv-cli.example.com"])
        .arg(&out))?;
    assert!(export.status.success(), "{}", text(&export.stderr));
    let written = std::fs::read_to_string(&out)?;
    assert!(
        written.starts_with('\u{FEFF}') && written.contains("球阀"),
        "{written}"
    );
    let to_stdout =
        run(wharf(data.path()).args(["export-products", "--site", "csv-cli.example.com"]))?;
    assert_eq!(text(&to_stdout.stdout), written);
    let back = import("export.csv", &written)?;
    assert!(
        text(&back.stdout).contains("0 created, 0 updated, 2 unchanged"),
        "{}",
        text(&back.stdout)
    );
    Ok(())
}
