//! One error type for the whole server, with one table of stable codes.
//!
//! Services return [`AppError`]; the GraphQL layer maps it once to `extensions.code` (and the
//! field at fault, and the [`Reason`] with its parameters when one is known), the HTTP layer to a
//! status. Internal errors are logged with their context and answered with a fixed message, so
//! database text never reaches a client.

#[cfg(test)]
mod coverage_tests;
mod reason;

pub use reason::{Param, Reason};
use sea_orm::{DbErr, SqlErr};
use std::fmt;

/// The stable codes a client can rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// No or invalid credentials.
    Unauthenticated,
    /// Authenticated, but not allowed.
    Forbidden,
    /// The thing does not exist, or the caller may not know it exists.
    NotFound,
    /// The input is invalid; `field` names the input at fault.
    BadUserInput,
    /// The input clashes with existing data (a taken slug or domain, a concurrent change).
    Conflict,
    /// Too many requests; retry later.
    RateLimited,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// A GraphQL query text is longer than the server accepts.
    QueryTooLarge,
    /// A batched request holds more operations than the server accepts.
    BatchTooLarge,
    /// The server gave up on work that took longer than its budget (rendering an article);
    /// retrying later may succeed.
    Timeout,
    /// Something failed inside the server; details are in the server log only.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::QueryTooLarge => "QUERY_TOO_LARGE",
            Self::BatchTooLarge => "BATCH_TOO_LARGE",
            Self::Timeout => "TIMEOUT",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status used when the error ends a whole request.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::BadUserInput => 400,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::PayloadTooLarge | Self::QueryTooLarge => 413,
            Self::BatchTooLarge => 400,
            Self::Timeout => 503,
            Self::Internal => 500,
        }
    }
}

/// An error a service returns.
pub struct AppError {
    /// The stable code.
    pub code: ErrorCode,
    /// A message safe to show to the client.
    pub message: String,
    /// The input field at fault, as the client named it (`slug`, `input.title`).
    pub field: Option<String>,
    /// The argument the field sits in, when it is part of an input object (`input`).
    pub input: Option<String>,
    /// Why, for clients that show their own words (`extensions.reason`).
    pub reason: Option<Reason>,
    /// What the reason's words need (`extensions.params`): `max` for `TOO_LONG`, …
    pub params: Vec<(&'static str, Param)>,
    /// For internal errors: the cause, logged and never shown.
    pub source: Option<anyhow::Error>,
}

/// Result of a service call.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An error with `code` and a message safe to show.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            input: None,
            reason: None,
            params: Vec::new(),
            source: None,
        }
    }

    /// The caller is not signed in, or the credentials are invalid.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }

    /// The caller may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// The named thing does not exist (or is not visible to the caller).
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found")).because(Reason::NotFound)
    }

    /// The input `field` is invalid.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..Self::new(ErrorCode::BadUserInput, message)
        }
    }

    /// The input `field` clashes with existing data.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..Self::new(ErrorCode::Conflict, message)
        }
    }

    /// Too many requests.
    pub fn rate_limited(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::RateLimited, message)
    }

    /// An internal failure; `source` is logged, never shown.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::new(ErrorCode::Internal, "internal server error")
        }
    }

    /// Gives the reason, for clients that word the error themselves.
    pub fn because(mut self, reason: Reason) -> Self {
        self.reason = Some(reason);
        self
    }

    /// Adds a parameter of the reason (`max`, `locale`, …).
    pub fn with(mut self, name: &'static str, value: impl Into<Param>) -> Self {
        self.params.push((name, value.into()));
        self
    }

    /// Names the input field the error is about.
    pub fn at(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// Records the argument that holds the field (`input` for `input.slug`).
    pub fn in_input(mut self, input: &str) -> Self {
        if self.field.as_deref().is_some_and(|f| !f.contains('.')) {
            self.input = Some(input.to_owned());
        }
        self
    }

    /// The full path of the field at fault: `input.slug`, or `slug`.
    pub fn field_path(&self) -> Option<String> {
        match (&self.input, &self.field) {
            (Some(input), Some(field)) => Some(format!("{input}.{field}")),
            (None, Some(field)) => Some(field.clone()),
            _ => None,
        }
    }

    /// Logs an internal error with its cause. Call once, where the error leaves the server.
    pub fn log_if_internal(&self) {
        if self.code == ErrorCode::Internal {
            match &self.source {
                Some(source) => tracing::error!(error = ?source, "internal error"),
                None => tracing::error!("internal error without a cause"),
            }
        }
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .field("input", &self.input)
            .field("reason", &self.reason)
            .field("params", &self.params)
            .field("source", &self.source)
            .finish()
    }
}

/// The message safe to show; the code, field and cause are in the struct (and in `Debug`).
impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|cause| &**cause as &(dyn std::error::Error + 'static))
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        Self::internal(err)
    }
}

/// Turns a unique-constraint violation into `CONFLICT` on the field it concerns.
///
/// `constraints` pairs a fragment of the violated index (its name on PostgreSQL, or
/// `table.column` as SQLite reports it) with the input field to blame. Anything else stays
/// internal.
pub fn on_constraint(err: DbErr, constraints: &[(&str, &str, &str)]) -> AppError {
    if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
        for (index_name, sqlite_column, field) in constraints {
            if detail.contains(index_name) || detail.contains(sqlite_column) {
                return AppError::conflict(field, format!("this {field} is already taken"))
                    .because(Reason::taken(field));
            }
        }
    }
    AppError::internal(err)
}

/// Like [`on_constraint`] for one constraint, with the error to answer: `conflict()` when the
/// violated index is `index_name` (PostgreSQL) or covers `sqlite_columns` (`table.a, table.b`,
/// as SQLite reports it); anything else stays internal.
pub fn on_constraint_with(
    err: DbErr,
    (index_name, sqlite_columns): (&str, &str),
    conflict: impl FnOnce() -> AppError,
) -> AppError {
    if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err()
        && (detail.contains(index_name) || detail.contains(sqlite_columns))
    {
        return conflict();
    }
    AppError::internal(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_displays_its_safe_message_and_chains_its_cause() {
        let err = AppError::internal(anyhow::anyhow!("disk on fire"));
        assert_eq!(err.to_string(), "internal server error");
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("disk on fire"));

        let err = AppError::bad_input("slug", "slug is too long");
        assert_eq!(err.to_string(), "slug is too long");
        assert!(std::error::Error::source(&err).is_none());
        // Jobs and the CLI take it with `?` into `anyhow`, and can still tell what it was.
        let any = anyhow::Error::from(err);
        assert_eq!(
            any.downcast_ref::<AppError>().map(|e| e.code),
            Some(ErrorCode::BadUserInput)
        );
    }
}
