//! An SMTP server for tests, written here (no crate): a real listener on 127.0.0.1 that speaks
//! enough of RFC 5321 for a client such as lettre (EHLO, MAIL, RCPT, DATA with dot-stuffing,
//! RSET, NOOP, QUIT), keeps every message it accepts, and can be stopped (the port refuses
//! connections, as a mail server that is down does) and started again on the same port.
use anyhow::{Context, Result, bail};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A message the server accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-stuffing undone, CRLF line ends.
    pub data: String,
}

impl Received {
    /// The value of header `name` (the first one; folded lines joined), encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| decode_words(v.trim()))
        })
    }

    /// The body as text: quoted-printable or base64 decoded by its transfer encoding.
    pub fn text(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .map(|x| x.1)
            .unwrap_or_default();
        match self.header("content-transfer-encoding").as_deref() {
            Some(e) if e.eq_ignore_ascii_case("quoted-printable") => quoted_printable(body),
            Some(e) if e.eq_ignore_ascii_case("base64") => base64_text(&body.replace("\r\n", "")),
            _ => body.to_owned(),
        }
    }
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header value.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| start + 2 + e) else {
            break;
        };
        let before = &rest[..start];
        // Whitespace between two encoded words is not part of the text.
        if !before.trim().is_empty() || out.is_empty() {
            out.push_str(before);
        }
        let word = &rest[start + 2..end];
        let mut parts = word.splitn(3, '?');
        let (_, enc, text) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
        match enc {
            Some(e) if e.eq_ignore_ascii_case("b") => out.push_str(&base64_text(text)),
            Some(e) if e.eq_ignore_ascii_case("q") => {
                out.push_str(&quoted_printable(&text.replace('_', " ")))
            }
            _ => out.push_str(word),
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn base64_text(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|_| text.to_owned())
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The running (or stopped) server.
pub struct SmtpServer {
    /// Its port on 127.0.0.1, the same across stops and starts.
    pub port: u16,
    mails: Arc<Mutex<Vec<Received>>>,
    accepting: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let mut server = Self {
            port,
            mails: Arc::default(),
            accepting: None,
        };
        server.serve(listener);
        Ok(server)
    }

    /// Stops it: the port refuses connections and conversations in progress are cut.
    pub fn stop(&mut self) {
        if let Some(task) = self.accepting.take() {
            task.abort();
        }
    }

    /// Starts it again on its port, keeping what it received before.
    pub async fn start_again(&mut self) -> Result<()> {
        self.stop();
        // The stopped listener is dropped as its task ends; the port is free a moment later.
        for _ in 0..100 {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => {
                    self.serve(listener);
                    return Ok(());
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        bail!("port {} did not become free again", self.port)
    }

    fn serve(&mut self, listener: TcpListener) {
        let mails = self.mails.clone();
        self.accepting = Some(tokio::spawn(async move {
            // Conversations end with the accepting task (abort drops this set).
            let mut sessions = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                sessions.spawn(session(stream, mails.clone()));
            }
        }));
    }

    /// The messages accepted so far.
    pub fn mails(&self) -> Vec<Received> {
        self.mails.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits (up to `secs`) until `n` messages arrived.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Result<Vec<Received>> {
        for _ in 0..secs * 20 {
            let mails = self.mails();
            if mails.len() >= n {
                return Ok(mails);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        bail!(
            "expected {n} mails within {secs} s, got {}",
            self.mails().len()
        )
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One SMTP conversation.
async fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Received>>>) {
    let _ = converse(stream, mails).await;
}

async fn converse(stream: TcpStream, mails: Arc<Mutex<Vec<Received>>>) -> Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 wharf-tests ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-wharf-tests\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 ok\r\n",
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                b"250 ok\r\n"
            }
            "MAIL" => {
                from = address(&command);
                b"250 ok\r\n"
            }
            "RCPT" => {
                to.push(address(&command));
                b"250 ok\r\n"
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l).await.context("reading DATA")? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                if let Ok(mut m) = mails.lock() {
                    m.push(Received {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                    });
                }
                b"250 queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default()
}
