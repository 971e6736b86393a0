//! The tie-out: three simulated months of a shop taking card payments in two currencies through
//! Stripe (the simulator), with partial and full refunds from the Dashboard and from Paydesk, a
//! lost and a won dispute, and monthly payouts. Paydesk learns all of it only by polling, then its
//! reports must tie out to the cent with Stripe's own balance, per currency and per month:
//!
//!   payments − refunds − fees − dispute losses = payouts + change in balance
//!
//! Run under scripts/with-keychain.sh (the Stripe key lives in the keychain).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Europe::Paris;
use paydesk_core::invoice::InvoiceInput;
use paydesk_core::payment::RefundInput;
use paydesk_core::report::{ExportFormat, ReportKind, ReportRequest};
use paydesk_core::stripe::client::{Method, Repeat};
use paydesk_core::stripe::StripeMode;
use paydesk_core::sync::PassOptions;
use paydesk_core::Paydesk;
use rust_decimal::Decimal;
use serde_json::Value;
use stripe_sim::Mode;

use crate::pay_links::{shop, Shop};
use crate::support::{client, d, line};

const VISA: &str = "4242424242424242";

/// Per currency code: an exact amount.
type PerCurrency = BTreeMap<String, Decimal>;

impl Shop {
    async fn get(&self, path: &str) -> Value {
        let client = self.stripe().client(StripeMode::Test).await.unwrap();
        client
            .json(Method::GET, path, None, Repeat::Safe, "t")
            .await
            .unwrap()
    }

    /// Stripe's balance (available + pending), per currency, as decimal amounts.
    async fn stripe_balance(&self) -> PerCurrency {
        let b = self.get("/balance").await;
        let mut out = PerCurrency::new();
        for part in ["available", "pending"] {
            for e in b[part].as_array().unwrap() {
                let code = e["currency"].as_str().unwrap().to_uppercase();
                let units = Decimal::from(e["amount"].as_i64().unwrap());
                // EUR and USD: two decimals at Stripe too.
                *out.entry(code).or_default() += units / Decimal::from(100);
            }
        }
        out
    }

    /// A sent invoice in `currency` with its pay link; returns (invoice id, link URL).
    async fn sent_with_link(&self, who: &str, currency: &str, amount: &str) -> (i64, String) {
        let c = client(&self.t.app, who).await;
        let draft = self
            .t
            .app
            .create_invoice(&InvoiceInput {
                client_id: c,
                currency: Some(currency.into()),
                lines: vec![line("Appointment", "1", amount, "0")],
                ..Default::default()
            })
            .await
            .unwrap();
        let id = self.t.app.finalize_invoice(draft.id).await.unwrap().id;
        let link = self.stripe().pay_links().sync(id).await.unwrap().unwrap();
        (id, link.url.unwrap())
    }

    /// Pays a link by card; returns (payment intent, charge).
    async fn pay_card(&self, url: &str) -> (String, String) {
        let cs = self.sim.pay_link(url, VISA, None).unwrap();
        let pi_id = cs["payment_intent"].as_str().unwrap().to_string();
        let pi = self.get(&format!("/payment_intents/{pi_id}")).await;
        (pi_id, pi["latest_charge"].as_str().unwrap().to_string())
    }

    async fn sync_all(&self) {
        let r = self
            .pass_with(PassOptions {
                sweep: true,
                ..PassOptions::default()
            })
            .await;
        assert!(r.error.is_none(), "{r:?}");
    }

    /// Moves both clocks to `day` at 10:00 in Paris.
    fn go_to(&self, day: NaiveDate) {
        let target = Paris
            .from_local_datetime(&day.and_hms_opt(10, 0, 0).unwrap())
            .unwrap()
            .timestamp();
        let now = self.sim.now();
        assert!(target > now, "time only moves forward");
        self.advance(target - now);
    }
}

