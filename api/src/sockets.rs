//! Limits on WebSocket connections and subscriptions per client address: an open socket and a
//! running subscription each hold memory and a task for as long as the client likes, so they are
//! counted while they live (a guard each) rather than per minute like requests.
use crate::config::Settings;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Counts {
    connections: u32,
    subscriptions: u32,
}

/// What a client address holds open now, for this instance.
pub struct SocketLimits {
    max_connections: u32,
    max_subscriptions: u32,
    open: Mutex<HashMap<IpAddr, Counts>>,
}

/// Why a socket or subscription was refused: the limit that was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full(pub u32);

/// What a guard counts.
#[derive(Clone, Copy)]
enum Kind {
    Connection,
    Subscription,
}

/// Holds one connection or subscription of an address; dropping it gives the place back.
pub struct Held {
    limits: Arc<SocketLimits>,
    ip: IpAddr,
    kind: Kind,
}

impl SocketLimits {
    /// The limits the settings describe (0 turns one off).
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            max_connections: s.ws_max_connections_per_ip,
            max_subscriptions: s.ws_max_subscriptions_per_ip,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn take(self: &Arc<Self>, ip: IpAddr, kind: Kind) -> Result<Held, Full> {
        let max = match kind {
            Kind::Connection => self.max_connections,
            Kind::Subscription => self.max_subscriptions,
        };
        // A poisoned lock only means another thread panicked while counting; the counts are
        // plain integers and stay usable.
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let counts = open.entry(ip).or_default();
        let n = match kind {
            Kind::Connection => &mut counts.connections,
            Kind::Subscription => &mut counts.subscriptions,
        };
        if max > 0 && *n >= max {
            if counts.connections == 0 && counts.subscriptions == 0 {
                open.remove(&ip);
            }
            return Err(Full(max));
        }
        *n += 1;
        Ok(Held {
            limits: self.clone(),
            ip,
            kind,
        })
    }

    /// Opens a connection for `ip`, or says the address already holds the most allowed.
    pub fn connect(self: &Arc<Self>, ip: IpAddr) -> Result<Held, Full> {
        self.take(ip, Kind::Connection)
    }

    /// Starts a subscription for `ip`, or says the address already runs the most allowed.
    pub fn subscribe(self: &Arc<Self>, ip: IpAddr) -> Result<Held, Full> {
        self.take(ip, Kind::Subscription)
    }

    /// Connections and subscriptions `ip` holds now.
    pub fn held_by(&self, ip: IpAddr) -> (u32, u32) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&ip)
            .map_or((0, 0), |c| (c.connections, c.subscriptions))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.limits.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(counts) = open.get_mut(&self.ip) {
            match self.kind {
                Kind::Connection => counts.connections = counts.connections.saturating_sub(1),
                Kind::Subscription => counts.subscriptions = counts.subscriptions.saturating_sub(1),
            }
            if counts.connections == 0 && counts.subscriptions == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_per_address_and_given_back_on_drop() {
        let limits = Arc::new(SocketLimits::from_settings(&Settings {
            ws_max_connections_per_ip: 2,
            ws_max_subscriptions_per_ip: 0,
            ..Settings::default()
        }));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = limits.connect(a);
        let second = limits.connect(a);
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(limits.connect(a).err(), Some(Full(2)));
        assert!(
            limits.connect(b).is_ok(),
            "another address has its own count"
        );
        drop(first);
        assert!(
            limits.connect(a).is_ok(),
            "a closed connection gives its place back"
        );
        let subs: Vec<_> = (0..1000).map(|_| limits.subscribe(a)).collect();
        assert!(subs.iter().all(Result::is_ok), "0 turns the limit off");
        drop(subs);
        drop(second);
        assert_eq!(limits.held_by(a), (0, 0));
        assert!(limits.open.lock().map(|o| o.is_empty()).unwrap_or(false));
    }
}
