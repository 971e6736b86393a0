use chrono::{DateTime, TimeZone, Utc};
use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::clock::FixedClock;
use paydesk_core::invoice::{InvoiceInput, LineInput};
use paydesk_core::Paydesk;
use rust_decimal::Decimal;
use std::sync::Arc;
use tempfile::TempDir;

pub struct TestApp {
    pub app: Paydesk,
    pub clock: Arc<FixedClock>,
    pub dir: TempDir,
}

pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

/// A fresh data folder with a business in Paris that invoices in euros.
pub async fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(monday_morning()));
    let app = Paydesk::open_with_clock(dir.path(), clock.clone())
        .await
        .unwrap();
    app.update_business(BusinessUpdate {
        name: Some("Salon Zoë".into()),
        currency: Some("EUR".into()),
        time_zone: Some("Europe/Paris".into()),
        locale: Some("fr-FR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    TestApp { app, clock, dir }
}

pub async fn client(app: &Paydesk, name: &str) -> i64 {
    app.create_client(&ClientInput {
        name: name.into(),
        ..Default::default()
    })
    .await
    .unwrap()
    .id
}

pub fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub fn line(description: &str, quantity: &str, unit_price: &str, tax_rate: &str) -> LineInput {
    LineInput {
        description: description.into(),
        quantity: d(quantity),
        unit_price: d(unit_price),
        tax_rate: d(tax_rate),
        discount_percent: Decimal::ZERO,
        service_id: None,
    }
}

pub fn invoice_input(client_id: i64, lines: Vec<LineInput>) -> InvoiceInput {
    InvoiceInput {
        client_id,
        lines,
        ..Default::default()
    }
}

/// Every row of every table, as text: two equal snapshots mean nothing was written.
pub async fn snapshot(app: &Paydesk) -> String {
    let pool = app.database().pool();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = String::new();
    for (table,) in tables {
        let cols: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(pool)
            .await
            .unwrap();
        let expr = cols
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join("||'|'||");
        let rows: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT {expr} FROM \"{table}\" ORDER BY rowid"))
                .fetch_all(pool)
                .await
                .unwrap();
        out.push_str(&format!("[{table}]\n"));
        for (r,) in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    out
}
