//! Where share links point: an origin taken from configuration or from a well-formed request host,
//! `https://` always (`http://` only on a loopback runner), so that no header a caller sends can turn
//! a link into something else (`X-Forwarded-Host: javascript:…`).

use std::net::{Ipv4Addr, Ipv6Addr};

/// `https://host[:port]`, or `http://` on a loopback host; the host in lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be https://HOST[:PORT] (http:// only on a loopback host), without a path")]
pub struct InvalidOrigin;

impl PublicOrigin {
    /// A configured origin such as `https://share.example.com` (one trailing `/` is allowed).
    pub fn parse(raw: &str) -> Result<Self, InvalidOrigin> {
        let raw = raw.strip_suffix('/').unwrap_or(raw);
        let (scheme, authority) = raw.split_once("://").ok_or(InvalidOrigin)?;
        let authority = Authority::parse(authority).ok_or(InvalidOrigin)?;
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(Self(format!("https://{}", authority.text))),
            "http" if authority.is_loopback => Ok(Self(format!("http://{}", authority.text))),
            _ => Err(InvalidOrigin),
        }
    }

    /// The origin of a request that came to `host` (its `Host` header): `None` unless it is a
    /// well-formed host. `https://`, except on a loopback host reached over plain HTTP.
    pub fn of_request(host: &str, forwarded_proto: Option<&str>) -> Option<Self> {
        let authority = Authority::parse(host)?;
        let plain_http = authority.is_loopback && forwarded_proto == Some("http");
        let scheme = if plain_http { "http" } else { "https" };
        Some(Self(format!("{scheme}://{}", authority.text)))
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request host as RFC 3986 allows it, restricted to what a share link may name: a DNS name, an
/// IPv4 address or a bracketed IPv6 address, and an optional port.
pub struct Authority {
    text: String,
    pub is_loopback: bool,
}

impl Authority {
    pub fn parse(raw: &str) -> Option<Self> {
        let (host, port) = match raw.strip_prefix('[') {
            Some(bracketed) => {
                let (address, rest) = bracketed.split_once(']')?;
                let address: Ipv6Addr = address.parse().ok()?;
                let port = match rest {
                    "" => None,
                    _ => Some(rest.strip_prefix(':')?),
                };
                return Self::with_port(format!("[{address}]"), address.is_loopback(), port);
            }
            None => match raw.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (raw, None),
            },
        };
        let host = host.to_ascii_lowercase();
        if let Ok(address) = host.parse::<Ipv4Addr>() {
            return Self::with_port(address.to_string(), address.is_loopback(), port);
        }
        if !is_dns_name(&host) {
            return None;
        }
        let is_loopback = host == "localhost" || host.ends_with(".localhost");
        Self::with_port(host, is_loopback, port)
    }

    fn with_port(host: String, is_loopback: bool, port: Option<&str>) -> Option<Self> {
        let text = match port {
            None => host,
            Some(port) => {
                let valid = (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit());
                let number: u16 = port.parse().ok().filter(|n| valid && *n > 0)?;
                format!("{host}:{number}")
            }
        };
        Some(Self { text, is_loopback })
    }
}

/// Letters, digits and hyphens in dot-separated labels of 1–63 characters, none starting or
/// ending with a hyphen; at most 253 characters.
fn is_dns_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_origins_are_https_or_loopback_http() {
        let parsed = |raw: &str| PublicOrigin::parse(raw).map(|o| o.as_str().to_owned());
        assert_eq!(parsed("https://Share.Example.com/"), Ok("https://share.example.com".into()));
        assert_eq!(parsed("https://share.example.com:8443"), Ok("https://share.example.com:8443".into()));
        assert_eq!(parsed("http://127.0.0.1:3000"), Ok("http://127.0.0.1:3000".into()));
        assert_eq!(parsed("http://[::1]:3000"), Ok("http://[::1]:3000".into()));
        for bad in [
            "http://share.example.com",
            "https://share.example.com/s",
            "javascript://alert(1)",
            "https://",
            "https://exa mple.com",
            "https://user@example.com",
            "share.example.com",
            "https://example.com:0",
            "https://example.com:65536",
        ] {
            assert_eq!(PublicOrigin::parse(bad), Err(InvalidOrigin), "{bad}");
        }
    }

    #[test]
    fn request_hosts_must_be_well_formed_and_links_are_https_off_loopback() {
        let origin = |host: &str, proto: Option<&str>| PublicOrigin::of_request(host, proto).map(|o| o.0);
        assert_eq!(
            origin("abc.execute-api.eu-west-1.amazonaws.com", Some("https")).unwrap(),
            "https://abc.execute-api.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            origin("share.example.com", Some("http")).unwrap(),
            "https://share.example.com",
            "never http off loopback"
        );
        assert_eq!(origin("127.0.0.1:3000", Some("http")).unwrap(), "http://127.0.0.1:3000");
        assert_eq!(origin("localhost:3000", Some("https")).unwrap(), "https://localhost:3000");
        assert_eq!(origin("localhost:3000", Some("javascript")).unwrap(), "https://localhost:3000");
        for bad in [
            "bad host",
            "[::1",
            "exa%mple.com",
            "example.com:99999",
            "example.com:",
            "javascript:alert(1)",
            "<svg>",
            "-example.com",
            "example..com",
            "",
            "a.b:80:80",
            "[::1]x",
            "[v1.fe]",
        ] {
            assert_eq!(origin(bad, Some("https")), None, "{bad}");
        }
    }
}
