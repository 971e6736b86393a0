//! Shared helpers for the system tests: they run the real `paydesk` binary on a real data folder.

use std::path::{Path, PathBuf};
use std::process::Command;
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