async fn report(app: &Paydesk, kind: ReportKind, from: NaiveDate, to: NaiveDate) -> Vec<Value> {
    let mut out = Vec::new();
    app.export_report(
        &ReportRequest {
            kind,
            from,
            to,
            currency: None,
        },
        ExportFormat::Json,
        false,
        &mut out,
        &mut |_| {},
    )
    .await
    .unwrap();
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn amount(row: &Value, key: &str) -> Decimal {
    row[key].as_str().unwrap_or("0").parse().unwrap()
}

fn add(to: &mut PerCurrency, row: &Value, key: &str) {
    let code = row["currency"].as_str().unwrap().to_string();
    *to.entry(code).or_default() += amount(row, key);
}

/// Both sides of the tie-out for a range, per currency, from Paydesk's reports alone.
async fn sides(app: &Paydesk, from: NaiveDate, to: NaiveDate) -> (PerCurrency, PerCurrency) {
    let mut payments = PerCurrency::new();
    let mut refunds = PerCurrency::new();
    let mut fees = PerCurrency::new();
    let mut dispute_losses = PerCurrency::new();
    let mut payouts = PerCurrency::new();
    for row in report(app, ReportKind::Payments, from, to).await {
        if row["via"] == "Stripe" {
            add(&mut payments, &row, "gross");
            add(&mut fees, &row, "stripe_fee");
        }
    }
    for row in report(app, ReportKind::Refunds, from, to).await {
        add(&mut fees, &row, "fee");
        match row["type"].as_str().unwrap() {
            "Refund" => add(&mut refunds, &row, "amount"),
            "Dispute withdrawal" => add(&mut dispute_losses, &row, "amount"),
            "Dispute reversal" => {
                let code = row["currency"].as_str().unwrap().to_string();
                *dispute_losses.entry(code).or_default() -= amount(&row, "amount");
            }
            other => panic!("unexpected row type {other}"),
        }
    }
    let mut seen = std::collections::HashSet::new();
    for row in report(app, ReportKind::Payouts, from, to).await {
        if seen.insert(row["payout"].as_str().unwrap().to_string()) {
            add(&mut payouts, &row, "payout_amount");
        }
    }
    let mut left = PerCurrency::new();
    for (code, g) in &payments {
        let v = *g
            - refunds.get(code).copied().unwrap_or_default()
            - fees.get(code).copied().unwrap_or_default()
            - dispute_losses.get(code).copied().unwrap_or_default();
        left.insert(code.clone(), v);
    }
    (left, payouts)
}

fn change(before: &PerCurrency, after: &PerCurrency, code: &str) -> Decimal {
    after.get(code).copied().unwrap_or_default() - before.get(code).copied().unwrap_or_default()
}

#[tokio::test]
async fn three_months_of_payments_refunds_disputes_and_payouts_tie_out_to_the_cent() {
    let Some(shop) = shop().await else { return };
    shop.align_clocks();
    let today = chrono::DateTime::from_timestamp(shop.sim.now(), 0)
        .unwrap()
        .with_timezone(&Paris)
        .date_naive();
    let first = today.with_day(1).unwrap() + chrono::Months::new(1);
    shop.go_to(first);
    let mut balances = vec![shop.stripe_balance().await];
    let mut months = Vec::new();

    for m in 0..3u32 {
        let start = first + chrono::Months::new(m);
        let on = |day: u32| start.with_day(day).unwrap();
        shop.go_to(on(2));
        let (_, a) = shop.sent_with_link("Zoë Øster", "EUR", "113.98").await;
        let (_, b) = shop.sent_with_link("José Núñez", "EUR", "80.00").await;
        let (_, c) = shop.sent_with_link("Łukasz Żółć", "USD", "250.00").await;
        let (pi_a, _) = shop.pay_card(&a).await;
        let (_, ch_b) = shop.pay_card(&b).await;
        let (pi_c, _) = shop.pay_card(&c).await;
        shop.sync_all().await;

        shop.go_to(on(5));
        match m {
            0 => {
                // A partial refund in the Stripe Dashboard.
                shop.post("/refunds", &format!("payment_intent={pi_a}&amount=2000"))
                    .await;
            }
            1 => {
                // A dispute that is lost; a full refund from Paydesk in dollars.
                let dp = shop.sim.dispute_charge(&ch_b, "fraudulent").unwrap();
                shop.sync_all().await;
                shop.go_to(on(8));
                shop.sim
                    .close_dispute(dp["id"].as_str().unwrap(), false)
                    .unwrap();
                let sp = shop.t.app.unmatched_stripe_payments().await.unwrap();
                assert!(sp.is_empty());
                let usd = pay_id_of(&shop.t.app, &pi_c).await;
                shop.stripe()
                    .refund(
                        usd,
                        &RefundInput {
                            amount: None,
                            reason: "Cancelled".into(),
                            refunded_on: None,
                        },
                    )
                    .await
                    .unwrap();
            }
            _ => {
                // A partial refund from Paydesk, and a dispute that is won.
                let eur = pay_id_of(&shop.t.app, &pi_a).await;
                shop.stripe()
                    .refund(
                        eur,
                        &RefundInput {
                            amount: Some(d("13.98")),
                            reason: String::new(),
                            refunded_on: None,
                        },
                    )
                    .await
                    .unwrap();
                let dp = shop
                    .sim
                    .dispute_charge(&ch_b, "product_not_received")
                    .unwrap();
                shop.sync_all().await;
                shop.go_to(on(9));
                shop.sim
                    .close_dispute(dp["id"].as_str().unwrap(), true)
                    .unwrap();
            }
        }
        shop.sync_all().await;

        // Payouts on the 20th, arriving on the 22nd — but not in the last month, so money is
        // left in the balance at the end.
        shop.go_to(on(20));
        if m < 2 {
            let paid = shop.sim.run_payouts(Mode::Test);
            assert!(!paid.is_empty());
        }
        shop.sync_all().await;
        let end = start + chrono::Months::new(1) - chrono::Days::new(1);
        shop.go_to(end);
        shop.sync_all().await;
        balances.push(shop.stripe_balance().await);
        months.push((start, end));
    }

    let mut checked = 0;
    let mut check = |label: &str,
                     left: &PerCurrency,
                     payouts: &PerCurrency,
                     before: &PerCurrency,
                     after: &PerCurrency| {
        assert_eq!(left.len(), 2, "{label}: EUR and USD payments: {left:?}");
        for (code, l) in left {
            let right =
                payouts.get(code).copied().unwrap_or_default() + change(before, after, code);
            assert_eq!(*l, right, "{label} {code}: payments − refunds − fees − dispute losses ≠ payouts + change in balance");
            checked += 1;
        }
    };
    for (i, (start, end)) in months.iter().enumerate() {
        let (left, payouts) = sides(&shop.t.app, *start, *end).await;
        check(
            &format!("month {}", i + 1),
            &left,
            &payouts,
            &balances[i],
            &balances[i + 1],
        );
    }
    let (left, payouts) = sides(&shop.t.app, months[0].0, months[2].1).await;
    check(
        "all three months",
        &left,
        &payouts,
        &balances[0],
        &balances[3],
    );
    assert_eq!(checked, 8);
    // Money was left at Stripe at the end, so "change in balance" was really tested.
    assert!(change(&balances[0], &balances[3], "EUR") > Decimal::ZERO);
    assert!(payouts["EUR"] > Decimal::ZERO && payouts["USD"] > Decimal::ZERO);

    // Each payout's itemised members add up to it exactly.
    let mut per_payout: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for row in report(&shop.t.app, ReportKind::Payouts, months[0].0, months[2].1).await {
        let e = per_payout
            .entry(row["payout"].as_str().unwrap().to_string())
            .or_default();
        e.0 = amount(&row, "payout_amount");
        e.1 += amount(&row, "net");
        assert!(row["balance_transaction"].is_string(), "itemised: {row}");
    }
    let at_stripe = shop.get("/payouts").await;
    assert_eq!(
        per_payout.len(),
        at_stripe["data"].as_array().unwrap().len(),
        "every payout, once"
    );
    assert!(
        per_payout.len() >= 3,
        "EUR in both months, USD at least once"
    );
    for (po, (amount, members)) in per_payout {
        assert_eq!(amount, members, "{po}");
    }
}

/// The Paydesk payment a PaymentIntent became.
async fn pay_id_of(app: &Paydesk, pi: &str) -> i64 {
    let (id,): (i64,) =
        sqlx::query_as("SELECT payment_id FROM stripe_payments WHERE payment_intent = ?")
            .bind(pi)
            .fetch_one(app.database().pool())
            .await
            .unwrap();
    id
}
