//! Log setup: text or JSON lines on standard output, filtered by `RUST_LOG` (default `info`).
//!
//! Text is coloured only when standard output is a terminal (and `NO_COLOR` is unset), so a log
//! file or a pipe never receives escape codes. JSON lines keep every field of an event apart
//! (`fields`), with the fields of the spans it happened in (`span`: the request ID, method and
//! path of a request); events from libraries that log through the `log` crate get their real
//! target and lose the `log.file`/`log.line` fields, which are paths on the build machine.
use crate::config::LogFormat;
use serde_json::{Map, Value};
use std::fmt;
use std::io::IsTerminal;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// What is logged without `RUST_LOG`.
///
/// tantivy's segment manager warns "couldn't find segment in SegmentManager" when one of its
/// background merges ends after a commit emptied a segment being merged (every document in it
/// was replaced: a burst of updates, as an import of many files causes). tantivy then drops
/// that merge and keeps the documents where they were, and a later merge takes the segments
/// again: nothing is lost, so these lines only alarm. Errors from it still show.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,tantivy::indexer::segment_manager=error";

/// Installs the global subscriber once; later calls do nothing.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = subscriber(format, filter, colour_wanted(), std::io::stdout).try_init();
}

/// The subscriber [`init`] installs: `format` lines through `writer`, filtered by `filter`, with
/// colour codes when `ansi` (text only). The end-to-end tests install it with a writer of their
/// own, to read what the server logs as an operator would.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    ansi: bool,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    match format {
        LogFormat::Json => Box::new(
            builder
                .fmt_fields(JsonFields::new())
                .event_format(JsonLines)
                .finish(),
        ),
        LogFormat::Text => Box::new(builder.with_ansi(ansi).finish()),
    }
}

/// Whether text logs may carry colour codes: only on a terminal, and not with `NO_COLOR` set.
fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One JSON object per event: `timestamp`, `level`, `target`, `fields` and `span`.
struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut spans = Map::new();
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                let extensions = span.extensions();
                if let Some(formatted) = extensions.get::<FormattedFields<N>>()
                    && let Ok(Value::Object(values)) = serde_json::from_str(formatted.as_str())
                {
                    spans.extend(values);
                }
            }
        }
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
        );
        line.insert("level".into(), meta.level().as_str().into());
        line.insert(
            "target".into(),
            fields
                .log_target
                .unwrap_or_else(|| meta.target().to_owned())
                .into(),
        );
        line.insert("fields".into(), Value::Object(fields.values));
        if !spans.is_empty() {
            line.insert("span".into(), Value::Object(spans));
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

/// An event's fields as JSON values; `log.target` kept aside, the other `log.*` dropped.
#[derive(Default)]
struct Fields {
    values: Map<String, Value>,
    log_target: Option<String>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        match field.name() {
            "log.target" => self.log_target = value.as_str().map(str::to_owned),
            name if name.starts_with("log.") => {}
            name => {
                self.values.insert(name.to_owned(), value);
            }
        }
    }
}

impl Visit for Fields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, value.to_string().into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}
