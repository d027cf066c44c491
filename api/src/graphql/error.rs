//! Mapping errors to `extensions.code`: service errors once, here, and the errors async-graphql
//! raises itself (parse, validation, limits) in an extension.
use crate::error::{AppError, ErrorCode};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    ErrorExtensionValues, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use std::sync::Arc;

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log_if_internal();
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", err.code.as_str());
        if let Some(field) = &err.field {
            extensions.set("field", field.as_str());
        }
        if let Some(path) = err.field_path() {
            extensions.set("fieldPath", path);
        }
        async_graphql::Error {
            message: err.message,
            source: None,
            extensions: Some(extensions),
        }
    }
}

fn set_code(mut err: ServerError, code: &str, reason: &str) -> ServerError {
    let field = quoted(&err.message);
    let ext = err
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
        ext.set("reason", reason);
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

/// Gives every parse, validation and limit error a code, and refuses documents with more
/// than `max_aliases` aliases (aliases multiply work without deepening a query).
pub struct ErrorCodes {
    /// Most aliased fields in one document.
    pub max_aliases: usize,
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension {
            max_aliases: self.max_aliases,
        })
    }
}

struct ErrorCodesExtension {
    max_aliases: usize,
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

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next
            .run(ctx, query, variables)
            .await
            .map_err(|e| set_code(e, ErrorCode::BadUserInput.as_str(), "GRAPHQL_PARSE_FAILED"))?;
        if ctx.data_opt::<super::ReadOnly>().is_some()
            && doc
                .operations
                .iter()
                .any(|(_, op)| op.node.ty != async_graphql::parser::types::OperationType::Query)
        {
            let err = ServerError::new(
                "only queries may be sent with GET; send mutations with POST",
                None,
            );
            return Err(set_code(
                err,
                ErrorCode::BadUserInput.as_str(),
                "METHOD_NOT_ALLOWED",
            ));
        }
        let aliases = document_aliases(&doc);
        if aliases > self.max_aliases {
            let err = ServerError::new(
                format!(
                    "the query has {aliases} aliases; the limit is {}",
                    self.max_aliases
                ),
                None,
            );
            return Err(set_code(err, "TOO_MANY_ALIASES", "TOO_MANY_ALIASES"));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| match e.message.as_str() {
                    "Query is nested too deep." => set_code(e, "QUERY_TOO_DEEP", "QUERY_TOO_DEEP"),
                    "Query is too complex." => {
                        set_code(e, "QUERY_TOO_COMPLEX", "QUERY_TOO_COMPLEX")
                    }
                    _ => set_code(
                        e,
                        ErrorCode::BadUserInput.as_str(),
                        "GRAPHQL_VALIDATION_FAILED",
                    ),
                })
                .collect()
        })
    }
}

/// Errors still without a code after execution come from async-graphql's input coercion
/// (a variable of the wrong type, an unknown input field): they are the client's.
pub fn fill_missing_codes(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
        let ext = err
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if ext.get("code").is_none() {
            ext.set("code", Value::from(ErrorCode::BadUserInput.as_str()));
            ext.set("reason", Value::from("GRAPHQL_VALIDATION_FAILED"));
            if let Some(field) = quoted(&err.message) {
                ext.set("field", field);
            }
        }
    }
}
