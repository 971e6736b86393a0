//! Events poller benchmark. Run with `scripts/with-keychain.sh cargo bench -p paydesk-core --bench
//! sync` (the Stripe simulator's key goes into a private keychain). Prints:
//!
//! 1. events applied per second into SQLite — objects already fetched, applied in the pass's own
//!    batches (each event with its audit row and the watermark): payments that name no invoice,
//!    and payments that pay an invoice in full (status, totals, activity, pay link);
//! 2. seconds from a client paying on the simulator to the invoice showing Paid while the link is
//!    hot (the background task at its hot pace), p50 and p95;
//! 3. Stripe requests in an idle day with five open invoices on the normal schedule, and the
//!    month that makes.

// Timings are floats; money never is (the lint stays on everywhere else).
#![allow(clippy::float_arithmetic)]

use chrono::{TimeZone, Utc};
use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::clock::FixedClock;
use paydesk_core::invoice::{InvoiceInput, InvoiceStatus, LineInput};
use paydesk_core::ledger::objects::{Event, PaymentIntent};
use paydesk_core::stripe::keychain::{Keychain, Store};
use paydesk_core::stripe::{StripeMode, StripeSettings};
use paydesk_core::sync::fetch::Fetched;
use paydesk_core::sync::schedule::Pace;
use paydesk_core::sync::task::SyncTask;
use paydesk_core::sync::PassOptions;
use paydesk_core::Paydesk;
use rust_decimal::Decimal;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stripe_sim::{Mode, Simulator};

const BATCH: usize = 25;

