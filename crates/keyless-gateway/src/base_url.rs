//! The gateway's base URL and how command URLs are joined onto it.

use crate::Error;
use std::fmt;
use url::Url;

/// A validated base URL: `http` or `https`, a host, no credentials, query or fragment, and a
/// path made of its non-empty segments.
///
/// Commands are appended as one more path segment, so every form the gateway is reached at
/// (`https://h`, `https://h:8081`, `https://h:8080/v2`, `https://h:8000/api/v2`,
/// `https://h/akeyless-api/v2`, each with or without a trailing slash) keeps every segment:
/// `https://h/akeyless-api/v2/` + `auth` is `https://h/akeyless-api/v2/auth`. This is the
/// opposite of `Url::join`, which drops the last segment of a base without a trailing slash,
/// and of ESO's rewrite, which drops the whole path.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: Url,
}

impl BaseUrl {
    /// Parses and validates `base`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `base` is not an absolute `http`/`https` URL with a host,
    /// or carries credentials, a query or a fragment.
    pub fn parse(base: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::invalid_config("base_url", reason.to_owned());

        let mut url = Url::parse(base.trim()).map_err(|error| {
            Error::invalid_config_with_source("base_url", "not an absolute URL", error)
        })?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(invalid("the scheme must be https or http"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("the URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("credentials in the URL are not supported"));
        }
        if url.query().is_some() {
            return Err(invalid("a query string is not supported"));
        }
        if url.fragment().is_some() {
            return Err(invalid("a fragment is not supported"));
        }

        // Rebuild the path from its non-empty segments: `//` and a trailing `/` collapse, every
        // named segment stays.
        let segments: Vec<String> = url
            .path_segments()
            .map(|segments| {
                segments
                    .filter(|segment| !segment.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        url.set_path("");
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| invalid("the URL cannot carry a path"))?;
            path.clear();
            for segment in &segments {
                path.push(segment);
            }
        }

        Ok(Self { url })
    }

    /// The URL of `command` (one path segment such as `get-secret-value`, or a relative path
    /// such as `api/derived-key`, whose `/`-separated parts become segments).
    pub fn join(&self, command: &str) -> Url {
        let mut url = self.url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            for part in command.split('/').filter(|part| !part.is_empty()) {
                path.push(part);
            }
        }
        url
    }

    /// The normalised base URL.
    pub fn as_url(&self) -> &Url {
        &self.url
    }

    /// Whether requests go over TLS.
    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_tuple("BaseUrl")
            .field(&self.url.as_str())
            .finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.url.as_str())
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = Error;

    fn from_str(base: &str) -> Result<Self, Error> {
        Self::parse(base)
    }
}
