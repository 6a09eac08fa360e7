//! Reads one secret from a real gateway (or a `keyless-fake-gateway` process) with the typed
//! client: the README's "use the client against a real gateway", runnable.
//!
//! ```text
//! AKEYLESS_GATEWAY_URL=https://cm.example.internal/akeyless-api/v2 \
//! AKEYLESS_ACCESS_ID=p-... AKEYLESS_ACCESS_KEY=... AKEYLESS_CA_BUNDLE=ca.pem \
//!     cargo run --example read_secret -- /mdapi/my-service/my-secret/MY_VAR
//! ```
//!
//! Prints the value's length, never the value.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use keyless_gateway::{Credentials, GatewayClient};
use secrecy::{ExposeSecret, SecretString};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(name) = std::env::args().nth(1) else {
        eprintln!(
            "usage: read_secret <item path>   (with AKEYLESS_GATEWAY_URL, AKEYLESS_ACCESS_ID,"
        );
        eprintln!("       AKEYLESS_ACCESS_KEY and optionally AKEYLESS_CA_BUNDLE set)");
        return ExitCode::from(2);
    };
    match read_secret(&name).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "read_secret: {}",
                keyless_examples::error_chain(error.as_ref())
            );
            ExitCode::FAILURE
        }
    }
}

async fn read_secret(name: &str) -> Result<(), Box<dyn std::error::Error>> {
    // Any form reaches the same command URLs: `https://host`, `https://host:8081`,
    // `…/v2`, `…/api/v2`, `…/akeyless-api/v2`, with or without a trailing slash.
    let base_url = std::env::var("AKEYLESS_GATEWAY_URL").map_err(|_| "set AKEYLESS_GATEWAY_URL")?;
    let access_id = std::env::var("AKEYLESS_ACCESS_ID").map_err(|_| "set AKEYLESS_ACCESS_ID")?;
    let access_key = std::env::var("AKEYLESS_ACCESS_KEY").map_err(|_| "set AKEYLESS_ACCESS_KEY")?;
    let access_key = SecretString::from(access_key);
    let credentials = Credentials::access_key(access_id, access_key);

    let mut builder = GatewayClient::builder(base_url, credentials);
    // A gateway in a CipherTrust Manager VM usually has a certificate from a private CA:
    // trust that CA alone (`add_ca_pem` would add it to the system roots instead).
    if let Ok(path) = std::env::var("AKEYLESS_CA_BUNDLE") {
        let pem = std::fs::read(&path).map_err(|error| format!("CA bundle {path}: {error}"))?;
        builder = builder.ca_pem_only(pem);
    }
    let client = builder.build()?;

    match client.get_secret_value(name).await {
        Ok(value) => {
            let length = value.to_secret_string().expose_secret().len();
            println!("{name}: {length} bytes");
        }
        Err(error) if error.is_not_found() => println!("{name} does not exist"),
        Err(error) if error.is_auth() => println!("{name}: denied (or hidden from you)"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
