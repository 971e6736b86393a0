//! The `paydesk` command line, run as a person or a script would: a real process, a real data folder.

use paydesk_system_tests::paydesk_bin;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(paydesk_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start paydesk");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Runs with --json, expects success, returns the parsed output.
fn json(dir: &Path, args: &[&str]) -> Value {
    json_in(dir, args, None)
}

fn json_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run(dir, &all, stdin);
    assert!(
        out.status.success(),
        "paydesk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Runs with --json, expects failure with exit code 1, returns the error object from stderr.
fn json_err(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run(dir, &all, None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
    v["error"].clone()
}

fn count_rows(dir: &Path) -> usize {
    let all = json(dir, &["invoice", "list", "--limit", "500"]);
    all["items"].as_array().unwrap().len()
}

#[test]
fn euro_and_yen_invoices_total_to_the_cent_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(
        d,
        &[
            "business",
            "set",
            "--name",
            "Salon Zoë",
            "--currency",
            "EUR",
            "--time-zone",
            "Europe/Paris",
        ],
    );
    let client = json(
        d,
        &[
            "client",
            "add",
            "--name",
            "Zoë Øster",
            "--email",
            "zoe@example.com",
        ],
    );
    let client_id = client["id"].as_i64().unwrap().to_string();

    // EUR from flags: a taxed and an untaxed line.
    let eur = json(
        d,
        &[
            "invoice",
            "create",
            "--client",
            &client_id,
            "--line",
            "Cut & colour|2|19.99|20",
            "--line",
            "Hair oil|1.5|33.33|0",
        ],
    );
    assert_eq!(eur["totals"]["subtotal"]["amount"], "89.98");
    assert_eq!(eur["totals"]["tax"]["amount"], "8.00");
    assert_eq!(eur["totals"]["total"]["amount"], "97.98");
    assert_eq!(eur["totals"]["total"]["currency"], "EUR");

    // JPY from a JSON document on stdin, with a discount.
    let doc = format!(
        r#"{{"client_id": {client_id}, "currency": "JPY", "lines": [
            {{"description": "Kimono cleaning", "quantity": "3", "unit_price": "1999", "tax_rate": "10", "discount_percent": "5"}},
            {{"description": "Pressing", "quantity": 1, "unit_price": "500"}}]}}"#
    );
    let jpy = json_in(d, &["invoice", "create", "--input", "-"], Some(&doc));
    assert_eq!(jpy["totals"]["discount"]["amount"], "300");
    assert_eq!(jpy["totals"]["tax"]["amount"], "570");
    assert_eq!(jpy["totals"]["total"]["amount"], "6767");
    assert_eq!(
        jpy["lines"][0]["unit_price"]["amount"], "1999",
        "no decimals on yen"
    );

    // A second process sees the same numbers.
    let eur_id = eur["id"].as_i64().unwrap().to_string();
    let jpy_id = jpy["id"].as_i64().unwrap().to_string();
    let again = json(d, &["invoice", "show", &eur_id]);
    assert_eq!(again["totals"], eur["totals"]);
    assert_eq!(
        json(d, &["invoice", "show", &jpy_id])["totals"],
        jpy["totals"]
    );

    // Finalize, pay in cash, see it paid — each step a separate process.
    let fin = json(d, &["invoice", "finalize", &eur_id]);
    let year = &fin["issue_date"].as_str().unwrap()[..4];
    assert_eq!(fin["number"], format!("INV-{year}-0001"));
    let paid = json(
        d,
        &[
            "invoice", "pay", &eur_id, "--amount", "97.98", "--method", "cash",
        ],
    );
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["amount_due"]["amount"], "0.00");
    let found = json(
        d,
        &["invoice", "list", "--search", "øster", "--status", "paid"],
    );
    assert_eq!(found["total_count"], 1);
}

