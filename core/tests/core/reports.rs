//! The bookkeeper's reports on a real database, without Stripe: payments and refunds recorded by
//! hand, aging buckets, revenue by month, service and staff, one currency at a time, and the
//! export formats byte for byte.

use chrono::{NaiveDate, TimeZone, Utc};
use paydesk_core::booking::BookingInput;
use paydesk_core::invoice::InvoiceInput;
use paydesk_core::payment::{PaymentInput, PaymentMethod, RefundInput};
use paydesk_core::report::{ExportFormat, ReportKind, ReportRequest};
use paydesk_core::service::ServiceInput;
use paydesk_core::staff::StaffInput;
use paydesk_core::Paydesk;
use serde_json::Value;

use crate::support::{app, client, d, line, TestApp};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn req(kind: ReportKind, from: &str, to: &str) -> ReportRequest {
    ReportRequest {
        kind,
        from: day(from),
        to: day(to),
        currency: None,
    }
}

async fn export(app: &Paydesk, r: &ReportRequest, format: ExportFormat, bom: bool) -> String {
    let mut out = Vec::new();
    let summary = app
        .export_report(r, format, bom, &mut out, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(summary.bytes as usize, out.len());
    String::from_utf8(out).unwrap()
}

async fn json_rows(app: &Paydesk, r: &ReportRequest) -> Vec<Value> {
    let text = export(app, r, ExportFormat::Json, false).await;
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// An invoice issued on `issue`, due `due`, finalized.
async fn invoice(
    t: &TestApp,
    client_id: i64,
    currency: &str,
    issue: &str,
    due: &str,
    lines: Vec<paydesk_core::invoice::LineInput>,
    booking_id: Option<i64>,
) -> i64 {
    let draft = t
        .app
        .create_invoice(&InvoiceInput {
            client_id,
            currency: Some(currency.into()),
            issue_date: Some(day(issue)),
            due_date: Some(day(due)),
            lines,
            booking_id,
            ..Default::default()
        })
        .await
        .unwrap();
    t.app.finalize_invoice(draft.id).await.unwrap().id
}

async fn pay(t: &TestApp, invoice: i64, amount: &str, on: &str, method: PaymentMethod) -> i64 {
    t.app
        .record_payment(
            invoice,
            &PaymentInput {
                amount: d(amount),
                method,
                received_on: Some(day(on)),
                reference: String::new(),
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn payments_csv_is_rfc_4180_with_formula_text_guarded_and_totals_per_currency() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let evil = client(&t.app, "=HYPERLINK(\"http://x\",\"pay\")").await;
    let comma = client(&t.app, "Núñez, José").await;
    let a = invoice(
        &t,
        zoe,
        "EUR",
        "2026-11-02",
        "2026-11-16",
        vec![line("Cut", "1", "45.50", "0")],
        None,
    )
    .await;
    let b = invoice(
        &t,
        evil,
        "EUR",
        "2026-11-03",
        "2026-11-17",
        vec![line("Colour", "1", "80.00", "0")],
        None,
    )
    .await;
    let c = invoice(
        &t,
        comma,
        "JPY",
        "2026-11-04",
        "2026-11-18",
        vec![line("Kimono fitting", "1", "12000", "0")],
        None,
    )
    .await;
    let pa = pay(&t, a, "45.50", "2026-11-05", PaymentMethod::Cash).await;
    pay(&t, b, "30.00", "2026-11-06", PaymentMethod::BankTransfer).await;
    pay(&t, c, "12000", "2026-11-07", PaymentMethod::Card).await;
    // Received the day before the range: not in it.
    let old = invoice(
        &t,
        zoe,
        "EUR",
        "2026-10-01",
        "2026-10-15",
        vec![line("Trim", "1", "10.00", "0")],
        None,
    )
    .await;
    pay(&t, old, "10.00", "2026-10-31", PaymentMethod::Cash).await;
    t.app
        .refund_payment(
            pa,
            &RefundInput {
                amount: Some(d("5.50")),
                reason: "-cancelled".into(),
                refunded_on: Some(day("2026-11-08")),
            },
        )
        .await
        .unwrap();

    let r = req(ReportKind::Payments, "2026-11-01", "2026-11-30");
    let csv = export(&t.app, &r, ExportFormat::Csv, false).await;
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Date,Client,Invoice,Method,Reference,Via,Gross,Stripe fee,Other fees,Net,Refunded,Currency,Status,Stripe payment,Stripe charge,Stripe balance transaction"
    );
    assert_eq!(
        lines[1],
        "2026-11-05,Zoë Øster,INV-2026-0001,cash,,Recorded,45.50,0.00,0.00,45.50,5.50,EUR,Partially refunded,,,"
    );
    assert_eq!(
        lines[2],
        "2026-11-06,\"'=HYPERLINK(\"\"http://x\"\",\"\"pay\"\")\",INV-2026-0002,bank_transfer,,Recorded,30.00,0.00,0.00,30.00,0.00,EUR,Paid,,,"
    );
    assert_eq!(
        lines[3],
        "2026-11-07,\"Núñez, José\",INV-2026-0003,card,,Recorded,12000,0,0,12000,0,JPY,Paid,,,"
    );
    assert_eq!(lines.len(), 5, "3 rows and the last CRLF: {csv}");
    assert_eq!(lines[4], "");

    let bom = export(&t.app, &r, ExportFormat::Csv, true).await;
    assert!(bom.starts_with('\u{feff}'));
    assert_eq!(&bom['\u{feff}'.len_utf8()..], csv);

    let preview = t.app.report_preview(&r, 2).await.unwrap();
    assert_eq!(preview.row_count, 3);
    assert_eq!(preview.rows.len(), 2);
    assert_eq!(
        preview.rows[1][1], "=HYPERLINK(\"http://x\",\"pay\")",
        "the screen shows text as it is"
    );
    let totals: Vec<String> = preview
        .totals
        .iter()
        .map(|t| format!("{} {} {}", t.label, t.amount.amount(), t.amount.currency()))
        .collect();
    assert_eq!(
        totals,
        [
            "Gross 75.50 EUR",
            "Stripe fees 0.00 EUR",
            "Other fees 0.00 EUR",
            "Net 75.50 EUR",
            "Refunded 5.50 EUR",
            "Gross 12000 JPY",
            "Stripe fees 0 JPY",
            "Other fees 0 JPY",
            "Net 12000 JPY",
            "Refunded 0 JPY",
        ]
    );

    // One currency only, and JSON keeps amounts exact as strings.
    let mut jpy = r.clone();
    jpy.currency = Some("jpy".into());
    let rows = json_rows(&t.app, &jpy).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["gross"], "12000");
    assert_eq!(rows[0]["client"], "Núñez, José");
    assert_eq!(rows[0]["date"], "2026-11-07");
    assert_eq!(rows[0]["payment_intent"], Value::Null);
}

#[tokio::test]
async fn bank_statements_follow_the_quickbooks_and_xero_layouts_in_one_currency() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let a = invoice(
        &t,
        zoe,
        "EUR",
        "2026-11-02",
        "2026-11-16",
        vec![line("Cut", "1", "45.50", "0")],
        None,
    )
    .await;
    let usd = invoice(
        &t,
        zoe,
        "USD",
        "2026-11-02",
        "2026-11-16",
        vec![line("Cut", "1", "50.00", "0")],
        None,
    )
    .await;
    let pa = pay(&t, a, "45.50", "2026-11-05", PaymentMethod::Cash).await;
    pay(&t, usd, "50.00", "2026-11-05", PaymentMethod::Cash).await;
    t.app
        .refund_payment(
            pa,
            &RefundInput {
                amount: Some(d("5.50")),
                reason: String::new(),
                refunded_on: Some(day("2026-11-08")),
            },
        )
        .await
        .unwrap();

    // The business is in fr-FR: day/month/year. No currency named: the business's (EUR).
    let r = req(ReportKind::Payments, "2026-11-01", "2026-11-30");
    assert_eq!(
        export(&t.app, &r, ExportFormat::Quickbooks, false).await,
        "Date,Description,Amount\r\n05/11/2026,Zoë Øster: Payment for INV-2026-0001 by cash,45.50\r\n"
    );
    let refunds = req(ReportKind::Refunds, "2026-11-01", "2026-11-30");
    assert_eq!(
        export(&t.app, &refunds, ExportFormat::Xero, false).await,
        "*Date,*Amount,Payee,Description,Reference\r\n08/11/2026,-5.50,Zoë Øster,Refund on INV-2026-0001,\r\n"
    );
    let mut in_usd = r.clone();
    in_usd.currency = Some("USD".into());
    assert!(export(&t.app, &in_usd, ExportFormat::Xero, false)
        .await
        .ends_with("05/11/2026,50.00,Zoë Øster,Payment for INV-2026-0002 by cash,\r\n"));

    // Aging isn't money moving through an account: no bank statement, a clear word instead.
    let aging = req(ReportKind::Aging, "2026-11-01", "2026-11-30");
    let err = t
        .app
        .export_report(
            &aging,
            ExportFormat::Quickbooks,
            false,
            Vec::new(),
            &mut |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("export this report as CSV or JSON"),
        "{err}"
    );

    let backwards = req(ReportKind::Payments, "2026-11-30", "2026-11-01");
    let err = t.app.report_preview(&backwards, 10).await.unwrap_err();
    assert_eq!(err.to_string(), "The end date is before the start date.");
    let mut odd = r.clone();
    odd.currency = Some("EURO".into());
    assert!(t.app.report_preview(&odd, 10).await.is_err());
}

#[tokio::test]
async fn aging_puts_what_each_client_owed_in_the_right_bucket_as_of_the_last_day() {
    let t = app().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap());
    let zoe = client(&t.app, "Zoë Øster").await;
    let jose = client(&t.app, "José Núñez").await;
    let as_of = "2026-11-30";
    // Due dates 10 days ahead, and 1, 30, 31, 61, 91 days before the 30th.
    let due_dates = [
        "2026-12-10",
        "2026-11-29",
        "2026-10-31",
        "2026-10-30",
        "2026-09-30",
        "2026-08-31",
    ];
    for (i, due) in due_dates.iter().enumerate() {
        let who = if i % 2 == 0 { zoe } else { jose };
        let id = invoice(
            &t,
            who,
            "EUR",
            "2026-08-01",
            due,
            vec![line("Work", "1", "100.00", "0")],
            None,
        )
        .await;
        if i == 3 {
            pay(&t, id, "40.00", "2026-11-01", PaymentMethod::Cash).await;
            // Received after the as-of day: still owed on the 30th.
            pay(&t, id, "10.00", "2026-12-02", PaymentMethod::Cash).await;
        }
    }
    // Paid in full: owes nothing. Issued after the day: not yet owed.
    let paid = invoice(
        &t,
        zoe,
        "EUR",
        "2026-08-01",
        "2026-09-01",
        vec![line("Work", "1", "70.00", "0")],
        None,
    )
    .await;
    pay(&t, paid, "70.00", "2026-09-01", PaymentMethod::Cash).await;
    invoice(
        &t,
        zoe,
        "EUR",
        "2026-12-01",
        "2026-12-15",
        vec![line("Later", "1", "9.00", "0")],
        None,
    )
    .await;
    // A yen client, reported on its own.
    invoice(
        &t,
        jose,
        "JPY",
        "2026-11-01",
        "2026-11-10",
        vec![line("Work", "1", "5000", "0")],
        None,
    )
    .await;

    let rows = json_rows(&t.app, &req(ReportKind::Aging, "2026-11-01", as_of)).await;
    let flat: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} | {} {} {} {} {} | {} | {}",
                r["client"].as_str().unwrap(),
                r["currency"].as_str().unwrap(),
                r["current"].as_str().unwrap(),
                r["days_1_30"].as_str().unwrap(),
                r["days_31_60"].as_str().unwrap(),
                r["days_61_90"].as_str().unwrap(),
                r["over_90"].as_str().unwrap(),
                r["total"].as_str().unwrap(),
                r["invoices"],
            )
        })
        .collect();
    assert_eq!(
        flat,
        [
            "José Núñez EUR | 0.00 100.00 60.00 0.00 100.00 | 260.00 | 3",
            "José Núñez JPY | 0 5000 0 0 0 | 5000 | 1",
            "Zoë Øster EUR | 100.00 100.00 0.00 100.00 0.00 | 300.00 | 3",
        ]
    );
}

