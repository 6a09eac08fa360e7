//! `keyless-fake-gateway`: the fake Akeyless gateway and customer-fragment service as a process.
//!
//! ```text
//! keyless-fake-gateway [--seed FILE] [--listen ADDR] [--tls] [--ca-out FILE]
//!                      [--ready-file FILE]
//! ```
//!
//! Starts both services from a YAML seed file (see `keyless_fake::Seed`), prints the URLs and
//! the access ids, logs with `tracing` to stderr (`RUST_LOG`, default `info`) and stops
//! cleanly on SIGTERM or SIGINT. With `--ready-file` it writes a JSON document with the URLs
//! and access ids once both services accept connections.
//!
//! The only secret it prints is the full-access key it generates when the seed configures no
//! auth method (there is no other way to learn it). Seeded keys are never printed, and
//! neither is the fragment service's bearer token: the gateway uses it internally. A caller
//! of the fragment service other than the gateway needs a `token` in the seed.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use keyless_fake::{FakeGatewayHandle, Seed};
use secrecy::ExposeSecret as _;

const USAGE: &str = "usage: keyless-fake-gateway [--seed FILE] [--listen ADDR] [--tls] \
                     [--ca-out FILE] [--ready-file FILE]";

#[derive(Default)]
struct Arguments {
    seed: Option<PathBuf>,
    listen: Option<SocketAddr>,
    tls: bool,
    ca_out: Option<PathBuf>,
    ready_file: Option<PathBuf>,
}

fn parse_arguments() -> Result<Option<Arguments>, String> {
    let mut arguments = Arguments::default();
    let mut raw = std::env::args_os().skip(1);
    while let Some(flag) = raw.next() {
        let flag = flag.to_string_lossy().into_owned();
        let mut value = |name: &str| {
            raw.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--seed" => arguments.seed = Some(PathBuf::from(value("--seed")?)),
            "--listen" => {
                let text = value("--listen")?.to_string_lossy().into_owned();
                let address = text
                    .parse()
                    .map_err(|_| format!("--listen: {text:?} is not an IP address and port"))?;
                arguments.listen = Some(address);
            }
            "--tls" => arguments.tls = true,
            "--ca-out" => arguments.ca_out = Some(PathBuf::from(value("--ca-out")?)),
            "--ready-file" => arguments.ready_file = Some(PathBuf::from(value("--ready-file")?)),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Some(arguments))
}

fn main() -> ExitCode {
    let arguments = match parse_arguments() {
        Ok(Some(arguments)) => arguments,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("keyless-fake-gateway: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(arguments)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("keyless-fake-gateway: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(arguments: Arguments) -> Result<(), String> {
    let seed = match &arguments.seed {
        Some(path) => Seed::from_file(path).map_err(|error| error_chain(&error))?,
        None => Seed::default(),
    };
    let mut builder = seed.into_builder().map_err(|error| error_chain(&error))?;
    if let Some(address) = arguments.listen {
        builder = builder.address(address);
    }
    if arguments.tls {
        builder = builder.tls(true);
    }
    let handle = builder.start().await.map_err(|error| error_chain(&error))?;

    if let Some(path) = &arguments.ca_out {
        let pem = handle
            .ca_pem()
            .ok_or("--ca-out needs TLS (--tls or gateway.tls: true)")?;
        std::fs::write(path, pem)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    announce(&handle, arguments.ca_out.as_ref());
    if let Some(path) = &arguments.ready_file {
        write_ready_file(path, &handle, arguments.ca_out.as_ref())?;
    }

    wait_for_stop_signal().await?;
    tracing::info!("stopping");
    handle.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

fn announce(handle: &FakeGatewayHandle, ca_out: Option<&PathBuf>) {
    println!("keyless-fake-gateway ready");
    println!("  gateway:          {}", handle.base_url());
    println!(
        "  fragment service: {}",
        handle.fragment_service().base_url()
    );
    if let Some(path) = ca_out {
        println!("  CA certificate:   {}", path.display());
    }
    match (handle.access_id(), handle.access_key()) {
        (Some(access_id), Some(access_key)) => {
            println!("  generated access key (full access):");
            println!("    access id:  {access_id}");
            println!("    access key: {}", access_key.expose_secret());
        }
        _ => {
            for method in handle.auth_methods() {
                println!(
                    "  auth method {:?}: access id {}",
                    method.name(),
                    method.access_id()
                );
            }
        }
    }
}

fn write_ready_file(
    path: &PathBuf,
    handle: &FakeGatewayHandle,
    ca_out: Option<&PathBuf>,
) -> Result<(), String> {
    let document = serde_json::json!({
        "gateway_url": handle.base_url(),
        "fragment_service_url": handle.fragment_service().base_url(),
        "ca_pem_file": ca_out.map(|path| path.display().to_string()),
        "access_ids": handle.auth_methods().iter().map(|method| method.access_id()).collect::<Vec<_>>(),
    });
    // Written beside the target and renamed, so a reader never sees half a document.
    let partial = path.with_extension("partial");
    std::fs::write(&partial, document.to_string())
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|error| format!("cannot write the ready file {}: {error}", path.display()))
}

async fn wait_for_stop_signal() -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = signal(SignalKind::terminate())
        .map_err(|error| format!("cannot watch SIGTERM: {error}"))?;
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|error| format!("cannot watch SIGINT: {error}"))?;
    tokio::select! {
        _ = terminate.recv() => tracing::info!("SIGTERM received"),
        _ = interrupt.recv() => tracing::info!("SIGINT received"),
    }
    Ok(())
}

/// An error and its sources on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
