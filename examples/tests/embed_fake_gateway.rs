//! The smallest integration test a service can write against the fake gateway.

use keyless_fake::FakeGateway;
use keyless_gateway::wire::CreateSecretRequest;
use keyless_gateway::{Credentials, GatewayClient};
use secrecy::{ExposeSecret, SecretString};

#[tokio::test]
async fn reads_back_a_secret_it_wrote() -> Result<(), Box<dyn std::error::Error>> {
    // A fake gateway and its customer-fragment service, on free loopback ports.
    let gateway = FakeGateway::builder()
        .prefix("/akeyless-api/v2")
        .start()
        .await?;

    // A client built as production code builds it, with the fake's generated access key.
    let access_id = gateway.access_id().ok_or("the fake has an access id")?;
    let access_key = gateway
        .access_key()
        .ok_or("the fake has an access key")?
        .clone();
    let credentials = Credentials::access_key(access_id, access_key);
    let client = GatewayClient::builder(gateway.base_url(), credentials).build()?;

    let name = "/mdapi/my-service/db/DB_PASSWORD";
    let value = SecretString::from("correct horse battery staple");
    client
        .create_secret(CreateSecretRequest::new(name, value))
        .await?;

    let fetched = client.get_secret_value(name).await?;
    let text = fetched.as_text().ok_or("a static secret is text")?;
    assert_eq!(text.expose_secret(), "correct horse battery staple");

    gateway.shutdown().await;
    Ok(())
}