fn pi(n: usize, amount_units: i64, invoice: Option<i64>) -> PaymentIntent {
    let metadata = match invoice {
        Some(id) => json!({ "paydesk_invoice_id": id.to_string() }),
        None => json!({}),
    };
    serde_json::from_value(json!({
        "id": format!("pi_bench{n}"),
        "amount": amount_units, "amount_received": amount_units, "currency": "eur",
        "status": "succeeded", "created": 1_790_000_000 + n as i64, "metadata": metadata,
        "payment_method_types": ["card"],
        "latest_charge": {
            "id": format!("ch_bench{n}"), "amount": amount_units, "status": "succeeded",
            "receipt_url": "https://pay.stripe.com/receipts/x",
            "payment_method_details": { "type": "card", "card": { "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030 } },
            "balance_transaction": {
                "id": format!("txn_bench{n}"), "amount": amount_units, "fee": 25 + amount_units * 15 / 1000,
                "net": amount_units - 25 - amount_units * 15 / 1000, "currency": "eur", "type": "charge",
                "reporting_category": "charge", "source": format!("ch_bench{n}"),
                "created": 1_790_000_000 + n as i64, "available_on": 1_790_600_000 + n as i64
            }
        }
    }))
    .unwrap()
}

fn event(n: usize) -> Event {
    serde_json::from_value(json!({
        "id": format!("evt_bench{n}"), "type": "payment_intent.succeeded",
        "created": 1_790_000_000 + n as i64,
        "data": { "object": { "id": format!("pi_bench{n}"), "object": "payment_intent" } }
    }))
    .unwrap()
}

async fn shop(dir: &std::path::Path) -> (Paydesk, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let app = Paydesk::open_with_clock(dir, clock.clone()).await.unwrap();
    app.update_business(BusinessUpdate {
        name: Some("Salon Zoë".into()),
        currency: Some("EUR".into()),
        time_zone: Some("Europe/Paris".into()),
        locale: Some("fr-FR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    app.create_client(&ClientInput {
        name: "Zoë Øster".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    (app, clock)
}

fn invoice_input() -> InvoiceInput {
    InvoiceInput {
        client_id: 1,
        lines: vec![LineInput {
            description: "Cut and colour".into(),
            quantity: Decimal::ONE,
            unit_price: Decimal::new(10000, 2),
            tax_rate: Decimal::new(20, 0),
            discount_percent: Decimal::ZERO,
            service_id: None,
        }],
        ..Default::default()
    }
}

async fn apply_rate(app: &Paydesk, label: &str, items: Vec<(Event, Fetched)>) {
    let sync = app.stripe().sync();
    let mut batch_times = Vec::new();
    let start = Instant::now();
    let mut applied = 0;
    for chunk in items.chunks(BATCH) {
        let refs: Vec<(&Event, Fetched)> = chunk.iter().map(|(e, f)| (e, f.clone())).collect();
        let t = Instant::now();
        applied += sync
            .apply_prefetched(StripeMode::Test, &refs)
            .await
            .unwrap();
        batch_times.push(t.elapsed());
    }
    let total = start.elapsed();
    batch_times.sort();
    let per_event_median = batch_times[batch_times.len() / 2].as_secs_f64() / BATCH as f64;
    println!(
        "{label:<52} {applied:>6} events in {:>6.2} s = {:>8.0} events/s (median {:.1} µs/event)",
        total.as_secs_f64(),
        f64::from(applied) / total.as_secs_f64(),
        per_event_median * 1e6
    );
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let keychain_ok = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var("PAYDESK_KEYCHAIN").as_deref() == Ok("keyutils");

    // 1. Events into SQLite.
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = shop(dir.path()).await;
    let unmatched: Vec<(Event, Fetched)> = (0..20_000)
        .map(|n| {
            (
                event(n),
                Fetched::Payment {
                    pi: Box::new(pi(n, 4_500, None)),
                    session: None,
                },
            )
        })
        .collect();
    apply_rate(
        &app,
        "payments naming no invoice (kept as unmatched)",
        unmatched,
    )
    .await;
    let drafts = app
        .import_invoices(&vec![invoice_input(); 5_000])
        .await
        .unwrap();
    for id in &drafts {
        app.finalize_invoice(*id).await.unwrap();
    }
    let paying: Vec<(Event, Fetched)> = drafts
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = 100_000 + i;
            (
                event(n),
                Fetched::Payment {
                    pi: Box::new(pi(n, 12_000, Some(*id))),
                    session: None,
                },
            )
        })
        .collect();
    apply_rate(&app, "payments paying an invoice in full", paying.clone()).await;
    let paid = app.invoice(drafts[4_999]).await.unwrap();
    assert_eq!(paid.status, InvoiceStatus::Paid);
    apply_rate(
        &app,
        "the same events again (all duplicates, skipped)",
        paying,
    )
    .await;

    if !keychain_ok {
        println!("(latency and reads skipped: run under scripts/with-keychain.sh)");
        return;
    }
    let service = format!("paydesk-bench-{}", std::process::id());
    let store = match std::env::var("PAYDESK_KEYCHAIN").as_deref() {
        Ok("keyutils") => Store::Keyutils,
        _ => Store::SecretService,
    };

    // 2. Payment → Paid while hot.
    let sim = Simulator::start().await;
    let settings = StripeSettings {
        api_base: sim.base_url(),
        keychain: Keychain::new(service.clone(), store),
        ..StripeSettings::from_env()
    };
    let dir = tempfile::tempdir().unwrap();
    let app = Paydesk::open(dir.path()).await.unwrap();
    app.update_business(BusinessUpdate {
        currency: Some("EUR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    app.create_client(&ClientInput {
        name: "Zoë Øster".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let stripe = app.stripe_with(settings.clone());
    stripe
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap();
    let task = SyncTask::spawn_for(stripe.sync(), Pace::default(), |_| {});
    let mut latencies = Vec::new();
    for i in 0..20u64 {
        let draft = app.create_invoice(&invoice_input()).await.unwrap();
        let id = app.finalize_invoice(draft.id).await.unwrap().id;
        let link = stripe.pay_links().sync(id).await.unwrap().unwrap();
        task.hot();
        // Pay at a point of the 3 s cycle that varies from run to run.
        tokio::time::sleep(Duration::from_millis(700 + (i * 457) % 3000)).await;
        sim.pay_link(link.url.as_deref().unwrap(), "4242424242424242", None)
            .unwrap();
        let paid_at = Instant::now();
        while app.invoice(id).await.unwrap().status != InvoiceStatus::Paid {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        latencies.push(paid_at.elapsed());
    }
    task.shutdown().await;
    latencies.sort();
    println!(
        "payment on the simulator → invoice Paid, link hot     p50 {:.2} s   p95 {:.2} s   (n={})",
        percentile(&latencies, 50).as_secs_f64(),
        percentile(&latencies, 95).as_secs_f64(),
        latencies.len()
    );

    // 3. Reads in an idle day with five open invoices.
    let sim = Simulator::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = shop(dir.path()).await;
    let stripe = app.stripe_with(StripeSettings {
        api_base: sim.base_url(),
        ..settings.clone()
    });
    stripe
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap();
    for _ in 0..5 {
        let draft = app.create_invoice(&invoice_input()).await.unwrap();
        let id = app.finalize_invoice(draft.id).await.unwrap().id;
        stripe.pay_links().sync(id).await.unwrap();
    }
    let pace = Pace::default();
    stripe.sync().pass(PassOptions::default()).await.unwrap();
    sim.reset_request_counts();
    let mut elapsed = Duration::ZERO;
    while elapsed < Duration::from_secs(86_400) {
        clock.advance(chrono::Duration::from_std(pace.open).unwrap());
        elapsed += pace.open;
        stripe.sync().pass(PassOptions::default()).await.unwrap();
    }
    let reads: u64 = sim.request_counts().values().sum();
    println!(
        "Stripe requests in an idle day, 5 open invoices         {reads} a day ≈ {} a month (30 days)",
        reads * 30
    );
    for mode in [StripeMode::Test] {
        let _ = settings.keychain.delete(mode).await;
    }
}