#[test]
fn bad_input_prints_one_clear_line_exits_1_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(d, &["business", "set", "--currency", "EUR"]);
    let c = json(d, &["client", "add", "--name", "Ana"])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    json(
        d,
        &["invoice", "create", "--client", &c, "--line", "Cut|1|45"],
    );
    let before = count_rows(d);

    let e = json_err(
        d,
        &[
            "invoice",
            "create",
            "--client",
            &c,
            "--line",
            "Cut|1|45.001",
        ],
    );
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "lines[0].unit_price");
    assert_eq!(
        e["message"],
        "Line 1: EUR amounts can have at most 2 decimal places; 45.001 has more."
    );
    let e = json_err(
        d,
        &[
            "invoice",
            "create",
            "--client",
            &c,
            "--currency",
            "XYZ",
            "--line",
            "Cut|1|45",
        ],
    );
    assert_eq!(e["field"], "currency");
    let e = json_err(d, &["client", "add", "--name", "Bo", "--email", "bo@"]);
    assert_eq!(e["field"], "email");
    let e = json_err(d, &["client", "delete", &c]);
    assert_eq!(e["code"], "conflict");
    assert_eq!(count_rows(d), before);
    assert_eq!(json(d, &["client", "list"]).as_array().unwrap().len(), 1);

    // Without --json: one line on stderr, nothing on stdout.
    let out = run(d, &["invoice", "show", "999"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: Invoice 999 doesn't exist (it may have been deleted).\n"
    );

    // A mistyped command line is a usage error (exit 2).
    assert_eq!(
        run(d, &["invoice", "frobnicate"], None).status.code(),
        Some(2)
    );
}

#[test]
fn bookings_clash_in_the_business_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(d, &["business", "set", "--time-zone", "America/New_York"]);
    let c = json(d, &["client", "add", "--name", "Ana"])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let s = json(d, &["staff", "add", "--name", "Bea"])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let svc = json(
        d,
        &[
            "service",
            "add",
            "--name",
            "Cut",
            "--duration",
            "60",
            "--price",
            "40",
        ],
    )["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let b = json(
        d,
        &[
            "booking",
            "add",
            "--client",
            &c,
            "--staff",
            &s,
            "--service",
            &svc,
            "--start",
            "2026-11-24 10:00",
        ],
    );
    assert_eq!(
        b["starts_at"], "2026-11-24T15:00:00Z",
        "10:00 in New York is 15:00 UTC"
    );
    assert_eq!(b["ends_at"], "2026-11-24T16:00:00Z");
    let e = json_err(
        d,
        &[
            "booking",
            "add",
            "--client",
            &c,
            "--staff",
            &s,
            "--service",
            &svc,
            "--start",
            "2026-11-24 10:30",
        ],
    );
    assert_eq!(e["code"], "booking_clash");
    assert_eq!(e["message"], format!("Bea already has a booking from Tue 24 Nov 2026 10:00 to Tue 24 Nov 2026 11:00 (booking {}).", b["id"]));
    let listed = json(
        d,
        &[
            "booking",
            "list",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-24",
        ],
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn backup_writes_a_database_the_cli_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(d, &["client", "add", "--name", "Ana"]);
    let copy = tempfile::tempdir().unwrap();
    let file = copy.path().join("paydesk.sqlite3");
    json(d, &["backup", "--out", file.to_str().unwrap()]);
    let clients = json(copy.path(), &["client", "list"]);
    assert_eq!(clients[0]["name"], "Ana");
}

#[test]
fn a_job_is_billed_as_deposit_and_final_request_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(d, &["business", "set", "--currency", "EUR"]);
    let client = json(d, &["client", "add", "--name", "Łukasz Żółć"]);
    let client = client["id"].to_string();
    let job = json(
        d,
        &[
            "job", "create", "--client", &client, "--title", "Attic", "--total", "2500.01",
            "--tax", "20",
        ],
    );
    let id = job["id"].to_string();
    let deposit = json(d, &["job", "request", &id, "deposit", "--percent", "30"]);
    assert_eq!(deposit["totals"]["subtotal"]["amount"], "750.00");
    assert_eq!(deposit["totals"]["total"]["amount"], "900.00");
    let last = json(d, &["job", "request", &id, "final"]);
    assert_eq!(last["totals"]["subtotal"]["amount"], "1750.01");
    let shown = json(d, &["job", "show", &id]);
    assert_eq!(shown["remaining"]["amount"], "0.00");
    assert_eq!(shown["requests"].as_array().unwrap().len(), 2);
    let err = json_err(d, &["job", "request", &id, "custom", "--amount", "1"]);
    assert_eq!(err["field"], "amount");
}
