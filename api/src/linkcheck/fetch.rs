//! Fetching a page: a total timeout, redirects followed one hop at a time (each vetted by the
//! SSRF guard) up to a limit, and a body limit on the bytes received and on the bytes decoded
//! (gzip, deflate and brotli are undone by [`super::body`]).
use super::body::{BodyDecoder, BodyError, Coding};
use super::{Checker, FetchError, Fetched};
use crate::net::guard::RefusedAddress;
use reqwest::header::LOCATION;
use url::Url;

impl Checker {
    /// Fetches `url`, following redirects itself so that each hop is vetted.
    pub async fn fetch(&self, url: &Url) -> Result<Fetched, (FetchError, Vec<String>)> {
        let mut chain = Vec::new();
        match tokio::time::timeout(
            self.config.timeout,
            self.fetch_hops(url.clone(), &mut chain),
        )
        .await
        {
            Ok(Ok(fetched)) => Ok(fetched),
            Ok(Err(err)) => Err((err, chain)),
            Err(_) => Err((FetchError::Timeout, chain)),
        }
    }

    async fn fetch_hops(
        &self,
        mut url: Url,
        chain: &mut Vec<String>,
    ) -> Result<Fetched, FetchError> {
        loop {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(FetchError::BadUrl(format!(
                    "{} is not http or https",
                    url.scheme()
                )));
            }
            // Recorded before vetting, so a refused hop shows in the chain.
            chain.push(url.to_string());
            self.guard
                .vet_url(&url)
                .map_err(|e| FetchError::Refused(e.to_string()))?;
            let mut resp = self
                .client
                .get(url.clone())
                .send()
                .await
                .map_err(classify)?;
            let status = resp.status();
            if status.is_redirection()
                && let Some(location) = resp.headers().get(LOCATION)
            {
                if chain.len() > self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.config.max_redirects));
                }
                let location = location
                    .to_str()
                    .map_err(|_| FetchError::BadUrl("Location is not text".into()))?;
                url = url
                    .join(location)
                    .map_err(|e| FetchError::BadUrl(format!("Location {location:?}: {e}")))?;
                continue;
            }
            let header = |name: &str| {
                resp.headers()
                    .get_all(name)
                    .iter()
                    .filter_map(|v| v.to_str().ok().map(str::to_owned))
                    .collect::<Vec<_>>()
            };
            let content_type = header("content-type").into_iter().next();
            let x_robots = header("x-robots-tag");
            let coding =
                Coding::from_headers(resp.headers()).map_err(FetchError::UnsupportedEncoding)?;
            let max = self.config.max_body_bytes;
            // The coded length: more than the limit on the wire is more than the limit decoded.
            if resp.content_length().is_some_and(|n| n > max as u64) {
                return Err(FetchError::TooLarge(max));
            }
            let too_large_or_corrupt = |err| match err {
                BodyError::TooLarge => FetchError::TooLarge(max),
                BodyError::Corrupt(coding, why) => FetchError::Undecodable(coding, why),
            };
            let mut decoder = BodyDecoder::new(coding, max);
            while let Some(chunk) = resp.chunk().await.map_err(classify)? {
                decoder.push(&chunk).map_err(too_large_or_corrupt)?;
            }
            let body = decoder.finish().map_err(too_large_or_corrupt)?;
            return Ok(Fetched {
                status: status.as_u16(),
                url,
                chain: chain.clone(),
                content_type,
                x_robots,
                body,
            });
        }
    }
}

/// Names a reqwest failure, finding the guard's refusal in its causes.
fn classify(err: reqwest::Error) -> FetchError {
    if err.is_timeout() {
        return FetchError::Timeout;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<RefusedAddress>() {
            return FetchError::Refused(refused.to_string());
        }
        source = e.source();
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    FetchError::Network(text)
}
