//! The request ID and the access log: one line per request, written after the response is
//! complete, so it carries the ID the response carries.
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use std::time::Instant;

/// Paths that are polled (probes, scrapers) and not worth a line each.
const QUIET_PATHS: [&str; 2] = ["/healthz", "/metrics"];

/// The network a peer is in, not the peer: an IPv4 address with its last byte zeroed (`/24`), an
/// IPv6 address cut to its first 48 bits. An IP address identifies a person (a buyer sending an
/// inquiry from home), so the access log keeps only what operations need: where traffic comes
/// from, not who sent it. Rate limits and duplicate checks use the full address, in memory or
/// as a keyed hash, never in a log.
fn network_of(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(std::net::IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
    }
}

/// Gives every request an ID: the caller's `X-Request-Id` when it is sane, else a new UUID.
/// It is echoed in the response, carried by the request's log span, counted by status, and
/// written on the request's access line (target `wharf::access`) with the peer's network, method, path,
/// status, response size and duration as separate fields (JSON mode keeps them apart).
pub fn request_id<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    use tracing::Instrument;
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let peer = req
        .peer_addr()
        .map(|a| network_of(a.ip()))
        .unwrap_or_else(|| "-".to_owned());
    let span = tracing::info_span!("request", request_id = %id, method = %method, path = %path);
    let started = Instant::now();
    let fut = srv.call(req);
    async move {
        let mut res = fut.instrument(span).await?;
        let status = res.status().as_u16();
        crate::metrics::observe_http(status);
        if let Ok(value) = header::HeaderValue::from_str(&id) {
            res.headers_mut()
                .insert(header::HeaderName::from_static("x-request-id"), value);
        }
        if !QUIET_PATHS.contains(&path.as_str()) {
            let bytes = match res.response().body().size() {
                BodySize::Sized(n) => Some(n),
                BodySize::None => Some(0),
                BodySize::Stream => None,
            };
            tracing::info!(
                target: "wharf::access",
                request_id = %id,
                peer = %peer,
                method = %method,
                path = %path,
                status,
                bytes,
                duration_ms = started.elapsed().as_micros() as f64 / 1000.0,
                "request"
            );
        }
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::network_of;

    #[test]
    fn the_access_log_keeps_the_network_not_the_address() -> Result<(), std::net::AddrParseError> {
        for (ip, shown) in [
            ("203.0.113.77", "203.0.113.0/24"),
            ("127.0.0.1", "127.0.0.0/24"),
            ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
            ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ] {
            assert_eq!(network_of(ip.parse()?), shown, "{ip}");
        }
        Ok(())
    }
}
