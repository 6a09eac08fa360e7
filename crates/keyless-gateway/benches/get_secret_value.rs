//! Client overhead of `get-secret-value` against a raw reqwest POST, both against the same
//! in-process axum server on loopback.
//!
//! Run with `cargo bench -p keyless-gateway`. The raw baseline sends the same JSON body and
//! only reads the answer's bytes; a second baseline also parses them into a
//! `serde_json::Value`, the least any client that reads the values has to do. The client also
//! serialises the request with its token, decodes the answer into secret values and checks
//! every requested name.

#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

use axum::routing::post;
use axum::{Json, Router};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use keyless_gateway::wire::GetSecretValueRequest;
use keyless_gateway::{Credentials, GatewayClient, RetryPolicy};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use std::hint::black_box;
use std::time::Duration;

/// Answers `get-secret-value` with a 32-character value per requested name.
async fn get_secret_value(Json(body): Json<Value>) -> Json<Value> {
    let mut answer = Map::new();
    if let Some(names) = body.get("names").and_then(Value::as_array) {
        for name in names.iter().filter_map(Value::as_str) {
            answer.insert(name.to_owned(), Value::String("v".repeat(32)));
        }
    }
    Json(Value::Object(answer))
}

async fn start_server() -> String {
    let router = Router::new()
        .route(
            "/akeyless-api/v2/auth",
            post(|| async {
                Json(json!({"token": "t-bench", "expiration": "2099-01-01T00:00:00Z"}))
            }),
        )
        .route("/akeyless-api/v2/get-secret-value", post(get_secret_value));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/akeyless-api/v2")
}

fn names(count: usize) -> Vec<String> {
    (0..count)
        .map(|index| format!("/mdapi/bench-service/secret/VAR_{index:03}"))
        .collect()
}

/// The round trips on a two-worker runtime, as a service would run the client.
fn bench_get_secret_value(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    round_trips(criterion, "get_secret_value", &runtime);
}

/// The same round trips with client and server on one thread: no wake-ups across threads, so
/// the figures move by about 1 % between runs instead of 15 %, and show the client's own work
/// against a shorter round trip.
fn bench_get_secret_value_one_thread(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    round_trips(criterion, "get_secret_value_one_thread", &runtime);
}

fn round_trips(criterion: &mut Criterion, group_name: &str, runtime: &tokio::runtime::Runtime) {
    let base = runtime.block_on(start_server());

    let client = GatewayClient::builder(
        base.as_str(),
        Credentials::access_key("p-xt3sT2nah7gpam", SecretString::from("bench-key")),
    )
    .no_proxy()
    .retry_policy(RetryPolicy::never())
    .build()
    .expect("client");
    runtime
        .block_on(client.token())
        .expect("authenticated once");

    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("raw client");
    let raw_url = format!("{base}/get-secret-value");
    let raw_post = |body: Vec<u8>| {
        raw.post(raw_url.as_str())
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let mut group = criterion.benchmark_group(group_name);
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);

    for count in [1_usize, 100] {
        let names = names(count);
        group.throughput(Throughput::Elements(count as u64));

        let raw_body =
            serde_json::to_vec(&json!({"names": names, "token": "t-bench"})).expect("raw body");
        group.bench_with_input(
            BenchmarkId::new("raw_reqwest_post", count),
            &raw_body,
            |bench, body| {
                bench.to_async(runtime).iter(|| async {
                    let response = raw_post(body.clone()).await.expect("raw post");
                    black_box(response.bytes().await.expect("raw body"))
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("raw_reqwest_post_and_parse", count),
            &raw_body,
            |bench, body| {
                bench.to_async(runtime).iter(|| async {
                    let response = raw_post(body.clone()).await.expect("raw post");
                    let bytes = response.bytes().await.expect("raw body");
                    black_box(serde_json::from_slice::<Value>(&bytes).expect("json"))
                });
            },
        );

        group.bench_with_input(BenchmarkId::new("client", count), &names, |bench, names| {
            bench.to_async(runtime).iter(|| async {
                let request = GetSecretValueRequest::new(names.iter().cloned());
                black_box(client.get_secret_values(request).await.expect("values"))
            });
        });
    }
    group.finish();
}

/// The client's own CPU work per call, without the network: writing the request and decoding
/// and checking the answer, against parsing the same answer into a `serde_json::Value`.
fn bench_codec(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("get_secret_value_codec");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    for count in [1_usize, 100] {
        let names = names(count);
        let answer: Map<String, Value> = names
            .iter()
            .map(|name| (name.clone(), Value::String("v".repeat(32))))
            .collect();
        let body = serde_json::to_vec(&answer).expect("answer body");
        group.throughput(Throughput::Elements(count as u64));

        group.bench_with_input(
            BenchmarkId::new("parse_as_value", count),
            &body,
            |bench, body| {
                bench.iter(|| black_box(serde_json::from_slice::<Value>(body).expect("json")));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("decode_and_check", count),
            &body,
            |bench, body| {
                bench.iter(|| {
                    black_box(
                        keyless_gateway::response::decode_secret_values(&names, 200, body)
                            .expect("values"),
                    )
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("write_request", count),
            &names,
            |bench, names| {
                bench.iter(|| {
                    let request = GetSecretValueRequest::new(names.iter().cloned());
                    black_box(serde_json::to_vec(&request).expect("request"))
                });
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_get_secret_value,
    bench_get_secret_value_one_thread,
    bench_codec
);
criterion_main!(benches);
