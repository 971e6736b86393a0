//! `paydesk report` from the command line, read back by the tools a bookkeeper uses: Python's csv
//! module and a spreadsheet (pandas → .xlsx via openpyxl, opened again). Formula-looking names stay
//! text, amounts stay numbers, accents survive, the byte-order mark is there when asked for.
//! Needs the venv scripts/python-tools.sh makes (target/py-venv, or PAYDESK_PY_VENV).

use std::path::{Path, PathBuf};
use std::process::Command;

use paydesk_system_tests::{ok, paydesk};
use serde_json::Value;

fn cli(dir: &Path, args: &[&str]) -> Value {
    ok(paydesk(dir, &[], args, ""))
}

fn python() -> PathBuf {
    let venv = std::env::var_os("PAYDESK_PY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py-venv"));
    let py = venv.join("bin/python");
    assert!(
        py.exists(),
        "{} is missing: run scripts/python-tools.sh (the README's test command does)",
        py.display()
    );
    py
}

fn read_back(csv: &Path, xlsx: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("py/read_report.py");
    let out = Command::new(python())
        .arg(script)
        .arg(csv)
        .arg(xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "read_report.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A client, an invoice of one line, finalized, paid in cash on `date`.
fn paid_invoice(dir: &Path, client: &str, price: &str, date: &str) -> String {
    // `--name=…` so a name that starts with a dash stays a value.
    let c = cli(dir, &["client", "add", &format!("--name={client}")]);
    let id = c["id"].as_i64().unwrap().to_string();
    let inv = cli(
        dir,
        &[
            "invoice",
            "create",
            "--client",
            &id,
            "--issue-date",
            "2026-11-02",
            "--line",
            &format!("Appointment|1|{price}|0"),
        ],
    );
    let inv_id = inv["id"].as_i64().unwrap().to_string();
    let fin = cli(dir, &["invoice", "finalize", &inv_id]);
    cli(
        dir,
        &["invoice", "pay", &inv_id, "--amount", price, "--date", date],
    );
    fin["number"].as_str().unwrap().to_string()
}

#[test]
fn a_csv_export_reads_back_in_python_and_a_spreadsheet_with_formulas_kept_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(
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
    let names = [
        ("Zoë Øster", "120.00", "2026-11-03"),
        ("=1+2", "45.50", "2026-11-04"),
        ("@SUM(A1:A9)", "0.10", "2026-11-05"),
        ("-2+3", "10.00", "2026-11-06"),
        ("Núñez, José \"Pepe\"", "99.99", "2026-11-07"),
    ];
    let numbers: Vec<String> = names
        .iter()
        .map(|(n, p, day)| paid_invoice(d, n, p, day))
        .collect();
    // Outside the range: not exported.
    paid_invoice(d, "Łukasz Żółć", "5.00", "2026-12-01");

    let csv = d.join("payments.csv");
    let summary = cli(
        d,
        &[
            "report",
            "payments",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "csv",
            "--bom",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(summary["rows"], 5);
    assert_eq!(summary["bytes"], std::fs::metadata(&csv).unwrap().len());
    let gross = summary["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "Gross")
        .unwrap();
    assert_eq!(gross["amount"]["amount"], "275.59");

    let seen = read_back(&csv, &d.join("payments.xlsx"));
    assert_eq!(seen["bom"], true);
    let rows = seen["csv"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "header and five payments");
    assert_eq!(rows[0][0], "Date");
    assert_eq!(rows[0][6], "Gross");
    for (i, (name, price, day)) in names.iter().enumerate() {
        let row = &rows[i + 1];
        assert_eq!(row[0], *day);
        let shown = row[1].as_str().unwrap();
        // Text that a spreadsheet would run as a formula carries a leading apostrophe.
        let guarded = name.starts_with(['=', '+', '-', '@']);
        assert_eq!(
            shown,
            if guarded {
                format!("'{name}")
            } else {
                name.to_string()
            }
        );
        assert_eq!(row[2], numbers[i].as_str());
        assert_eq!(row[6], *price);
        assert_eq!(row[9], *price, "net = gross when no fees");
        assert_eq!(row[11], "EUR");
    }

    // In the spreadsheet: names are text (type "s"), never formulas ("f"); amounts are numbers.
    let xlsx = seen["xlsx"].as_array().unwrap();
    for (i, (name, price, _)) in names.iter().enumerate() {
        let row = xlsx[i + 1].as_array().unwrap();
        assert_eq!(row[1]["type"], "s", "{name} became {:?}", row[1]);
        assert!(row[1]["value"].as_str().unwrap().ends_with(name));
        assert_eq!(row[6]["type"], "n", "{price} is a number");
        assert_eq!(row[6]["value"], *price);
    }
    assert_eq!(seen["gross_sum"], "275.59");

    // To stdout, as JSON: the same five payments, amounts as exact strings.
    let out = paydesk(
        d,
        &[],
        &[
            "report",
            "payments",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "json",
        ],
        "",
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert_eq!(rows[4]["gross"], "99.99");
    assert_eq!(rows[4]["client"], "Núñez, José \"Pepe\"");
}

#[test]
fn bad_report_requests_exit_1_with_a_clear_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out_file = d.join("aging.csv");
    let out = paydesk(
        d,
        &[],
        &[
            "report",
            "aging",
            "--format",
            "xero",
            "--out",
            out_file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["field"], "format");
    assert!(!out_file.exists());
    let out = paydesk(
        d,
        &[],
        &[
            "report",
            "payments",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-01",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        err["error"]["message"],
        "The end date is before the start date."
    );
    let out = paydesk(d, &[], &["report", "payments", "--from", "November"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a date that isn't one is a usage error"
    );
}
