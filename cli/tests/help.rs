//! `paydesk --help` names every command. Also the reason this package has an integration test:
//! `cargo test --workspace` then builds the `paydesk` binary in the same build as every other test,
//! and the system tests (tests/tests/*.rs) use that binary instead of building another one with a
//! different feature set (a second copy of every dependency on a CI disk).

use std::process::Command;

#[test]
fn help_lists_every_command_and_the_global_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for command in [
        "business", "client", "service", "staff", "booking", "invoice", "email", "job", "payment",
        "stripe", "sync", "activity", "report", "backup",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "{command} missing from:\n{text}"
        );
    }
    assert!(text.contains("--data-dir <DIR>"));
    assert!(text.contains("--json"));
}
