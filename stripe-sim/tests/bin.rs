//! The standalone binary prints its base URL and serves until killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn binary_serves_on_the_given_port() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paydesk-stripe-sim"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start binary");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let key_line = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.starts_with("test key:"))
        .unwrap();
    let key = key_line.trim_start_matches("test key:").trim().to_string();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with('/'),
        "{base}"
    );
    let info: serde_json::Value = reqwest::get(format!("{base}_sim/info"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["secret_keys"]["test"], key.as_str());
    let acct = reqwest::Client::new()
        .get(format!("{base}v1/account"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(acct.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = Command::new(env!("CARGO_BIN_EXE_paydesk-stripe-sim"))
        .args(["--port", "x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
