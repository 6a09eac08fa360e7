//! Transport settings shared by the gateway client and the HTTP fragment holder, and the
//! mapping of transport failures to [`Error`].

use crate::error::{Error, TransportError, UnreachableKind};
use std::error::Error as StdError;
use std::time::Duration;

/// Default connect timeout.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default total timeout of one attempt, until the body is read.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on an answer's body.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Where trusted roots come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Roots {
    /// The platform's roots.
    #[default]
    Platform,
    /// The platform's roots plus these certificates.
    PlatformAnd(Vec<Vec<u8>>),
    /// Only these certificates (PEM bundles).
    Only(Vec<Vec<u8>>),
}

/// Proxy choice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum ProxyChoice {
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment.
    #[default]
    Environment,
    /// No proxy at all.
    Direct,
    /// This proxy for every request.
    Url(String),
}

/// Settings of the HTTP transport (TLS roots, timeouts, proxy, user agent).
#[derive(Clone, Debug)]
pub(crate) struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    roots: Roots,
    danger_accept_invalid_certs: bool,
    danger_accept_invalid_hostnames: bool,
    proxy: ProxyChoice,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            roots: Roots::Platform,
            danger_accept_invalid_certs: false,
            danger_accept_invalid_hostnames: false,
            proxy: ProxyChoice::Environment,
            user_agent: concat!("keyless-gateway/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl HttpSettings {
    pub(crate) fn add_ca_pem(&mut self, pem: &[u8]) {
        match &mut self.roots {
            Roots::Platform => self.roots = Roots::PlatformAnd(vec![pem.to_vec()]),
            Roots::PlatformAnd(bundles) | Roots::Only(bundles) => bundles.push(pem.to_vec()),
        }
    }

    pub(crate) fn ca_pem_only(&mut self, pem: &[u8]) {
        match &mut self.roots {
            Roots::Only(bundles) => bundles.push(pem.to_vec()),
            Roots::Platform | Roots::PlatformAnd(_) => self.roots = Roots::Only(vec![pem.to_vec()]),
        }
    }

    pub(crate) fn danger_accept_invalid_certs(&mut self, accept: bool) {
        self.danger_accept_invalid_certs = accept;
    }

    pub(crate) fn danger_accept_invalid_hostnames(&mut self, accept: bool) {
        self.danger_accept_invalid_hostnames = accept;
    }

    pub(crate) fn proxy(&mut self, url: String) {
        self.proxy = ProxyChoice::Url(url);
    }

    pub(crate) fn no_proxy(&mut self) {
        self.proxy = ProxyChoice::Direct;
    }

    /// Builds the reqwest client. `https` tells whether the target uses TLS: a plain-HTTP
    /// target gets an empty root set so building never depends on a system CA store.
    pub(crate) fn build(&self, https: bool) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent.clone())
            // A redirect would resend the body, token included, to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .tls_version_min(reqwest::tls::Version::TLS_1_2);

        builder = match &self.roots {
            Roots::Platform if !https => builder.tls_certs_only(Vec::new()),
            Roots::Platform => builder,
            Roots::PlatformAnd(bundles) => builder.tls_certs_merge(parse_bundles(bundles)?),
            Roots::Only(bundles) => builder.tls_certs_only(parse_bundles(bundles)?),
        };

        if self.danger_accept_invalid_certs {
            tracing::warn!(
                "TLS certificate verification is disabled: any server can impersonate the \
                 gateway and read every token and secret"
            );
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        if self.danger_accept_invalid_hostnames {
            tracing::warn!(
                "TLS host name verification is disabled: a certificate for another host is \
                 accepted"
            );
            builder = builder.tls_danger_accept_invalid_hostnames(true);
        }

        builder = match &self.proxy {
            ProxyChoice::Environment => builder,
            ProxyChoice::Direct => builder.no_proxy(),
            ProxyChoice::Url(url) => {
                let proxy = reqwest::Proxy::all(url.as_str()).map_err(|error| {
                    Error::invalid_config_with_source("proxy", "not a usable proxy URL", error)
                })?;
                builder.proxy(proxy)
            }
        };

        builder.build().map_err(|error| {
            // PEM parsing only checks the armour; the certificates themselves are read here.
            let reason = match &self.roots {
                Roots::Platform => {
                    "the HTTP client could not be built (no system CA store? set a CA bundle)"
                }
                Roots::PlatformAnd(_) | Roots::Only(_) => {
                    "the HTTP client could not be built: a certificate of the CA bundle cannot \
                     be used (damaged or not a CA certificate)"
                }
            };
            Error::invalid_config_with_source("tls", reason, error)
        })
    }
}

