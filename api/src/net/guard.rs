//! The SSRF guard: which addresses the link checker and webhook deliveries may connect to, and a DNS resolver that vets
//! every address it hands to the HTTP client.
//!
//! The resolver runs for every new connection, so each redirect hop (the checker follows them
//! itself) is vetted after DNS resolution, and the vetted address is the one connected to (no
//! window for DNS rebinding). URLs with a literal IP never reach a resolver and are vetted by
//! [`Guard::vet_url`] before the request.
use ipnet::IpNet;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Addresses of cloud metadata services: refused even when an allow-list covers them.
const METADATA: &[IpAddr] = &[
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V4(Ipv4Addr::new(192, 0, 0, 192)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

/// A connection the guard refused; found in an error's source chain.
#[derive(Debug, Clone)]
pub struct RefusedAddress {
    /// The host that was asked for.
    pub host: String,
    /// The address it resolved to.
    pub addr: IpAddr,
}

impl fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused to connect to {} ({}): private, loopback, link-local or metadata address",
            self.host, self.addr
        )
    }
}

impl std::error::Error for RefusedAddress {}

/// The address policy: public addresses only, plus an explicit allow-list.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    allow: Vec<IpNet>,
    overrides: HashMap<String, Vec<SocketAddr>>,
}

impl Guard {
    /// A guard allowing the networks in `allow` (IPs or CIDRs) besides public addresses, with
    /// static `host=ip:port` resolutions in `resolve` (like curl's `--resolve`).
    pub fn new(allow: &[String], resolve: &[String]) -> anyhow::Result<Self> {
        let allow = allow
            .iter()
            .map(|raw| parse_net(raw))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut overrides: HashMap<String, Vec<SocketAddr>> = HashMap::new();
        for raw in resolve {
            let (host, addr) = raw.split_once('=').ok_or_else(|| {
                anyhow::anyhow!("checker resolve entry {raw:?} is not host=ip:port")
            })?;
            let addr: SocketAddr = addr
                .trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("checker resolve entry {raw:?}: {e}"))?;
            overrides
                .entry(host.trim().to_ascii_lowercase())
                .or_default()
                .push(addr);
        }
        Ok(Self { allow, overrides })
    }

    /// Whether the checker may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        if METADATA.contains(&ip) {
            return false;
        }
        if self.allow.iter().any(|net| net.contains(&ip)) {
            return true;
        }
        is_public(ip)
    }

    /// Refuses a URL whose host is a literal IP the policy forbids.
    pub fn vet_url(&self, url: &url::Url) -> Result<(), RefusedAddress> {
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => return Ok(()),
        };
        if self.allows(ip) {
            Ok(())
        } else {
            Err(RefusedAddress {
                host: ip.to_string(),
                addr: ip,
            })
        }
    }

    /// The resolver to give the HTTP client.
    pub fn resolver(self: &Arc<Self>) -> GuardedResolver {
        GuardedResolver(self.clone())
    }

    async fn resolve(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let addrs: Vec<SocketAddr> = match self.overrides.get(&host) {
            Some(addrs) => addrs.clone(),
            None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
        };
        let mut refused = None;
        let mut ok = Vec::new();
        for addr in addrs {
            if self.allows(addr.ip()) {
                ok.push(addr);
            } else {
                refused = Some(addr.ip());
            }
        }
        // One refused address refuses the name: a host that answers with both a public and a
        // private address could otherwise be steered to the private one.
        if let Some(addr) = refused {
            return Err(Box::new(RefusedAddress { host, addr }));
        }
        if ok.is_empty() {
            return Err(format!("{host} has no address").into());
        }
        Ok(ok)
    }
}

/// The reqwest resolver that applies a [`Guard`].
#[derive(Clone)]
pub struct GuardedResolver(Arc<Guard>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = guard.resolve(&host).await?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

fn parse_net(raw: &str) -> anyhow::Result<IpNet> {
    let raw = raw.trim();
    if let Ok(net) = raw.parse::<IpNet>() {
        return Ok(net);
    }
    raw.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| anyhow::anyhow!("{raw:?} is neither an IP address nor a CIDR network"))
}

/// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => ip,
        },
        v4 => v4,
    }
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24, IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15, benchmarking
        || o[0] >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
        return false;
    }
    if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xffc0) == 0xfec0 {
        return false; // unique local (incl. fd00:ec2::254), link-local, site-local
    }
    // Addresses that embed an IPv4 address are judged by it: NAT64, 6to4, IPv4-compatible.
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return is_public_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2]));
    }
    if s[0..6] == [0, 0, 0, 0, 0, 0] {
        return false;
    }
    if s[0] == 0x2001 && s[1] == 0x0db8 {
        return false; // documentation
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_refused() {
        let guard = Guard::default();
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "100.100.100.200",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!guard.allows(ip(bad)), "{bad} must be refused");
        }
        for good in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(guard.allows(ip(good)), "{good} must be allowed");
        }
    }

    #[test]
    fn the_allow_list_opens_loopback_but_never_metadata() -> anyhow::Result<()> {
        let guard = Guard::new(&["127.0.0.1".into(), "169.254.0.0/16".into()], &[])?;
        assert!(guard.allows(ip("127.0.0.1")));
        assert!(!guard.allows(ip("127.0.0.2")));
        assert!(guard.allows(ip("169.254.1.1")));
        assert!(!guard.allows(ip("169.254.169.254")));
        assert!(Guard::new(&["nonsense".into()], &[]).is_err());
        Ok(())
    }

    #[tokio::test]
    async fn overridden_names_are_vetted_too() -> anyhow::Result<()> {
        let closed = Guard::new(&[], &["shop.test=127.0.0.1:8080".into()])?;
        let err = closed
            .resolve("shop.test")
            .await
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("refused")));
        let open = Guard::new(
            &["127.0.0.0/8".into()],
            &["SHOP.test=127.0.0.1:8080".into()],
        )?;
        let addrs = open
            .resolve("shop.test")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!(addrs, vec![SocketAddr::from(([127, 0, 0, 1], 8080))]);
        Ok(())
    }
}
