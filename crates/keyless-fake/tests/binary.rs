//! The `keyless-fake-gateway` binary: seed file, ready file, printed URLs, clean stop on
//! SIGTERM and SIGINT.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = r#"
gateway:
  prefix: /akeyless-api/v2
  token_ttl: 5m
fragment_service:
  callers: [ { name: gateway, token: binary-fragment-caller-token } ]
roles:
  - name: all
    rules: [ { path: "/*", capabilities: [read, list, create, update, delete] } ]
auth_methods:
  - { name: ci, access_id: p-binarytest00a0, access_key: binary-test-key, roles: [all] }
items:
  - { name: /bin/secret, value: from-the-seed-file }
"#;

fn wait_for_file(path: &Path, child: &mut Child) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(value) = serde_json::from_str(&text)
        {
            return value;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the binary exited early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no ready file after 30 s");
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the binary did not stop within 10 s");
}

async fn run_once(signal: &str) {
    let directory = std::env::temp_dir().join(format!(
        "keyless-fake-binary-{}-{signal}",
        std::process::id()
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let seed = directory.join("seed.yaml");
    let ready = directory.join("ready.json");
    let _ = std::fs::remove_file(&ready);
    std::fs::write(&seed, SEED).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_keyless-fake-gateway"))
        .arg("--seed")
        .arg(&seed)
        .arg("--ready-file")
        .arg(&ready)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let document = wait_for_file(&ready, &mut child);
    let base_url = document["gateway_url"].as_str().unwrap().to_owned();
    assert!(base_url.ends_with("/akeyless-api/v2"), "{base_url}");
    assert!(
        document["fragment_service_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );

    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let auth: serde_json::Value = client
        .post(format!("{base_url}/auth"))
        .json(
            &serde_json::json!({"access-id": "p-binarytest00a0", "access-key": "binary-test-key"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = auth["token"].as_str().unwrap();
    let values: serde_json::Value = client
        .post(format!("{base_url}/get-secret-value"))
        .json(&serde_json::json!({"names": ["/bin/secret"], "token": token}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        values,
        serde_json::json!({"/bin/secret": "from-the-seed-file"})
    );

    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let exit = wait_for_exit(&mut child);
    assert!(exit.success(), "exit status {exit:?} after SIG{signal}");

    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stdout.contains("keyless-fake-gateway ready"), "{stdout}");
    assert!(stdout.contains(&base_url), "{stdout}");
    assert!(stdout.contains("p-binarytest00a0"), "{stdout}");
    assert!(stderr.contains("stopped"), "{stderr}");
    // Seeded credentials and values are never echoed, neither printed nor logged.
    for secret in [
        "binary-test-key",
        "from-the-seed-file",
        token,
        "binary-fragment-caller-token",
    ] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret was printed"
        );
    }
    let _ = std::fs::remove_dir_all(&directory);
}

#[tokio::test]
async fn serves_a_seed_file_and_stops_cleanly_on_sigterm() {
    run_once("TERM").await;
}

#[tokio::test]
async fn stops_cleanly_on_sigint() {
    run_once("INT").await;
}

#[test]
fn a_broken_seed_file_is_a_clear_error() {
    let directory =
        std::env::temp_dir().join(format!("keyless-fake-binary-bad-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let seed = directory.join("seed.yaml");
    std::fs::write(
        &seed,
        "auth_methods:\n  - { name: x, access_id: p-1, access_key: k, roles: [missing] }\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_keyless-fake-gateway"))
        .arg("--seed")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("auth_methods[0].roles"), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");

    let usage = Command::new(env!("CARGO_BIN_EXE_keyless-fake-gateway"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&directory);
}

#[tokio::test]
async fn without_a_seed_it_prints_the_generated_access_key_and_no_bearer_token() {
    let directory =
        std::env::temp_dir().join(format!("keyless-fake-binary-gen-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let ready = directory.join("ready.json");
    let _ = std::fs::remove_file(&ready);
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyless-fake-gateway"))
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let document = wait_for_file(&ready, &mut child);
    let base_url = document["gateway_url"].as_str().unwrap().to_owned();

    // The announcement is printed before the ready file is written; read it up to the key.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let (mut access_id, mut access_key) = (None, None);
    while access_key.is_none() {
        let line = lines
            .next()
            .expect("the announcement names the key")
            .unwrap();
        if let Some(value) = line.trim().strip_prefix("access id:") {
            access_id = Some(value.trim().to_owned());
        }
        if let Some(value) = line.trim().strip_prefix("access key:") {
            access_key = Some(value.trim().to_owned());
        }
        printed.push(line);
    }
    let access_id = access_id.expect("the access id is printed before the key");
    assert_eq!(document["access_ids"], serde_json::json!([access_id]));

    // The printed key is the one the gateway accepts.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let auth = client
        .post(format!("{base_url}/auth"))
        .json(&serde_json::json!({"access-id": access_id, "access-key": access_key}))
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status().as_u16(), 200);

    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(wait_for_exit(&mut child).success());
    printed.extend(lines.map_while(Result::ok));
    let printed = printed.join("\n");
    assert!(
        !printed.to_lowercase().contains("bearer"),
        "the fragment service's token is printed: {printed}"
    );
    let _ = std::fs::remove_dir_all(&directory);
}
