//! Load generator for the fake gateway: `get-secret-value` requests per second and latency.
//!
//! ```text
//! cargo run --release -p keyless-fake --example load -- [--seconds 5] [--connections 32]
//!     [--mode cached|uncached|both]
//! ```
//!
//! The example runs twice per cache mode: as the parent it drives load; it re-executes itself
//! with `--serve cached|uncached` as a child process that runs the fake, so generator and
//! server are separate processes talking over loopback, as the benchmark asks. Every run is
//! bounded in time and sends traffic to 127.0.0.1 only; the child is killed when the parent is
//! done with it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyless_fake::{FakeGateway, SeedItem};
use secrecy::ExposeSecret as _;

/// The secret every request reads.
const SECRET: &str = "/bench/db-password";

struct Options {
    seconds: u64,
    warmup_seconds: u64,
    connections: usize,
    modes: Vec<&'static str>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if let Some(position) = arguments.iter().position(|argument| argument == "--serve") {
        let mode = arguments
            .get(position + 1)
            .map(String::as_str)
            .unwrap_or("cached");
        return serve(mode == "cached");
    }

    let mut options = Options {
        seconds: 5,
        warmup_seconds: 1,
        connections: 32,
        modes: vec!["cached", "uncached"],
    };
    let mut iterator = arguments.iter();
    while let Some(flag) = iterator.next() {
        let value = iterator
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seconds" => options.seconds = value.parse()?,
            "--warmup" => options.warmup_seconds = value.parse()?,
            "--connections" => options.connections = value.parse()?,
            "--mode" => {
                options.modes = match value.as_str() {
                    "cached" => vec!["cached"],
                    "uncached" => vec!["uncached"],
                    "both" => vec!["cached", "uncached"],
                    other => return Err(format!("unknown mode {other}").into()),
                }
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    // Bounded whatever the arguments say.
    options.seconds = options.seconds.clamp(1, 60);
    options.warmup_seconds = options.warmup_seconds.min(10);
    options.connections = options.connections.clamp(1, 512);

    for &mode in &options.modes {
        let mut child = ServerProcess::spawn(mode)?;
        // So a profiler can attach to the server alone (`perf record -p`).
        eprintln!("{mode:>8}: server process {}", child.child.id());
        let report = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?
            .block_on(drive(
                &child.url,
                &child.access_id,
                &child.access_key,
                &options,
            ))?;
        child.stop();
        println!(
            "{mode:>8}: {:>8.0} req/s  p50 {:>7.0} µs  p99 {:>7.0} µs  ({} requests, {} errors, \
             {} connections, {} s)",
            report.per_second,
            report.p50_micros,
            report.p99_micros,
            report.requests,
            report.errors,
            options.connections,
            options.seconds,
        );
    }
    Ok(())
}

/// The child: runs the fake until its standard input closes.
fn serve(cached: bool) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let cache = if cached {
            Some(Duration::from_secs(300))
        } else {
            None
        };
        let gateway = FakeGateway::builder()
            .item_key_cache(cache)
            .fragment_rate_limit(None)
            .journal_capacity(1)
            .item(SeedItem::static_secret(SECRET, "bench-value-0123456789"))
            .start()
            .await?;
        let (Some(access_id), Some(access_key)) = (gateway.access_id(), gateway.access_key())
        else {
            return Err("the fake generated no access key".into());
        };
        println!(
            "{} {} {}",
            gateway.base_url(),
            access_id,
            access_key.expose_secret()
        );

        // The parent closes our standard input when it is done (or dies).
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin()
                .read_line(&mut line)
                .map(|read| read > 0)
                .unwrap_or(false)
            {
                line.clear();
            }
        })
        .await?;
        gateway.shutdown().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

struct ServerProcess {
    child: Child,
    url: String,
    access_id: String,
    access_key: String,
}

impl ServerProcess {
    fn spawn(mode: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--serve", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or("no stdout from the server process")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let mut fields = line.split_whitespace();
        let (Some(url), Some(access_id), Some(access_key)) =
            (fields.next(), fields.next(), fields.next())
        else {
            let _ = child.kill();
            return Err(format!("the server process said {line:?}").into());
        };
        Ok(Self {
            url: url.to_owned(),
            access_id: access_id.to_owned(),
            access_key: access_key.to_owned(),
            child,
        })
    }

    fn stop(&mut self) {
        drop(self.child.stdin.take());
        if self.child.wait_timeout_secs(10).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

trait WaitTimeout {
    fn wait_timeout_secs(&mut self, seconds: u64) -> Option<std::process::ExitStatus>;
}

impl WaitTimeout for Child {
    fn wait_timeout_secs(&mut self, seconds: u64) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

struct Report {
    requests: usize,
    errors: usize,
    per_second: f64,
    p50_micros: f64,
    p99_micros: f64,
}

async fn drive(
    url: &str,
    access_id: &str,
    access_key: &str,
    options: &Options,
) -> Result<Report, Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .http1_only()
        .pool_max_idle_per_host(options.connections)
        .build()?;

    let auth: serde_json::Value = client
        .post(format!("{url}/auth"))
        .json(&serde_json::json!({"access-id": access_id, "access-key": access_key}))
        .send()
        .await?
        .json()
        .await?;
    let token = auth["token"]
        .as_str()
        .ok_or("auth answered without a token")?
        .to_owned();
    let body = Arc::new(
        serde_json::json!({"names": [SECRET], "token": token})
            .to_string()
            .into_bytes(),
    );
    let endpoint = Arc::new(format!("{url}/get-secret-value"));

    let started = Instant::now();
    let measure_from = started + Duration::from_secs(options.warmup_seconds);
    let stop_at = measure_from + Duration::from_secs(options.seconds);
    let mut workers = Vec::with_capacity(options.connections);
    for _ in 0..options.connections {
        let client = client.clone();
        let body = Arc::clone(&body);
        let endpoint = Arc::clone(&endpoint);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(64 * 1024);
            let mut errors = 0_usize;
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    break;
                }
                let outcome = client
                    .post(endpoint.as_str())
                    .header("content-type", "application/json")
                    .body(body.as_ref().clone())
                    .send()
                    .await;
                let ok = match outcome {
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if sent >= measure_from {
                    if ok {
                        latencies
                            .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }

    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mut part, part_errors) = worker.await?;
        latencies.append(&mut part);
        errors += part_errors;
    }
    latencies.sort_unstable();
    let percentile = |fraction: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() - 1) as f64 * fraction).round() as usize;
        f64::from(latencies[index.min(latencies.len() - 1)])
    };
    Ok(Report {
        requests: latencies.len(),
        errors,
        per_second: latencies.len() as f64 / options.seconds as f64,
        p50_micros: percentile(0.50),
        p99_micros: percentile(0.99),
    })
}
