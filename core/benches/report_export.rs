//! Export benchmark: 1,000,000 payments to CSV through `paydesk report`'s code path, against the
//! `sqlite3` shell dumping the very same query with `-csv` (the floor: SQLite's own C printing
//! rows). Run with `cargo bench -p paydesk-core --bench report_export` (needs Debian's sqlite3).
//! Prints medians of 3 runs of each, the ratio, and the export's peak memory: the export runs in a
//! child process of this binary, which reports its own peak resident set (VmHWM).

// Timings are floats; money never is (the lint stays on everywhere else).
#![allow(clippy::float_arithmetic)]

use chrono::NaiveDate;
use paydesk_core::report::{payments, ExportFormat, ReportKind, ReportRequest};
use paydesk_core::Paydesk;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const ROWS: i64 = 1_000_000;
const RUNS: usize = 3;

fn range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    )
}

async fn seed(dir: &Path) {
    let app = Paydesk::open(dir).await.unwrap();
    let pool = app.database().pool();
    let now = "'2026-01-01T00:00:00Z'";
    let numbers =
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})");
    for sql in [
        format!(
            "INSERT INTO clients (id, name, name_folded, created_at, updated_at)
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             SELECT i, 'Client ' || i || ', Zoë', 'client ' || i, {now}, {now} FROM n"
        ),
        format!(
            "INSERT INTO invoices (id, number, client_id, currency, issue_date, due_date, state,
                                   total_minor, status, created_at, updated_at)
             {numbers}
             SELECT i, 'INV-2026-' || i, 1 + i % 2000, 'EUR', date('2026-01-01', '+' || (i % 365) || ' days'),
                    date('2026-01-01', '+' || (i % 365) || ' days'), 'open', 1000 + i % 50000, 'paid', {now}, {now}
             FROM n"
        ),
        format!(
            "INSERT INTO payments (id, invoice_id, amount_minor, currency, method, received_on, reference, created_at)
             SELECT id, id, total_minor, 'EUR', CASE id % 2 WHEN 0 THEN 'card' ELSE 'cash' END, issue_date,
                    CASE id % 2 WHEN 0 THEN 'Stripe visa •••• 4242' ELSE '' END, {now}
             FROM invoices"
        ),
        format!(
            "INSERT INTO stripe_payments (mode, payment_intent, invoice_id, payment_id, status, amount_minor,
                                          currency, fee_minor, net_minor, method_type, card_brand, card_last4,
                                          charge_id, balance_transaction, stripe_created, updated_at)
             SELECT 'live', 'pi_3Q' || id, id, id, 'succeeded', amount_minor, 'EUR',
                    25 + amount_minor * 15 / 1000, amount_minor - 25 - amount_minor * 15 / 1000, 'card', 'visa',
                    '4242', 'ch_3Q' || id, 'txn_3Q' || id, 1767225600 + id, {now}
             FROM payments WHERE id % 2 = 0"
        ),
        "ANALYZE".to_string(),
    ] {
        sqlx::query(&sql).execute(pool).await.unwrap();
    }
    pool.close().await;
}

/// The child: one export, then its peak memory on stdout.
async fn export_once(dir: &Path, out: &Path) {
    let app = Paydesk::open(dir).await.unwrap();
    let (from, to) = range();
    let req = ReportRequest {
        kind: ReportKind::Payments,
        from,
        to,
        currency: None,
    };
    let summary = app
        .export_report_to_file(&req, ExportFormat::Csv, false, out, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(summary.rows, ROWS as u64);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap_or("?")
        .trim()
        .to_string();
    println!("{peak}");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if args.get(1).map(String::as_str) == Some("--export-once") {
        rt.block_on(export_once(Path::new(&args[2]), Path::new(&args[3])));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    rt.block_on(seed(dir.path()));
    println!(
        "seeded {ROWS} payments (half through Stripe) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let db = dir.path().join("paydesk.sqlite3");
    let (from, to) = range();
    let sqlite_out = dir.path().join("sqlite3.csv");
    let paydesk_out = dir.path().join("paydesk.csv");
    let mut sqlite_times = Vec::new();
    let mut paydesk_times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let file = std::fs::File::create(&sqlite_out).unwrap();
        let status = Command::new("sqlite3")
            .arg("-csv")
            .arg("-header")
            .arg(&db)
            .arg(".parameter init")
            .arg(format!(".parameter set ?1 \"'{from}'\""))
            .arg(format!(".parameter set ?2 \"'{to}'\""))
            .arg(".parameter set ?3 NULL")
            .arg(payments::main_sql().replace('\n', " "))
            .stdout(file)
            .status()
            .expect("sqlite3 (Debian package sqlite3)");
        assert!(status.success(), "sqlite3: {status:?}");
        sqlite_times.push(t.elapsed());

        let t = Instant::now();
        let out = Command::new(std::env::current_exe().unwrap())
            .arg("--export-once")
            .arg(dir.path())
            .arg(&paydesk_out)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        paydesk_times.push(t.elapsed());
        peaks.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let lines = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count();
    assert_eq!(
        lines(&sqlite_out),
        lines(&paydesk_out),
        "both wrote the header and every row"
    );
    let (s, p) = (median(sqlite_times.clone()), median(paydesk_times.clone()));
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    println!(
        "sqlite3 -csv: median {:.2} s ({:?}), {:.0} MB",
        s.as_secs_f64(),
        sqlite_times,
        size(&sqlite_out)
    );
    println!(
        "paydesk export (process start, open, query, format, write): median {:.2} s ({:?}), {:.0} MB",
        p.as_secs_f64(),
        paydesk_times,
        size(&paydesk_out)
    );
    println!(
        "ratio paydesk / sqlite3: {:.2}×",
        p.as_secs_f64() / s.as_secs_f64()
    );
    println!(
        "rows per second (paydesk): {:.0}",
        ROWS as f64 / p.as_secs_f64()
    );
    println!("peak memory of the export process (VmHWM), per run: {peaks:?}");
}
