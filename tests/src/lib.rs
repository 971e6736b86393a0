//! Shared helpers for the system tests: they run the real `paydesk` binary on a real data folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::SystemTime;

/// The built `paydesk` binary. `cargo test --workspace` builds it before any test runs; when this
/// crate's tests run alone, it is (re)built here once if it is missing or older than its sources —
/// otherwise a stale binary would test yesterday's code.
pub fn paydesk_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let path = assert_cmd_path();
        if is_stale(&path) {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "-p", "paydesk-cli", "--bin", "paydesk"])
                .status()
                .expect("run cargo build");
            assert!(status.success(), "building paydesk failed");
        }
        path
    })
    .clone()
}

/// target/<profile>/paydesk, next to this test binary's `deps/` folder.
fn assert_cmd_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    profile_dir.join(format!("paydesk{}", std::env::consts::EXE_SUFFIX))
}

fn is_stale(bin: &Path) -> bool {
    let Ok(built) = bin.metadata().and_then(|m| m.modified()) else {
        return true;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    ["cli/src", "core/src", "migrations"]
        .iter()
        .any(|dir| newest(&root.join(dir)).is_some_and(|t| t > built))
}

fn newest(dir: &Path) -> Option<SystemTime> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            if path.is_dir() {
                newest(&path)
            } else {
                e.metadata().ok()?.modified().ok()
            }
        })
        .max()
}

/// Runs `paydesk --data-dir DIR --json ARGS…` with `env` set and `stdin` piped in.
pub fn paydesk(dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(paydesk_bin())
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
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

/// The JSON a successful run printed; fails the test with paydesk's error otherwise.
pub fn ok(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "paydesk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Runs a command-line tool (pdfinfo, zbarimg…) and returns its standard output.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (run scripts/setup-debian.sh)"));
    assert!(out.status.success(), "{program} {args:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
