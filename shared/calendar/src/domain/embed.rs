//! The sites a share's embed page may be framed by: `https://host` or `https://host:port`, as a
//! Content-Security-Policy `frame-ancestors` source, nothing more (no path, wildcard or user info).

use serde::{Deserialize, Serialize};

/// How many origins a share may list.
pub const MAX_EMBED_ORIGINS: usize = 10;

/// An `https` origin, its host in lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmbedOrigin(String);

text_newtype!(EmbedOrigin, &'static str);

impl EmbedOrigin {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const SHAPE: &str = "must be an https origin such as https://intranet.example.com (no path)";
        let rest = raw.strip_prefix("https://").ok_or(SHAPE)?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        if let Some(port) = port {
            let valid = !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
            if !valid {
                return Err("must have a port from 1 to 65535, if any");
            }
        }
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(SHAPE);
        }
        Ok(Self(format!("https://{}{}", host.to_ascii_lowercase(), port.map(|p| format!(":{p}")).unwrap_or_default())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_origins_with_or_without_a_port_are_kept_in_lowercase() {
        for (raw, kept) in [
            ("https://intranet.example.com", "https://intranet.example.com"),
            ("https://Portal.Contoso.COM:8443", "https://portal.contoso.com:8443"),
            ("https://localhost:1", "https://localhost:1"),
            ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
        ] {
            assert_eq!(EmbedOrigin::parse(raw).map(String::from), Ok(kept.to_owned()), "{raw}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "http://intranet.example.com",
            "intranet.example.com",
            "https://",
            "https://intranet.example.com/",
            "https://intranet.example.com/calendar",
            "https://*.example.com",
            "https://user@example.com",
            "https://example.com?x=1",
            "https://example.com#top",
            "https://example.com:",
            "https://example.com:0",
            "https://example.com:65536",
            "https://example.com:+80",
            "https://exa mple.com",
            "https://-example.com",
            "https://example..com",
            "https://[::1]:8443",
            "https://example.com; script-src *",
            "https://example.com 'unsafe-inline'",
            "'self'",
            "*",
        ] {
            assert!(EmbedOrigin::parse(raw).is_err(), "{raw}");
        }
    }
}
