//! Which IP addresses we may connect to, and a DNS resolver that enforces it.
//!
//! The check runs on the addresses a host name actually resolves to (inside the
//! connector, so DNS rebinding cannot slip past it) and on IP literals in every URL
//! we request, including each redirect hop.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// A normal, publicly routable address.
    Public,
    /// Link-local (169.254.0.0/16, fe80::/10) or a cloud metadata endpoint
    /// (169.254.169.254, fd00:ec2::254, 100.100.100.200).
    LinkLocalOrMetadata,
    /// Loopback, RFC 1918 private, carrier-grade NAT or IPv6 unique-local.
    Private,
    /// Not a destination at all: unspecified, multicast, broadcast, reserved.
    Unroutable,
}

impl AddressClass {
    /// Classifies one address (IPv4-mapped IPv6 addresses count as their IPv4 form).
    pub fn of(ip: IpAddr) -> AddressClass {
        match ip {
            IpAddr::V4(v4) => classify_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => classify_v4(v4),
                None => classify_v6(v6),
            },
        }
    }

    /// Words an analyst can read: "a link-local / cloud metadata address".
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::LinkLocalOrMetadata => "a link-local / cloud metadata address",
            AddressClass::Private => "a loopback or private-network address",
            AddressClass::Unroutable => "not a routable address",
        }
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let o = ip.octets();
    if ip.is_link_local() || ip == Ipv4Addr::new(100, 100, 100, 200) {
        AddressClass::LinkLocalOrMetadata
    } else if ip.is_loopback()
        || ip.is_private()
        // 100.64.0.0/10, carrier-grade NAT.
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
    {
        AddressClass::Private
    } else if ip.is_unspecified()
        || o[0] == 0
        || ip.is_multicast()
        || ip.is_broadcast()
        || o[0] >= 240
    {
        AddressClass::Unroutable
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let s = ip.segments();
    if (s[0] & 0xffc0) == 0xfe80 || ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        AddressClass::LinkLocalOrMetadata
    } else if ip.is_loopback() || (s[0] & 0xfe00) == 0xfc00 {
        AddressClass::Private
    } else if ip.is_unspecified() || ip.is_multicast() {
        AddressClass::Unroutable
    } else {
        AddressClass::Public
    }
}

/// Which address classes the fetcher may connect to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AddressPolicy {
    pub allow_private: bool,
    pub allow_link_local: bool,
}

impl AddressPolicy {
    /// `Err(class)` when the address must not be contacted.
    pub fn check(&self, ip: IpAddr) -> Result<(), AddressClass> {
        match AddressClass::of(ip) {
            AddressClass::Public => Ok(()),
            AddressClass::Private if self.allow_private => Ok(()),
            AddressClass::LinkLocalOrMetadata if self.allow_link_local => Ok(()),
            class => Err(class),
        }
    }
}

/// The resolver's refusal, carried through reqwest's error chain and recovered by
/// downcasting so that the caller sees a typed [`crate::FetchError::RefusedAddress`].
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub host: String,
    pub ip: IpAddr,
    pub class: AddressClass,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} resolves to {}, {}",
            self.host,
            self.ip,
            self.class.describe()
        )
    }
}

impl std::error::Error for Refusal {}

/// System DNS (getaddrinfo through tokio) followed by the address policy.
pub(crate) struct GuardedResolver {
    pub policy: AddressPolicy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut first_refusal = None;
            let allowed: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| match policy.check(a.ip()) {
                    Ok(()) => true,
                    Err(class) => {
                        first_refusal.get_or_insert((a.ip(), class));
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                if let Some((ip, class)) = first_refusal {
                    return Err(Box::new(Refusal { host, ip, class }) as _);
                }
                return Err(format!("{host} has no address").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let c = |s: &str| AddressClass::of(s.parse().unwrap());
        assert_eq!(c("169.254.169.254"), AddressClass::LinkLocalOrMetadata);
        assert_eq!(
            c("::ffff:169.254.169.254"),
            AddressClass::LinkLocalOrMetadata
        );
        assert_eq!(c("fd00:ec2::254"), AddressClass::LinkLocalOrMetadata);
        assert_eq!(c("fe80::1"), AddressClass::LinkLocalOrMetadata);
        assert_eq!(c("127.0.0.1"), AddressClass::Private);
        assert_eq!(c("10.1.2.3"), AddressClass::Private);
        assert_eq!(c("172.20.0.1"), AddressClass::Private);
        assert_eq!(c("192.168.1.1"), AddressClass::Private);
        assert_eq!(c("100.64.0.1"), AddressClass::Private);
        assert_eq!(c("::1"), AddressClass::Private);
        assert_eq!(c("fd12::1"), AddressClass::Private);
        assert_eq!(c("0.0.0.0"), AddressClass::Unroutable);
        assert_eq!(c("224.0.0.1"), AddressClass::Unroutable);
        assert_eq!(c("8.8.8.8"), AddressClass::Public);
        assert_eq!(c("2001:4860::8888"), AddressClass::Public);
    }

    #[test]
    fn policy() {
        let strict = AddressPolicy {
            allow_private: false,
            allow_link_local: false,
        };
        let lab = AddressPolicy {
            allow_private: true,
            allow_link_local: false,
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(strict.check(ip("127.0.0.1")).is_err());
        assert!(lab.check(ip("127.0.0.1")).is_ok());
        assert!(lab.check(ip("169.254.169.254")).is_err());
        assert!(lab.check(ip("0.0.0.0")).is_err());
        assert!(strict.check(ip("93.184.216.34")).is_ok());
    }
}
