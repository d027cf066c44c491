//! Talking to a test server: GraphQL over HTTP, raw bodies, statement counts, stored objects,
//! and reading the answers (`data`, error codes and fields, strings at a pointer).
use crate::TestApp;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

impl TestApp {
    /// POSTs a GraphQL operation, optionally with a bearer token; returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value> {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        Ok(req.send().await?.json().await?)
    }

    /// Runs `f` and returns its result with the number of SQL statements the server ran
    /// meanwhile (background jobs are idle in these tests, so the count is the request's).
    pub async fn queries_during<T>(
        &self,
        f: impl std::future::Future<Output = Result<T>>,
    ) -> Result<(T, u64)> {
        use std::sync::atomic::Ordering;
        let before = self.queries.load(Ordering::SeqCst);
        let out = f.await?;
        Ok((out, self.queries.load(Ordering::SeqCst) - before))
    }

    /// An anonymous GraphQL call.
    pub async fn graphql(&self, query: &str, variables: Value) -> Result<Value> {
        self.gql(None, query, variables).await
    }

    /// A GraphQL call with a bearer token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Result<Value> {
        self.gql(Some(token), query, variables).await
    }

    /// POSTs raw bytes to `/graphql`; returns the status and the JSON body.
    pub async fn post_raw(&self, content_type: &str, body: Vec<u8>) -> Result<(u16, Value)> {
        let resp = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await?))
    }

    /// The stored files (objects) under the media folder or bucket, as keys.
    pub fn stored_objects(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else if let Ok(rel) = path.strip_prefix(base) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.media_dir, &self.media_dir, &mut out);
        out.sort();
        out
    }
}

/// The `data` of a response that must have no errors.
pub fn ok(body: &Value) -> Result<&Value> {
    if let Some(errors) = body.get("errors") {
        bail!("unexpected GraphQL errors: {errors}");
    }
    body.get("data")
        .with_context(|| format!("no data in {body}"))
}

/// The `extensions.code` of the first error (fails when there is none).
pub fn error_code(body: &Value) -> Result<String> {
    str_at(body, "/errors/0/extensions/code")
        .with_context(|| format!("expected an error in {body}"))
}

/// The `extensions.field` of the first error.
pub fn error_field(body: &Value) -> Option<String> {
    body.pointer("/errors/0/extensions/field")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The string at a JSON pointer.
pub fn str_at(value: &Value, pointer: &str) -> Result<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no string at {pointer} in {value}"))
}
