//! The smallest thing a downstream service does with the fake gateway: start it, write a
//! secret through the typed client, read it back. The same steps as a `#[tokio::test]` are in
//! `examples/tests/embed_fake_gateway.rs`, which the README quotes.
//!
//! ```text
//! cargo run --example embed_fake_gateway
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use keyless_examples::error_chain;
use keyless_fake::FakeGateway;
use keyless_gateway::wire::CreateSecretRequest;
use keyless_gateway::{Credentials, GatewayClient};
use secrecy::{ExposeSecret, SecretString};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("embed_fake_gateway: {}", error_chain(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let gateway = FakeGateway::builder()
        .prefix("/akeyless-api/v2")
        .start()
        .await?;
    println!("fake gateway listening at {}", gateway.base_url());
    println!(
        "customer-fragment service at {}",
        gateway.fragment_service().base_url()
    );

    let access_id = gateway.access_id().ok_or("the fake has an access id")?;
    let access_key = gateway
        .access_key()
        .ok_or("the fake has an access key")?
        .clone();
    let credentials = Credentials::access_key(access_id, access_key);
    let client = GatewayClient::builder(gateway.base_url(), credentials).build()?;

    let name = "/mdapi/my-service/db/DB_PASSWORD";
    let written = "correct horse battery staple";
    client
        .create_secret(CreateSecretRequest::new(name, SecretString::from(written)))
        .await?;
    println!("created {name}");

    let fetched = client.get_secret_value(name).await?;
    let text = fetched.as_text().ok_or("a static secret is text")?;
    if text.expose_secret() != written {
        return Err(format!("{name} came back with a different value").into());
    }
    println!(
        "read {name} back: the value matches ({} bytes)",
        written.len()
    );

    // The fake keeps only sealed envelopes: the plaintext is in none of them.
    let envelopes = gateway.stored_envelopes(name);
    let leaked = envelopes.iter().any(|envelope| {
        envelope
            .windows(written.len())
            .any(|w| w == written.as_bytes())
    });
    if envelopes.is_empty() || leaked {
        return Err("the fake's store should hold sealed envelopes only".into());
    }
    println!(
        "the fake stores {} sealed envelope(s), no plaintext",
        envelopes.len()
    );

    gateway.shutdown().await;
    Ok(())
}
