//! Shared helpers for the system tests: they run the real `paydesk` binary on a real data folder.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The built `paydesk` binary. `cargo test --workspace` builds it before any test runs; when this
/// crate's tests run alone, it is built here once.
pub fn paydesk_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let path = assert_cmd_path();
        if !path.exists() {
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
