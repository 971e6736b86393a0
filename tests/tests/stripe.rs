//! `paydesk stripe`: connecting with a key piped on stdin, against the Stripe simulator, with the key
//! kept in the real OS keychain. Run under `scripts/with-keychain.sh` (a private, unlocked keychain);
//! `PAYDESK_NO_KEYCHAIN=1` skips the keychain test, saying so.

use paydesk_system_tests::paydesk_bin;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use stripe_sim::{Mode, Simulator};

fn paydesk(dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(paydesk_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start paydesk");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "paydesk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .expect("secret-tool (libsecret-tools) installed");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn connect_keeps_the_key_in_the_keychain_and_nowhere_in_the_data_folder() {
    if std::env::var("PAYDESK_NO_KEYCHAIN").as_deref() == Ok("1") {
        eprintln!("SKIPPED: PAYDESK_NO_KEYCHAIN=1");
        return;
    }
    assert!(
        std::env::var("PAYDESK_KEYCHAIN").as_deref() != Ok("keyutils"),
        "this test reads the key back with secret-tool: run it with the Secret Service store"
    );
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session, so no keychain: run under scripts/with-keychain.sh \
         (or set PAYDESK_NO_KEYCHAIN=1 to skip)"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(Simulator::start());
    let key = sim.secret_key(Mode::Test);
    let base = sim.base_url();
    let service = format!("paydesk-systest-{}", std::process::id());
    let env = [
        ("PAYDESK_STRIPE_API_BASE", base.as_str()),
        ("PAYDESK_KEYCHAIN_SERVICE", service.as_str()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let connected = ok_json(&paydesk(
        d,
        &env,
        &["--json", "stripe", "connect"],
        &format!(" {key}\n"),
    ));
    assert_eq!(connected["connection"]["account_id"], sim.account_id());
    assert_eq!(connected["connection"]["mode"], "test");
    assert_eq!(connected["key_was_trimmed"], true);
    assert!(
        !String::from_utf8_lossy(&paydesk(d, &env, &["stripe", "status"], "").stdout)
            .contains(&key)
    );

    assert_eq!(
        secret_tool_lookup(&service, "stripe-test").as_deref(),
        Some(key.as_str())
    );

    let status = ok_json(&paydesk(d, &env, &["--json", "stripe", "status"], ""));
    assert_eq!(status["test"]["account_id"], sim.account_id());
    assert_eq!(status["test"]["account_name"], "Paydesk Sim GmbH");
    assert_eq!(status["live"], Value::Null);

    // `echo KEY |` adds a line end: that alone is not "spaces removed around the key".
    let live_key = sim.secret_key(Mode::Live);
    let live = ok_json(&paydesk(
        d,
        &env,
        &["--json", "stripe", "connect", "--mode", "live"],
        &format!("{live_key}\n"),
    ));
    assert_eq!(live["key_was_trimmed"], false);
    assert_eq!(
        secret_tool_lookup(&service, "stripe-live").as_deref(),
        Some(live_key.as_str())
    );

    // Both connected: live is in use until the owner switches.
    let status = ok_json(&paydesk(d, &env, &["--json", "stripe", "status"], ""));
    assert_eq!(status["active"], "live");
    let switched = ok_json(&paydesk(
        d,
        &env,
        &["--json", "stripe", "use", "--mode", "test"],
        "",
    ));
    assert_eq!(switched["active"], "test");
    let status = ok_json(&paydesk(d, &env, &["--json", "stripe", "status"], ""));
    assert_eq!(status["active"], "test");

    let text = paydesk(d, &env, &["stripe", "status", "--refresh"], "");
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains(&sim.account_id()));

    for entry in std::fs::read_dir(d).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                [&key, &live_key]
                    .iter()
                    .all(|k| !contains(&bytes, &k.as_bytes()[8..40])),
                "the key is in {}",
                path.display()
            );
        }
    }

    let gone = ok_json(&paydesk(
        d,
        &env,
        &["--json", "stripe", "disconnect", "--mode", "test"],
        "",
    ));
    assert_eq!(gone["disconnected"], true);
    assert_eq!(secret_tool_lookup(&service, "stripe-test"), None);
    let status = ok_json(&paydesk(d, &env, &["--json", "stripe", "status"], ""));
    assert_eq!(status["test"], Value::Null);
    assert_eq!(status["live"]["mode"], "live");
    assert_eq!(status["active"], "live");
    let refused = paydesk(d, &env, &["--json", "stripe", "use", "--mode", "test"], "");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stripe_not_connected"));
    ok_json(&paydesk(
        d,
        &env,
        &["--json", "stripe", "disconnect", "--mode", "live"],
        "",
    ));
    assert_eq!(secret_tool_lookup(&service, "stripe-live"), None);
}

#[test]
fn the_key_is_never_taken_as_an_argument() {
    let dir = tempfile::tempdir().unwrap();
    let out = paydesk(
        dir.path(),
        &[],
        &["stripe", "connect", "sk_test_51NotAnArgument1234"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_publishable_key_gets_a_plain_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = paydesk(
        dir.path(),
        &[("PAYDESK_STRIPE_API_BASE", "http://127.0.0.1:9/")],
        &["--json", "stripe", "connect"],
        "pk_live_51Publishable1234\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["code"], "invalid");
    assert_eq!(e["error"]["field"], "key");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("publishable key (pk_live_…)"), "{message}");
    assert!(!message.contains("Publishable1234"), "{message}");
}

#[test]
fn a_revoked_key_gets_a_plain_message_without_the_key() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(Simulator::start());
    let key = sim.secret_key(Mode::Test);
    sim.revoke_key(&key);
    let base = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    // A revoked key fails after parsing, so no keychain is needed to see the message.
    let out = paydesk(
        dir.path(),
        &[("PAYDESK_STRIPE_API_BASE", base.as_str())],
        &["stripe", "connect"],
        &format!("{key}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("didn't accept this key"), "{stderr}");
    assert!(!stderr.contains(&key[8..30]), "{stderr}");
}
