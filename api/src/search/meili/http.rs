//! The HTTP client Wharf hands meilisearch-sdk instead of the SDK's own.
//!
//! The SDK's client (0.33) sends every request body as a stream read through a buffer of 8 MiB
//! (`ReaderStream::new`, whose comment says 8 KiB) that it allocates and zeroes for each request.
//! A search body is a few hundred bytes: zeroing and faulting in 8 MiB per search cost Wharf
//! more CPU than Meilisearch spent answering (`docs/search-benchmarks.md`, issue 15 point 6).
//! This client serializes the body once and sends the bytes; everything else is what the SDK's
//! client does (the same headers, the same answer parsing through `parse_response`).
use async_trait::async_trait;
use futures_util::AsyncReadExt;
use meilisearch_sdk::errors::Error;
use meilisearch_sdk::request::{HttpClient, Method, parse_response};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// reqwest with the API key as a default header. Cloning shares the connection pool.
#[derive(Clone, Debug)]
pub struct MeiliHttp {
    client: reqwest::Client,
}

/// An error of this client, in the SDK's error type.
fn other(error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Other(Box::new(error))
}

impl MeiliHttp {
    /// A client sending `api_key` (when given) as a bearer token.
    pub fn new(api_key: Option<&str>) -> anyhow::Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("Wharf/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(key) = api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}"))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()?;
        Ok(Self { client })
    }

    /// Sends one request whose body (if any) is already bytes, and parses the answer.
    async fn send<Query: Serialize + Send + Sync, Output: DeserializeOwned + 'static>(
        &self,
        url: &str,
        method: Method<Query, Vec<u8>>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let query = yaup::to_string(method.query())?;
        let url = format!("{url}{query}");
        let verb = match &method {
            Method::Get { .. } => reqwest::Method::GET,
            Method::Delete { .. } => reqwest::Method::DELETE,
            Method::Post { .. } => reqwest::Method::POST,
            Method::Put { .. } => reqwest::Method::PUT,
            Method::Patch { .. } => reqwest::Method::PATCH,
        };
        let mut request = self.client.request(verb, &url);
        if let Some(body) = method.into_body() {
            request = request.header(CONTENT_TYPE, content_type).body(body);
        }
        let response = request.send().await.map_err(other)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(other)?;
        let body = if body.is_empty() { "null" } else { &body };
        parse_response(status, expected_status_code, body, url)
    }
}

/// A request without its body, and the body.
fn split<Q, B>(method: Method<Q, B>) -> (Method<Q, ()>, Option<B>) {
    match method {
        Method::Get { query } => (Method::Get { query }, None),
        Method::Delete { query } => (Method::Delete { query }, None),
        Method::Post { query, body } => (Method::Post { query, body: () }, Some(body)),
        Method::Put { query, body } => (Method::Put { query, body: () }, Some(body)),
        Method::Patch { query, body } => (Method::Patch { query, body: () }, Some(body)),
    }
}

/// The request with `body` (empty when a method with a body has none).
fn join<Q>(method: Method<Q, ()>, body: Option<Vec<u8>>) -> Method<Q, Vec<u8>> {
    let body = body.unwrap_or_default();
    match method {
        Method::Get { query } => Method::Get { query },
        Method::Delete { query } => Method::Delete { query },
        Method::Post { query, .. } => Method::Post { query, body },
        Method::Put { query, .. } => Method::Put { query, body },
        Method::Patch { query, .. } => Method::Patch { query, body },
    }
}

#[async_trait]
impl HttpClient for MeiliHttp {
    async fn request<Query, Body, Output>(
        &self,
        url: &str,
        method: Method<Query, Body>,
        expected_status_code: u16,
    ) -> Result<Output, Error>
    where
        Query: Serialize + Send + Sync,
        Body: Serialize + Send + Sync,
        Output: DeserializeOwned + 'static + Send,
    {
        // Serialized before anything is sent, so a body that cannot be serialized is an error
        // (the SDK's default unwraps here).
        let (method, body) = split(method);
        let bytes = match body {
            Some(body) => Some(serde_json::to_vec(&body).map_err(Error::ParseError)?),
            None => None,
        };
        self.send(
            url,
            join(method, bytes),
            "application/json",
            expected_status_code,
        )
        .await
    }

    async fn stream_request<
        Query: Serialize + Send + Sync,
        Body: futures_util::io::AsyncRead + Send + Sync + 'static,
        Output: DeserializeOwned + 'static,
    >(
        &self,
        url: &str,
        method: Method<Query, Body>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        // Wharf sends no streamed bodies (documents go as JSON through `request`); one that
        // comes is read whole, as small as it is.
        let (method, body) = split(method);
        let bytes = match body {
            Some(body) => {
                let mut bytes = Vec::new();
                std::pin::pin!(body)
                    .read_to_end(&mut bytes)
                    .await
                    .map_err(other)?;
                Some(bytes)
            }
            None => None,
        };
        self.send(url, join(method, bytes), content_type, expected_status_code)
            .await
    }

    fn is_tokio(&self) -> bool {
        true
    }
}