fn parse_bundles(bundles: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>, Error> {
    let mut certificates = Vec::new();
    for (index, bundle) in bundles.iter().enumerate() {
        let parsed = reqwest::Certificate::from_pem_bundle(bundle).map_err(|error| {
            Error::invalid_config_with_source(
                "ca_bundle",
                format!("CA bundle {} is not valid PEM", index + 1),
                error,
            )
        })?;
        if parsed.is_empty() {
            return Err(Error::invalid_config(
                "ca_bundle",
                format!("CA bundle {} holds no certificate", index + 1),
            ));
        }
        certificates.extend(parsed);
    }
    Ok(certificates)
}

/// Maps a reqwest failure of `command` at `url` to [`Error::Timeout`] or
/// [`Error::Unreachable`] with its kind. The URL is logged without query (there is none).
pub(crate) fn transport_error(command: &str, url: &str, error: reqwest::Error) -> Error {
    // A connection that could not be made in time is an unreachable server (a VM that is
    // down drops the SYN), and the request was never sent.
    if error.is_timeout() && !error.is_connect() {
        return Error::Timeout {
            command: command.to_owned(),
            url: url.to_owned(),
            source: Some(TransportError::new(error)),
        };
    }
    let kind = classify(&error);
    Error::Unreachable {
        command: command.to_owned(),
        url: url.to_owned(),
        kind,
        source: TransportError::new(error),
    }
}

/// Whether the failure happened before the request could have reached the server.
pub(crate) fn failed_before_sending(error: &Error) -> bool {
    matches!(
        error,
        Error::Unreachable {
            kind: UnreachableKind::Dns
                | UnreachableKind::ConnectionRefused
                | UnreachableKind::Connect,
            ..
        }
    )
}

fn classify(error: &reqwest::Error) -> UnreachableKind {
    if error.is_dns() {
        return UnreachableKind::Dns;
    }

    let mut tls = false;
    let mut refused = false;
    // Walk the source chain, also looking inside io::Errors: a TLS failure travels as an
    // io::Error wrapping (possibly another io::Error wrapping) the rustls error, and
    // io::Error::source skips the wrapped error itself.
    let mut pending: Vec<&(dyn StdError + 'static)> = error.source().into_iter().collect();
    let mut visited = 0;
    while let Some(current) = pending.pop() {
        visited += 1;
        if visited > 32 {
            break;
        }
        if current.is::<rustls::Error>() {
            tls = true;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                refused = true;
            }
            if let Some(inner) = io.get_ref() {
                pending.push(inner);
            }
        }
        if let Some(next) = current.source() {
            pending.push(next);
        }
    }

    if tls {
        UnreachableKind::Tls
    } else if refused {
        UnreachableKind::ConnectionRefused
    } else if error.is_connect() {
        UnreachableKind::Connect
    } else {
        UnreachableKind::Connection
    }
}

/// Reads the body of `response` into a buffer that is wiped when dropped, refusing bodies
/// larger than `limit`.
pub(crate) async fn read_body(
    command: &str,
    url: &str,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<WipingBuffer, Error> {
    use zeroize::Zeroize as _;

    let status = response.status().as_u16();
    let too_large = || Error::InvalidResponse {
        command: command.to_owned(),
        status,
        reason: format!("the body is larger than {limit} bytes"),
    };
    let expected = response.content_length().unwrap_or(0);
    if usize::try_from(expected).map_or(true, |length| length > limit) {
        return Err(too_large());
    }

    let mut body = WipingBuffer::with_capacity(usize::try_from(expected).unwrap_or(0));
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => return Err(transport_error(command, url, error)),
        };
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        // Wipe the transport's copy when this is its only owner.
        if let Ok(mut owned) = chunk.try_into_mut() {
            owned.as_mut().zeroize();
        }
    }
    Ok(body)
}

/// A byte buffer that wipes every allocation it leaves behind: growing moves the bytes to a
/// larger buffer and wipes the old one, instead of letting the allocator free it unwiped, and
/// dropping wipes the last one.
///
/// It holds a plain `Vec` and wipes it as a slice rather than through `Zeroizing<Vec<u8>>`,
/// whose wipe goes byte by byte (about eight times slower for the few KiB of a typical
/// answer); the bytes are wiped all the same.
pub(crate) struct WipingBuffer(Vec<u8>);

impl WipingBuffer {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    pub(crate) fn extend_from_slice(&mut self, bytes: &[u8]) {
        let needed = self.0.len().saturating_add(bytes.len());
        if needed > self.0.capacity() {
            let mut larger = Vec::with_capacity(needed.max(self.0.capacity().saturating_mul(2)));
            larger.extend_from_slice(&self.0);
            let mut old = std::mem::replace(&mut self.0, larger);
            wipe(&mut old);
        }
        self.0.extend_from_slice(bytes);
    }
}

/// Wipes every byte of `buffer`'s allocation, the spare capacity included.
fn wipe(buffer: &mut Vec<u8>) {
    use zeroize::Zeroize as _;

    buffer.as_mut_slice().zeroize();
    buffer.spare_capacity_mut().zeroize();
}

impl Drop for WipingBuffer {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl std::ops::Deref for WipingBuffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for WipingBuffer {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::io::Write for WipingBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_keeps_every_byte_in_order() {
        let mut buffer = WipingBuffer::with_capacity(0);
        let mut expected = Vec::new();
        for round in 0..200u8 {
            let piece = vec![round; usize::from(round % 7) + 1];
            buffer.extend_from_slice(&piece);
            expected.extend_from_slice(&piece);
        }
        assert_eq!(&*buffer, expected.as_slice());
        assert_eq!(buffer.as_ref(), expected.as_slice());
    }

    #[test]
    fn serde_json_writes_through_it() {
        let mut buffer = WipingBuffer::with_capacity(4);
        serde_json::to_writer(&mut buffer, &serde_json::json!({"names": ["a", "b"]})).unwrap();
        assert_eq!(&*buffer, br#"{"names":["a","b"]}"#);
    }

    #[test]
    fn wipe_zeroes_the_bytes() {
        let mut bytes = vec![0xa5u8; 64];
        bytes.truncate(40);
        wipe(&mut bytes);
        assert_eq!(bytes.len(), 40);
        assert!(bytes.iter().all(|byte| *byte == 0));
    }
}
