//! Mapping errors to `extensions.code` (and `reason`, `params`): service errors once, here; the
//! checks made on a document before it runs (parse, aliases, `GET` mutations, persisted
//! queries); and the errors async-graphql raises itself (validation, depth and cost limits),
//! after execution.
use crate::cache::PersistedError;
use crate::error::{AppError, ErrorCode, Param, Reason};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Name, ServerError, Value};

/// `extensions.params` as a GraphQL object.
pub(super) fn params_value(params: &[(&'static str, Param)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Param::Number(n) => Value::from(*n),
                    Param::Text(s) => Value::from(s.as_str()),
                };
                (Name::new(name), value)
            })
            .collect(),
    )
}

/// Sets `reason` and, when there are any, `params`.
fn set_reason(
    extensions: &mut ErrorExtensionValues,
    reason: Reason,
    params: &[(&'static str, Param)],
) {
    extensions.set("reason", reason.as_str());
    if !params.is_empty() {
        extensions.set("params", params_value(params));
    }
}

/// The extensions of a service error: its code, the field at fault and the field's path, the
/// reason and its parameters.
pub fn app_error_extensions(app: &AppError) -> ErrorExtensionValues {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", app.code.as_str());
    if let Some(field) = &app.field {
        extensions.set("field", field.as_str());
    }
    if let Some(path) = app.field_path() {
        extensions.set("fieldPath", path);
    }
    if let Some(reason) = app.reason {
        set_reason(&mut extensions, reason, &app.params);
    }
    extensions
}

/// A service error in a response gets its extensions ([`app_error_extensions`]).
///
/// `?` turns an [`AppError`] into an `async_graphql::Error` through async-graphql's conversion for
/// any `Display` error, which keeps the `AppError` as the error's source; the codes are set here,
/// once, when the response leaves the pipeline, and internal errors are logged with their cause.
fn apply_app_error(err: &mut ServerError) {
    let Some(app) = err.source::<AppError>() else {
        return;
    };
    app.log_if_internal();
    let extensions = app_error_extensions(app);
    let message = app.message.clone();
    err.message = message;
    err.extensions = Some(extensions);
}

fn set_code(
    mut err: ServerError,
    code: &str,
    reason: Reason,
    params: &[(&'static str, Param)],
) -> ServerError {
    let field = quoted(&err.message);
    let ext = err
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
        set_reason(ext, reason, params);
        if let Some(field) = field {
            ext.set("field", field);
        }
    }
    err
}

/// The first double-quoted name in an async-graphql message: the field or argument at fault.
fn quoted(message: &str) -> Option<String> {
    let start = message.find('"')? + 1;
    let len = message[start..].find('"')?;
    Some(message[start..start + len].to_owned())
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliases in every operation and fragment of a document.
fn document_aliases(doc: &ExecutableDocument) -> usize {
    let ops: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    ops + fragments
}

/// The error for a document that does not parse.
pub fn parse_failed(err: ServerError) -> ServerError {
    set_code(
        err,
        ErrorCode::BadUserInput.as_str(),
        Reason::GraphqlParseFailed,
        &[],
    )
}

/// Checks a parsed document before it runs (validation and the depth and cost limits come
/// after, in the executor): over `GET` only queries; at most `max_aliases` aliases, since
/// aliases multiply work without deepening a query.
pub fn check_document(
    doc: &ExecutableDocument,
    via_get: bool,
    max_aliases: usize,
) -> Result<(), ServerError> {
    if via_get
        && doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty != OperationType::Query)
    {
        let err = ServerError::new(
            "only queries may be sent with GET; send mutations with POST",
            None,
        );
        return Err(set_code(
            err,
            ErrorCode::BadUserInput.as_str(),
            Reason::MethodNotAllowed,
            &[],
        ));
    }
    let aliases = document_aliases(doc);
    if aliases > max_aliases {
        let err = ServerError::new(
            format!("the query has {aliases} aliases; the limit is {max_aliases}"),
            None,
        );
        let params = [("count", aliases.into()), ("max", max_aliases.into())];
        return Err(set_code(
            err,
            "TOO_MANY_ALIASES",
            Reason::TooManyAliases,
            &params,
        ));
    }
    Ok(())
}

/// The error for a request whose persisted query cannot be used.
pub fn persisted_failed(err: PersistedError) -> ServerError {
    let (message, code, field) = match err {
        PersistedError::NotFound => (
            "PersistedQueryNotFound".to_owned(),
            "PERSISTED_QUERY_NOT_FOUND",
            None,
        ),
        PersistedError::Malformed(why) => (
            format!("the persistedQuery extension is invalid: {why}"),
            ErrorCode::BadUserInput.as_str(),
            Some("extensions.persistedQuery"),
        ),
        PersistedError::HashMismatch => (
            "provided sha does not match query".to_owned(),
            ErrorCode::BadUserInput.as_str(),
            Some("extensions.persistedQuery.sha256Hash"),
        ),
    };
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    if let Some(field) = field {
        ext.set("field", field);
    }
    let mut err = ServerError::new(message, None);
    err.extensions = Some(ext);
    err
}

/// Errors still without a code after execution come from async-graphql itself: the depth and
/// cost limits, validation, and input coercion (a variable of the wrong type, an unknown input
/// field). All are the client's. Resolver errors carry their service error (see
/// [`apply_app_error`]).
pub fn fill_missing_codes(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
        apply_app_error(err);
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let (code, reason) = match err.message.as_str() {
            "Query is nested too deep." => ("QUERY_TOO_DEEP", Reason::QueryTooDeep),
            "Query is too complex." => ("QUERY_TOO_COMPLEX", Reason::QueryTooComplex),
            _ => (
                ErrorCode::BadUserInput.as_str(),
                Reason::GraphqlValidationFailed,
            ),
        };
        drop_directive_suggestion(&mut err.message);
        let taken = std::mem::replace(err, ServerError::new("", None));
        *err = set_code(taken, code, reason, &[]);
    }
}

/// async-graphql suggests directive arguments even with suggestions turned off
/// (`disable_suggestions` covers fields and field arguments only); they only repeat the
/// GraphQL spec's own (`if` of `@include`), so they are dropped everywhere.
fn drop_directive_suggestion(message: &mut String) {
    if message.starts_with("Unknown argument ")
        && message.contains("\" on directive \"")
        && let Some(at) = message.find(" Did you mean")
    {
        message.truncate(at);
    }
}
