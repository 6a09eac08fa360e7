//! 8 writers × 500 conditional updates of one secret, with readers running alongside: no
//! update is lost, versions only grow, and no reader ever sees a torn value.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use keyless_fake::{FakeGateway, SeedItem};
use keyless_gateway::wire::{DescribeItemRequest, GetSecretValueRequest, UpdateSecretValRequest};
use keyless_gateway::{Credentials, Error, GatewayClient, RetryPolicy};
use secrecy::{ExposeSecret as _, SecretString};

const NAME: &str = "/mdapi/counter/value";
const WRITERS: usize = 8;
const UPDATES_PER_WRITER: usize = 500;
/// Every value carries this much padding, so a torn read would show a short or mixed value.
const PADDING: usize = 256;

fn value(writer: usize, update: usize) -> String {
    let fill = char::from(b'a' + u8::try_from(writer).unwrap());
    format!("{writer}:{update}:{}", fill.to_string().repeat(PADDING))
}

/// Whether `text` is a value some writer could have written, whole.
fn well_formed(text: &str) -> bool {
    let mut parts = text.splitn(3, ':');
    let (Some(writer), Some(update), Some(padding)) = (parts.next(), parts.next(), parts.next())
    else {
        return text == "initial";
    };
    match (writer.parse::<usize>(), update.parse::<usize>()) {
        (Ok(writer), Ok(update)) if writer < WRITERS && update < UPDATES_PER_WRITER => {
            padding
                == value(writer, update)
                    .splitn(3, ':')
                    .nth(2)
                    .unwrap_or_default()
        }
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_conditional_updates_lose_nothing_and_reads_never_tear() {
    let gateway = FakeGateway::builder()
        .max_versions(WRITERS * UPDATES_PER_WRITER + 10)
        // Keys of freshly written versions stay cached for the final read-back.
        .item_key_cache(Some(Duration::from_secs(600)))
        .journal_capacity(100)
        .item(SeedItem::static_secret(NAME, "initial"))
        .start()
        .await
        .unwrap();
    let credentials = Credentials::access_key(
        gateway.access_id().unwrap(),
        gateway.access_key().unwrap().clone(),
    );
    let client = Arc::new(
        GatewayClient::builder(gateway.base_url(), credentials)
            .no_proxy()
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap(),
    );

    let writing = Arc::new(AtomicBool::new(true));
    let mut readers = Vec::new();
    for _ in 0..2 {
        let client = Arc::clone(&client);
        let writing = Arc::clone(&writing);
        readers.push(tokio::spawn(async move {
            let mut reads = 0_usize;
            while writing.load(Ordering::Relaxed) {
                let read = client.get_secret_value(NAME).await.unwrap();
                let text = read.as_text().unwrap().expose_secret().to_owned();
                assert!(
                    well_formed(&text),
                    "torn or foreign value of {} bytes",
                    text.len()
                );
                reads += 1;
            }
            reads
        }));
    }

    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let client = Arc::clone(&client);
        writers.push(tokio::spawn(async move {
            let mut versions_written = Vec::with_capacity(UPDATES_PER_WRITER);
            let mut conflicts = 0_usize;
            let describe = || async {
                let item = client
                    .describe_item(DescribeItemRequest::new(NAME))
                    .await
                    .unwrap();
                item.last_version.unwrap()
            };
            // The version this writer believes is current; refreshed only after a conflict.
            let mut last = describe().await;
            for update in 0..UPDATES_PER_WRITER {
                loop {
                    let request = UpdateSecretValRequest::new(
                        NAME,
                        SecretString::from(value(writer, update)),
                    )
                    .with_last_version(last);
                    match client.update_secret_val(request).await {
                        Ok(_) => {
                            last += 1;
                            versions_written.push(last);
                            break;
                        }
                        Err(Error::Gateway { status: 409, .. }) => {
                            conflicts += 1;
                            last = describe().await;
                        }
                        Err(other) => panic!("writer {writer}: unexpected {other}"),
                    }
                }
            }
            (versions_written, conflicts)
        }));
    }

    let mut all_versions = BTreeSet::new();
    let mut conflicts = 0;
    for writer in writers {
        let (versions, writer_conflicts) = writer.await.unwrap();
        assert!(
            versions.windows(2).all(|pair| pair[0] < pair[1]),
            "a writer's versions went back"
        );
        for version in versions {
            assert!(
                all_versions.insert(version),
                "version {version} was written twice"
            );
        }
        conflicts += writer_conflicts;
    }
    writing.store(false, Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.unwrap();
    }

    let total = WRITERS * UPDATES_PER_WRITER;
    let expected: BTreeSet<i32> = (2..=i32::try_from(total).unwrap() + 1).collect();
    assert_eq!(
        all_versions,
        expected,
        "versions are exactly 2..={}",
        total + 1
    );
    let held: Vec<u32> = gateway.versions(NAME);
    assert_eq!(held.len(), total + 1);
    assert!(held.windows(2).all(|pair| pair[0] < pair[1]));

    // Every written value is stored exactly once: no update was lost or overwritten.
    let mut seen = BTreeSet::new();
    for version in 2..=i32::try_from(total).unwrap() + 1 {
        let values = client
            .get_secret_values(GetSecretValueRequest::new([NAME]).with_version(version))
            .await
            .unwrap();
        let text = values
            .get(NAME)
            .unwrap()
            .as_text()
            .unwrap()
            .expose_secret()
            .to_owned();
        assert!(well_formed(&text));
        assert!(seen.insert(text), "a value is stored twice");
    }
    assert_eq!(seen.len(), total);
    assert!(reads > 0, "the readers ran");
    assert!(
        conflicts < total * WRITERS * 4,
        "writers mostly make progress"
    );
}
