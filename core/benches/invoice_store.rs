//! Storage benchmark: 100,000 invoices of 5 lines in a real SQLite file, then listing and searching.
//! Run with `cargo bench -p paydesk-core`. Prints medians (and p95) of repeated runs; set
//! PAYDESK_BENCH_INVOICES to change the size.

// Timings are floats; money never is (the lint stays on everywhere else).
#![allow(clippy::float_arithmetic)]

use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::clock::FixedClock;
use paydesk_core::invoice::{InvoiceInput, InvoiceQuery, InvoiceStatus, LineInput};
use paydesk_core::Paydesk;
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 2_000;
const BATCH: usize = 1_000;

fn input(client_id: i64, n: usize) -> InvoiceInput {
    let lines = (0..5)
        .map(|l| LineInput {
            description: format!("Service {l} for job {n}"),
            quantity: Decimal::new((l as i64 % 3) + 1, 0),
            unit_price: Decimal::new(1999 + (n as i64 % 500) * 7 + l as i64, 2),
            tax_rate: if l % 2 == 0 {
                Decimal::new(20, 0)
            } else {
                Decimal::ZERO
            },
            discount_percent: Decimal::ZERO,
            service_id: None,
        })
        .collect();
    InvoiceInput {
        client_id,
        lines,
        ..Default::default()
    }
}

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    println!(
        "{label:<48} median {:>9.3} ms   p95 {:>9.3} ms   (n={})",
        ms(median),
        ms(p95),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut out = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f(i).await);
        out.push(start.elapsed());
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let total: usize = std::env::var("PAYDESK_BENCH_INVOICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    // PAYDESK_BENCH_DIR keeps the database for a look with sqlite3 afterwards.
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("PAYDESK_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or(dir.path().to_path_buf());
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let app = Paydesk::open_with_clock(&path, clock).await.unwrap();
    app.update_business(BusinessUpdate {
        currency: Some("EUR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let c = app
            .create_client(&ClientInput {
                name: format!("Client {i:04} Øster"),
                ..Default::default()
            })
            .await
            .unwrap();
        clients.push(c.id);
    }

    println!("Paydesk storage benchmark: {total} invoices × 5 lines, {CLIENTS} clients, SQLite WAL file\n");
    let start = Instant::now();
    let mut done = 0;
    while done < total {
        let n = BATCH.min(total - done);
        let batch: Vec<InvoiceInput> = (done..done + n)
            .map(|i| input(clients[i % CLIENTS], i))
            .collect();
        app.import_invoices(&batch).await.unwrap();
        done += n;
    }
    let bulk = start.elapsed();
    println!(
        "{:<48} {:>9.2} s      {:>9.0} invoices/s",
        format!("insert {total} invoices (import, {BATCH}/transaction)"),
        bulk.as_secs_f64(),
        total as f64 / bulk.as_secs_f64()
    );

    // One at a time, as the app does when the owner saves and finalizes.
    let single = time(300, |i| {
        let app = app.clone();
        let c = clients[i % CLIENTS];
        async move {
            let inv = app.create_invoice(&input(c, i)).await.unwrap();
            app.finalize_invoice(inv.id).await.unwrap()
        }
    })
    .await;
    stats("create + finalize one invoice (2 transactions)", single);

    let q = |search: &str, statuses: Vec<InvoiceStatus>, offset: u32| InvoiceQuery {
        search: search.into(),
        statuses,
        limit: Some(50),
        offset: Some(offset),
        ..Default::default()
    };
    let runs = 100;
    let list = |query: InvoiceQuery| {
        let app = app.clone();
        move |_| {
            let app = app.clone();
            let query = query.clone();
            async move { app.invoices(&query).await.unwrap() }
        }
    };
    stats(
        "list first page (50, with total count)",
        time(runs, list(q("", vec![], 0))).await,
    );
    stats(
        "list filtered by status (open)",
        time(runs, list(q("", vec![InvoiceStatus::Open], 0))).await,
    );
    let last = (total as u32).saturating_sub(50);
    stats(
        "list last page (offset ~100k)",
        time(runs, list(q("", vec![], last))).await,
    );
    stats(
        "search client name substring (\"1234 øster\")",
        time(runs, list(q("1234 øster", vec![], 0))).await,
    );
    stats(
        "search invoice number (\"INV-\", matches few)",
        time(runs, list(q("inv-", vec![], 0))).await,
    );
    stats(
        "search with no match",
        time(runs, list(q("zzzz", vec![], 0))).await,
    );
    stats(
        "open one invoice (lines, totals, payments)",
        time(runs, |i| {
            let app = app.clone();
            async move {
                app.invoice(1 + (i as i64 * 997) % total as i64)
                    .await
                    .unwrap()
            }
        })
        .await,
    );
}
