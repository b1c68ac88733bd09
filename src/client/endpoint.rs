//! Where a client sends: a bucket's default hosts, or a URL given for one, parsed once by
//! the rules every address of the crate follows (scheme, host, port; no user info).

use crate::error::ConfigError;
use crate::ops::Service;

/// Checks that `bucket` is written `BucketName-APPID`: the console shows the bucket with its
/// APPID, and a name alone gives a host that does not resolve. (With an endpoint of its
/// own, the bucket is not in the host, and a private domain may name it otherwise.)
fn check_appid(bucket: &str) -> Result<(), ConfigError> {
    let written = bucket.rsplit_once('-').is_some_and(|(name, appid)| {
        !name.is_empty() && !appid.is_empty() && appid.bytes().all(|b| b.is_ascii_digit())
    });
    if written {
        Ok(())
    } else {
        Err(ConfigError::BucketWithoutAppId(bucket.to_owned()))
    }
}

/// An endpoint URL with any user info (`user:password@`) cut out, for `Debug`.
pub(crate) fn redact_user_info(url: &str) -> String {
    match url.rsplit_once('@') {
        Some((before, after)) => {
            let scheme = before.split_once("://").map_or("", |(scheme, _)| scheme);
            format!("{scheme}://<redacted>@{after}")
        }
        None => url.to_owned(),
    }
}

/// Where a client sends: the base URL, the `Host` it signs, and whether it is HTTPS.
pub(crate) struct Endpoint {
    pub(crate) base_url: String,
    pub(crate) host: String,
    pub(crate) https: bool,
    /// The host names this machine (`localhost` or a loopback address).
    loopback: bool,
}

impl Endpoint {
    pub(crate) fn for_bucket(
        bucket: &str,
        region: &str,
        service: Service,
    ) -> Result<Self, ConfigError> {
        for label in [bucket, region] {
            let ok = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !ok {
                return Err(ConfigError::BadBucketOrRegion(label.to_owned()));
            }
        }
        check_appid(bucket)?;
        let host = service.host(bucket, region);
        Ok(Endpoint {
            base_url: format!("https://{host}"),
            host,
            https: true,
            loopback: false,
        })
    }

    /// Parses `scheme://host[:port][/]`. Errors never quote the URL, which may hold a
    /// password.
    pub(crate) fn parse(url: &str) -> Result<Self, ConfigError> {
        let (endpoint, rest) = Endpoint::parse_with_path(url)?;
        if !rest.is_empty() && rest != "/" {
            return Err(ConfigError::BadEndpoint(
                "only scheme, host and port are allowed",
            ));
        }
        Ok(endpoint)
    }

    /// Parses `scheme://host[:port]` and returns what follows it (`/path?query`, or
    /// nothing) as given.
    pub(crate) fn parse_with_path(url: &str) -> Result<(Self, &str), ConfigError> {
        let bad = ConfigError::BadEndpoint;
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(bad("the scheme must be https:// or http://"));
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad("user info (user:password@) is not allowed"));
        }
        if authority.is_empty() {
            return Err(bad("no host"));
        }
        if (authority.chars().chain(path.chars())).any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("only scheme, host and port are allowed"));
        }
        let authority = authority.to_ascii_lowercase();
        // The port follows the last ':' unless that ':' is inside an IPv6 literal.
        let (name, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                (&authority[..i], Some(&authority[i + 1..]))
            }
            _ => (authority.as_str(), None),
        };
        let valid_host = match name.strip_prefix('[') {
            Some(v6) => v6
                .strip_suffix(']')
                .is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok()),
            None => {
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            }
        };
        if !valid_host {
            return Err(bad(
                "the host is not an ASCII name, an IPv4 address or a bracketed IPv6 address",
            ));
        }
        let port = match port {
            None => None,
            Some(text) => match text.parse::<u16>() {
                Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Some(port),
                _ => return Err(bad("the port must be a number from 1 to 65535")),
            },
        };
        let default_port = if https { 443 } else { 80 };
        let host = match port {
            Some(port) if port != default_port => format!("{name}:{port}"),
            _ => name.to_owned(),
        };
        let scheme = if https { "https" } else { "http" };
        let address = name.trim_start_matches('[').trim_end_matches(']');
        let loopback = name == "localhost"
            || address
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let endpoint = Endpoint {
            base_url: format!("{scheme}://{host}"),
            host,
            https,
            loopback,
        };
        Ok((endpoint, path))
    }

    /// Whether the host names this machine.
    pub(crate) fn is_loopback(&self) -> bool {
        self.loopback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(url: &str) -> Result<String, ConfigError> {
        Endpoint::parse(url).map(|e| e.host)
    }

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:9000",
            "http://127.1.2.3",
            "http://localhost:80",
            "http://[::1]:9000",
            "http://LOCALHOST",
        ] {
            assert!(Endpoint::parse(url).unwrap().is_loopback(), "{url}");
        }
        for url in [
            "https://b-1250000000.ci.ap-guangzhou.myqcloud.com",
            "http://10.0.0.1:80",
            "http://[::2]:1",
        ] {
            assert!(!Endpoint::parse(url).unwrap().is_loopback(), "{url}");
        }
    }

    #[test]
    fn the_default_port_is_left_out_of_the_host() {
        assert_eq!(host("http://127.0.0.1:80").unwrap(), "127.0.0.1");
        assert_eq!(host("https://example.com:443/").unwrap(), "example.com");
        assert_eq!(host("http://127.0.0.1:8080").unwrap(), "127.0.0.1:8080");
        assert_eq!(host("https://[::1]:443").unwrap(), "[::1]");
        assert_eq!(host("https://[::1]:9000").unwrap(), "[::1]:9000");
        assert_eq!(host("https://Example.COM").unwrap(), "example.com");
    }

    #[test]
    fn bad_endpoints_are_refused_without_quoting_them() {
        for url in [
            "ftp://h",
            "https://",
            "https://h/path",
            "https://h?q",
            "http://127.0.0.1:",
            "http://127.0.0.1:0",
            "http://h:99999",
            "http://h:+80",
            "http://::1",
            "http://[::1",
            "http://[zz]:9",
            "http://例子.测试:9",
            "http://h_1",
            "https://user:hunter2@h",
        ] {
            let err = host(url).unwrap_err();
            assert!(matches!(err, ConfigError::BadEndpoint(_)), "{url}: {err:?}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn user_info_is_redacted_in_debug() {
        assert_eq!(
            redact_user_info("https://user:hunter2@h:9"),
            "https://<redacted>@h:9"
        );
        assert_eq!(redact_user_info("https://h"), "https://h");
    }
}
