use crate::support::*;
use paydesk_core::invoice::InvoiceInput;
use paydesk_core::payment::{PaymentInput, PaymentMethod};

#[tokio::test]
async fn the_dashboard_sums_per_currency_and_separates_overdue() {
    let t = app().await;
    let c = client(&t.app, "Zoë").await;
    let make =
        |currency: &'static str, price: &'static str, issue: &'static str, due: &'static str| {
            let app = t.app.clone();
            async move {
                let input = InvoiceInput {
                    currency: Some(currency.into()),
                    issue_date: Some(issue.parse().unwrap()),
                    due_date: Some(due.parse().unwrap()),
                    ..invoice_input(c, vec![line("Cut", "1", price, "0")])
                };
                let id = app.create_invoice(&input).await.unwrap().id;
                app.finalize_invoice(id).await.unwrap().id
            }
        };
    let late = make("EUR", "100.00", "2026-10-01", "2026-10-15").await;
    make("EUR", "50.00", "2026-11-20", "2026-12-04").await;
    make("JPY", "5000", "2026-11-20", "2026-12-04").await;
    t.app
        .create_invoice(&invoice_input(c, vec![line("Draft", "1", "999", "0")]))
        .await
        .unwrap();
    let pay = PaymentInput {
        amount: d("30"),
        method: PaymentMethod::Cash,
        received_on: None,
        reference: String::new(),
    };
    t.app.record_payment(late, &pay).await.unwrap();

    let dash = t.app.dashboard().await.unwrap();
    let show = |v: &[paydesk_core::Money]| v.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    assert_eq!(
        show(&dash.outstanding),
        vec!["120.00 EUR", "5000 JPY"],
        "drafts don't count; currencies stay apart"
    );
    assert_eq!(show(&dash.overdue), vec!["70.00 EUR"]);
    assert_eq!(show(&dash.paid_this_month), vec!["30.00 EUR"]);
    assert_eq!(dash.recent.len(), 4);
}

#[tokio::test]
async fn the_dashboard_shows_money_in_for_each_of_the_last_twelve_local_months() {
    use chrono::{TimeZone, Utc};
    use paydesk_core::payment::RefundInput;

    let t = app().await;
    let c = client(&t.app, "Zoë").await;
    let invoice = |currency: &'static str, price: &'static str| {
        let app = t.app.clone();
        async move {
            let input = InvoiceInput {
                currency: Some(currency.into()),
                issue_date: Some("2025-11-01".parse().unwrap()),
                due_date: Some("2025-12-01".parse().unwrap()),
                ..invoice_input(c, vec![line("Cut", "1", price, "0")])
            };
            let id = app.create_invoice(&input).await.unwrap().id;
            app.finalize_invoice(id).await.unwrap().id
        }
    };
    let eur = invoice("EUR", "1000.00").await;
    let jpy = invoice("JPY", "50000").await;
    let pay = |invoice_id: i64, amount: &'static str, on: Option<&'static str>| {
        let app = t.app.clone();
        async move {
            let input = PaymentInput {
                amount: d(amount),
                method: PaymentMethod::Cash,
                received_on: on.map(|s| s.parse().unwrap()),
                reference: String::new(),
            };
            app.record_payment(invoice_id, &input).await.unwrap().id
        }
    };

    pay(eur, "100", Some("2025-11-30")).await; // before the twelve months: not shown
    let december = pay(eur, "200", Some("2025-12-01")).await;
    pay(jpy, "3000", Some("2026-03-15")).await;
    // 21:30 UTC on 31 March is 23:30 in Paris (summer time): still March there.
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 31, 21, 30, 0).unwrap());
    pay(eur, "50", None).await;
    // 22:30 UTC the same day is 00:30 on 1 April in Paris: April, though still March in UTC.
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 31, 22, 30, 0).unwrap());
    pay(eur, "25", None).await;
    t.clock.set(monday_morning());
    pay(eur, "70", Some("2026-11-02")).await;
    t.app
        .refund_payment(
            december,
            &RefundInput {
                amount: Some(d("20")),
                reason: String::new(),
                refunded_on: Some("2026-11-20".parse().unwrap()),
            },
        )
        .await
        .unwrap();

    let dash = t.app.dashboard().await.unwrap();
    let months: Vec<(String, Vec<String>)> = dash
        .months
        .iter()
        .map(|m| {
            (
                m.month.clone(),
                m.paid.iter().map(|p| p.to_string()).collect(),
            )
        })
        .collect();
    let zero = || vec!["0.00 EUR".to_string(), "0 JPY".to_string()];
    let with = |eur: &str, jpy: &str| vec![eur.to_string(), jpy.to_string()];
    let expected: Vec<(String, Vec<String>)> = vec![
        ("2025-12".into(), with("200.00 EUR", "0 JPY")),
        ("2026-01".into(), zero()),
        ("2026-02".into(), zero()),
        ("2026-03".into(), with("50.00 EUR", "3000 JPY")),
        ("2026-04".into(), with("25.00 EUR", "0 JPY")),
        ("2026-05".into(), zero()),
        ("2026-06".into(), zero()),
        ("2026-07".into(), zero()),
        ("2026-08".into(), zero()),
        ("2026-09".into(), zero()),
        ("2026-10".into(), zero()),
        ("2026-11".into(), with("50.00 EUR", "0 JPY")),
    ];
    assert_eq!(months, expected);
    let show = |v: &[paydesk_core::Money]| v.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    assert_eq!(
        show(&dash.paid_this_month),
        vec!["50.00 EUR"],
        "the current month's bar agrees with “paid this month”"
    );
}

#[tokio::test]
async fn with_nothing_paid_the_twelve_months_are_zero_in_the_business_currency() {
    let t = app().await;
    let dash = t.app.dashboard().await.unwrap();
    assert_eq!(dash.months.len(), 12);
    assert_eq!(dash.months[0].month, "2025-12");
    assert_eq!(dash.months[11].month, "2026-11");
    for m in &dash.months {
        assert_eq!(
            m.paid.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            vec!["0.00 EUR"]
        );
    }
}
