//! A downstream test of the runbook's worst case: a bad upgrade, then a restore from backup.

use keyless_fake::{FakeGateway, SeedItem};
use keyless_gateway::{Credentials, Error, FragmentFailureCause, GatewayClient};
use secrecy::ExposeSecret;

#[tokio::test]
async fn bad_upgrade_then_restore() -> Result<(), Box<dyn std::error::Error>> {
    let name = "/mdapi/my-service/db/DB_PASSWORD";

    // `item_key_cache(None)`: every read derives its key through the fragment service, so a
    // fault there shows at once (by default the gateway caches item keys for 30 s).
    let gateway = FakeGateway::builder()
        .item(SeedItem::static_secret(
            name,
            "correct horse battery staple",
        ))
        .item_key_cache(None)
        .start()
        .await?;
    let access_id = gateway.access_id().ok_or("the fake has an access id")?;
    let access_key = gateway
        .access_key()
        .ok_or("the fake has an access key")?
        .clone();
    let credentials = Credentials::access_key(access_id, access_key);
    let client = GatewayClient::builder(gateway.base_url(), credentials).build()?;

    // The VM's backup, taken while everything works.
    let fragments = gateway.fragment_service();
    let backup = fragments.snapshot()?;

    // The upgrade breaks `/api/derived-key` (404) and loses the customer fragment.
    fragments.bad_upgrade().await;
    match client.get_secret_value(name).await {
        Err(Error::CustomerFragmentUnavailable {
            cause: FragmentFailureCause::EndpointNotFound,
            ..
        }) => {}
        Err(other) => return Err(format!("expected the runbook's 404 row, got {other}").into()),
        Ok(_) => return Err("a read succeeded without the customer fragment".into()),
    }

    // The runbook's resolution: restore from the last known-good backup.
    fragments.restore(&backup).await?;
    let fetched = client.get_secret_value(name).await?;
    let text = fetched.as_text().ok_or("a static secret is text")?;
    assert_eq!(text.expose_secret(), "correct horse battery staple");

    gateway.shutdown().await;
    Ok(())
}
