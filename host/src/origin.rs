//! The one origin (scheme, host, port) a session may reach.

/// An HTTP origin; default ports are made explicit so `https://h` equals `https://h:443`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// The origin of an `http` or `https` URL; `None` for anything else.
    pub fn of_url(url: &str) -> Option<Self> {
        let uri: http::Uri = url.trim().parse().ok()?;
        Self::of_uri(&uri)
    }

    fn of_uri(uri: &http::Uri) -> Option<Self> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => 443,
            "http" => 80,
            _ => return None,
        };
        let authority = uri.authority()?;
        Some(Self {
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
            scheme,
        })
    }

    /// Whether a request URI goes to this origin.
    pub fn matches_uri(&self, uri: &http::Uri) -> bool {
        Self::of_uri(uri).as_ref() == Some(self)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_and_case_are_normalised() {
        let origin = Origin::of_url("https://Router.HuggingFace.co/v1").unwrap();
        assert!(
            origin.matches_uri(
                &"https://router.huggingface.co:443/v1/models"
                    .parse()
                    .unwrap()
            )
        );
        assert!(!origin.matches_uri(&"http://router.huggingface.co/v1/models".parse().unwrap()));
        assert!(!origin.matches_uri(&"https://router.huggingface.co.evil/v1".parse().unwrap()));
        assert!(!origin.matches_uri(&"https://evil.example/v1".parse().unwrap()));
        assert_eq!(Origin::of_url("ftp://x"), None);
        assert_eq!(Origin::of_url("not a url"), None);
    }
}