#[tokio::test]
async fn revenue_by_month_service_and_staff_uses_the_invoice_rounding_and_never_mixes_currencies() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let cut = t
        .app
        .create_service(&ServiceInput {
            name: "Cut".into(),
            duration_minutes: 45,
            price: d("33.33"),
            currency: None,
            tax_rate: d("20"),
            active: true,
        })
        .await
        .unwrap();
    let ana = t
        .app
        .create_staff(&StaffInput {
            name: "Ana".into(),
            email: String::new(),
            active: true,
        })
        .await
        .unwrap();
    let booking = t
        .app
        .create_booking(&BookingInput {
            client_id: zoe,
            staff_id: ana.id,
            service_ids: vec![cut.id],
            starts_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
            ends_at: None,
            notes: String::new(),
        })
        .await
        .unwrap();
    let mut with_service = line("Cut", "3", "33.33", "20");
    with_service.service_id = Some(cut.id);
    with_service.discount_percent = d("10");
    // 3 × 33.33 = 99.99; −10 % = 10.00 (9.999 rounded) → 89.99 net, tax 18.00 (17.998).
    let oct = invoice(
        &t,
        zoe,
        "EUR",
        "2026-10-20",
        "2026-11-03",
        vec![with_service.clone(), line("Oil", "1", "5.00", "0")],
        Some(booking.id),
    )
    .await;
    invoice(
        &t,
        zoe,
        "EUR",
        "2026-11-05",
        "2026-11-19",
        vec![with_service],
        None,
    )
    .await;
    invoice(
        &t,
        zoe,
        "JPY",
        "2026-11-06",
        "2026-11-20",
        vec![line("Tea", "1", "500", "10")],
        None,
    )
    .await;
    pay(&t, oct, "112.99", "2026-11-02", PaymentMethod::Cash).await;

    let rows = json_rows(
        &t.app,
        &req(ReportKind::Revenue, "2026-10-01", "2026-11-30"),
    )
    .await;
    let flat: Vec<String> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
            format!(
                "{} {} {} inv {} tax {} in {} fee {} n {}",
                s("section"),
                s("name"),
                s("currency"),
                s("invoiced"),
                s("tax"),
                s("collected"),
                s("stripe_fees"),
                r["count"]
            )
        })
        .collect();
    assert_eq!(
        flat,
        [
            "Month 2026-10 EUR inv 94.99 tax 18.00 in 0.00 fee 0.00 n 1",
            "Month 2026-10 JPY inv 0 tax 0 in 0 fee 0 n 0",
            "Month 2026-11 EUR inv 89.99 tax 18.00 in 112.99 fee 0.00 n 1",
            "Month 2026-11 JPY inv 500 tax 50 in 0 fee 0 n 1",
            "Service Cut EUR inv 179.98 tax 36.00 in - fee - n 2",
            "Service Other items EUR inv 5.00 tax 0.00 in - fee - n 1",
            "Service Other items JPY inv 500 tax 50 in - fee - n 1",
            "Staff member Ana EUR inv 94.99 tax 18.00 in - fee - n 1",
            "Staff member No staff member EUR inv 89.99 tax 18.00 in - fee - n 1",
            "Staff member No staff member JPY inv 500 tax 50 in - fee - n 1",
        ]
    );
    let charts = t
        .app
        .report_charts(day("2026-10-01"), day("2026-11-30"))
        .await
        .unwrap();
    assert_eq!(charts.months.len(), 4);
    let owed: Vec<String> = charts
        .outstanding
        .iter()
        .filter(|t| t.label == "Total owed")
        .map(|t| format!("{} {}", t.amount.amount(), t.amount.currency()))
        .collect();
    assert_eq!(owed, ["107.99 EUR", "550 JPY"]);
}

#[tokio::test]
async fn a_file_export_is_replaced_whole_and_a_failed_one_leaves_nothing_behind() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let a = invoice(
        &t,
        zoe,
        "EUR",
        "2026-11-02",
        "2026-11-16",
        vec![line("Cut", "1", "45.50", "0")],
        None,
    )
    .await;
    pay(&t, a, "45.50", "2026-11-05", PaymentMethod::Cash).await;
    let path = t.dir.path().join("payments.csv");
    std::fs::write(&path, "old contents").unwrap();
    let r = req(ReportKind::Payments, "2026-11-01", "2026-11-30");
    let mut seen = Vec::new();
    let summary = t
        .app
        .export_report_to_file(&r, ExportFormat::Csv, false, &path, &mut |n| seen.push(n))
        .await
        .unwrap();
    assert_eq!(summary.rows, 1);
    assert_eq!(seen.last(), Some(&1));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("Date,Client"), "{text}");
    assert_eq!(summary.bytes as usize, text.len());

    let aging = req(ReportKind::Aging, "2026-11-01", "2026-11-30");
    assert!(t
        .app
        .export_report_to_file(&aging, ExportFormat::Xero, false, &path, &mut |_| {})
        .await
        .is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the old export is untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty());
}
