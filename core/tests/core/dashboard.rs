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
