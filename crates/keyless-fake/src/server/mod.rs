//! A small HTTP/1.1 server loop shared by the fake gateway and the fake fragment service.
//!
//! `axum::serve` cannot do three things the fakes need, so this module drives hyper itself:
//!
//! - close the listener *and* every open connection at run time, then bind the same address
//!   again ("the VM is unreachable", "the gateway is down");
//! - drop a connection in the middle of a request without answering (a handler marks its
//!   response with [`DropConnection`] and the connection is torn down instead);
//! - serve the same router over plain TCP or TLS.

mod tls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower_service::Service;

pub use tls::TestCertificateAuthority;

use crate::error::FakeError;

/// Marker a handler puts into a response's extensions to have the connection closed instead of
/// the response being sent. The client sees a connection closed before any response byte.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// How long a graceful stop waits for requests in flight before it closes their connections.
const GRACEFUL_STOP_LIMIT: Duration = Duration::from_secs(5);

/// How long a client may take over its TLS handshake, and over sending request headers.
const HANDSHAKE_AND_HEADER_LIMIT: Duration = Duration::from_secs(30);

/// How long a handler waits for a request body; a client trickling bytes is cut off after it.
const BODY_READ_LIMIT: Duration = Duration::from_secs(30);

/// Reads a request body of at most `limit` bytes that arrives within [`BODY_READ_LIMIT`];
/// `None` when it is larger, broken off or late.
pub(crate) async fn read_body(body: Body, limit: usize) -> Option<axum::body::Bytes> {
    let read = axum::body::to_bytes(body, limit);
    tokio::time::timeout(BODY_READ_LIMIT, read).await.ok()?.ok()
}

/// What the serving task is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Keep serving.
    Run,
    /// Stop accepting, let requests in flight finish, close idle keep-alive connections.
    Graceful,
    /// Close the listener and every connection at once, as a host that vanished would.
    Abort,
}

/// One running accept loop.
struct Running {
    stop: watch::Sender<Stop>,
    task: tokio::task::JoinHandle<()>,
}

/// A router served on one fixed address that can be taken off the network and put back.
pub(crate) struct Server {
    address: SocketAddr,
    router: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    running: Mutex<Option<Running>>,
}

impl Server {
    /// Binds `address` (port 0 picks a free port) and starts serving `router`.
    pub(crate) async fn bind(
        address: SocketAddr,
        router: Router,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Result<Self, FakeError> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| FakeError::Bind { address, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| FakeError::Bind { address, source })?;

        let server = Self {
            address: bound,
            router,
            tls,
            running: Mutex::new(None),
        };
        server.spawn(listener);
        Ok(server)
    }

    /// The address the server is bound to (also while it is taken offline).
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Whether the listener is currently open.
    pub(crate) fn is_online(&self) -> bool {
        self.lock_running()
            .as_ref()
            .is_some_and(|running| *running.stop.borrow() == Stop::Run)
    }

    /// Closes the listener and every open connection; new connections are refused.
    pub(crate) async fn take_offline(&self) {
        let running = self.lock_running().take();
        if let Some(running) = running {
            // The receiver may already be gone if the task ended; nothing left to stop then.
            let _ = running.stop.send(Stop::Abort);
            let _ = running.task.await;
        }
    }

    /// Binds the same address again and resumes serving. A no-op when already online.
    pub(crate) async fn bring_online(&self) -> Result<(), FakeError> {
        if self.is_online() {
            return Ok(());
        }

        let listener = TcpListener::bind(self.address)
            .await
            .map_err(|source| FakeError::Bind {
                address: self.address,
                source,
            })?;
        self.spawn(listener);
        Ok(())
    }

    /// Stops accepting and waits (up to a few seconds) for requests in flight.
    pub(crate) async fn shutdown(&self) {
        let running = self.lock_running().take();
        if let Some(running) = running {
            let _ = running.stop.send(Stop::Graceful);
            let _ = running.task.await;
        }
    }

    fn spawn(&self, listener: TcpListener) {
        let (stop, stop_signal) = watch::channel(Stop::Run);
        let task = tokio::spawn(accept_loop(
            listener,
            self.router.clone(),
            self.tls.clone(),
            stop_signal,
        ));
        *self.lock_running() = Some(Running { stop, task });
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        // The guarded value is a plain handle; a panic elsewhere cannot leave it inconsistent.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let running = self
            .running
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(running) = running {
            // The task winds down on its own; dropping cannot wait for it.
            let _ = running.stop.send(Stop::Graceful);
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut stop_signal: watch::Receiver<Stop>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let mut connections = JoinSet::new();

    loop {
        tokio::select! {
            changed = stop_signal.changed() => {
                if changed.is_err() || *stop_signal.borrow() != Stop::Run {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(
                        stream,
                        peer,
                        acceptor.clone(),
                        router.clone(),
                        stop_signal.clone(),
                    ));
                }
                Err(error) => {
                    // Accept errors (for example too many open files) are transient; pausing
                    // briefly avoids a hot loop while the condition lasts.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }

    drop(listener);
    let stop = *stop_signal.borrow();
    if stop == Stop::Graceful {
        let drained = tokio::time::timeout(GRACEFUL_STOP_LIMIT, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("requests still in flight after the graceful stop limit; closing them");
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    stop_signal: watch::Receiver<Stop>,
) {
    // Small JSON requests and answers: Nagle's delay would only add latency.
    let _ = stream.set_nodelay(true);

    match acceptor {
        Some(acceptor) => {
            let handshake = acceptor.accept(stream);
            match tokio::time::timeout(HANDSHAKE_AND_HEADER_LIMIT, handshake).await {
                Ok(Ok(tls_stream)) => drive(TokioIo::new(tls_stream), router, stop_signal).await,
                Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake took too long; closed"),
            }
        }
        None => drive(TokioIo::new(stream), router, stop_signal).await,
    }
}

async fn drive<I>(io: I, router: Router, mut stop_signal: watch::Receiver<Stop>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut router = router.clone();
        async move {
            let response = match router.call(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropConnection>().is_some() {
                return Err(ConnectionDropped);
            }
            Ok::<_, ConnectionDropped>(response)
        }
    });

    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_AND_HEADER_LIMIT);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);

    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::trace!(%error, "connection ended with an error");
                }
                return;
            }
            changed = stop_signal.changed() => {
                let stop = if changed.is_err() { Stop::Abort } else { *stop_signal.borrow() };
                match stop {
                    Stop::Run => {}
                    Stop::Graceful => {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.as_mut().await;
                        return;
                    }
                    // Dropping the connection future closes the socket at once.
                    Stop::Abort => return,
                }
            }
        }
    }
}

/// The service error that makes hyper close a connection without answering.
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("connection dropped on purpose by a fault")
    }
}

impl std::error::Error for ConnectionDropped {}
