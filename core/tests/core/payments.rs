use crate::support::*;
use paydesk_core::invoice::InvoiceStatus;
use paydesk_core::payment::{PaymentInput, PaymentMethod, RefundInput};

fn cash(amount: &str) -> PaymentInput {
    PaymentInput {
        amount: d(amount),
        method: PaymentMethod::Cash,
        received_on: None,
        reference: String::new(),
    }
}

async fn open_invoice(t: &TestApp, total: &str) -> i64 {
    let c = client(&t.app, "Zoë").await;
    let inv = t
        .app
        .create_invoice(&invoice_input(c, vec![line("Cut", "1", total, "0")]))
        .await
        .unwrap();
    t.app.finalize_invoice(inv.id).await.unwrap().id
}

#[tokio::test]
async fn payments_move_an_invoice_to_partially_paid_then_paid() {
    let t = app().await;
    let id = open_invoice(&t, "100.00").await;
    let p = t.app.record_payment(id, &cash("40")).await.unwrap();
    assert_eq!(p.received_on.to_string(), "2026-11-23");
    let inv = t.app.invoice(id).await.unwrap();
    assert_eq!(
        (inv.status, inv.amount_due.amount()),
        (InvoiceStatus::PartiallyPaid, d("60.00"))
    );
    t.app.record_payment(id, &cash("60.00")).await.unwrap();
    let inv = t.app.invoice(id).await.unwrap();
    assert_eq!(
        (inv.status, inv.amount_due.amount()),
        (InvoiceStatus::Paid, d("0.00"))
    );
    assert_eq!(inv.payments.len(), 2);
    let listed = t.app.invoices(&Default::default()).await.unwrap();
    assert_eq!(
        listed.items[0].status,
        InvoiceStatus::Paid,
        "the list shows the same status as the page"
    );
}

#[tokio::test]
async fn a_payment_above_what_is_owed_or_on_a_draft_is_refused_and_nothing_is_written() {
    let t = app().await;
    let id = open_invoice(&t, "100.00").await;
    t.app.record_payment(id, &cash("90")).await.unwrap();
    let before = snapshot(&t.app).await;
    let e = t.app.record_payment(id, &cash("10.01")).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "10.01 EUR is more than the 10.00 EUR still owed on INV-2026-0001."
    );
    assert_eq!(
        t.app
            .record_payment(id, &cash("0"))
            .await
            .unwrap_err()
            .field(),
        Some("amount")
    );
    assert_eq!(
        t.app
            .record_payment(id, &cash("1.001"))
            .await
            .unwrap_err()
            .field(),
        Some("amount")
    );
    let c = client(&t.app, "Ana").await;
    let draft = t
        .app
        .create_invoice(&invoice_input(c, vec![line("Cut", "1", "5", "0")]))
        .await
        .unwrap();
    let before_draft = snapshot(&t.app).await;
    assert!(t
        .app
        .record_payment(draft.id, &cash("5"))
        .await
        .unwrap_err()
        .to_string()
        .contains("Finalize"));
    assert_eq!(snapshot(&t.app).await, before_draft);
    assert_ne!(before, before_draft);
}

#[tokio::test]
async fn refunds_are_capped_by_the_payment_and_set_refunded_statuses() {
    let t = app().await;
    let id = open_invoice(&t, "100.00").await;
    let p = t.app.record_payment(id, &cash("100")).await.unwrap();
    let r = t
        .app
        .refund_payment(
            p.id,
            &RefundInput {
                amount: Some(d("30")),
                reason: "Unhappy".into(),
                refunded_on: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(r.amount.amount(), d("30.00"));
    assert_eq!(
        t.app.invoice(id).await.unwrap().status,
        InvoiceStatus::PartiallyRefunded
    );
    let e = t
        .app
        .refund_payment(
            p.id,
            &RefundInput {
                amount: Some(d("70.01")),
                reason: String::new(),
                refunded_on: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Only 70.00 EUR of this payment can still be refunded."
    );
    let rest = t
        .app
        .refund_payment(
            p.id,
            &RefundInput {
                amount: None,
                reason: String::new(),
                refunded_on: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.amount.amount(), d("70.00"));
    let inv = t.app.invoice(id).await.unwrap();
    assert_eq!(
        (inv.status, inv.refunded.amount()),
        (InvoiceStatus::Refunded, d("100.00"))
    );
    assert!(t
        .app
        .refund_payment(
            p.id,
            &RefundInput {
                amount: None,
                reason: String::new(),
                refunded_on: None
            }
        )
        .await
        .is_err());
    // With everything refunded, the invoice may now be voided.
    assert_eq!(
        t.app.void_invoice(id).await.unwrap().status,
        InvoiceStatus::Void
    );
}

#[tokio::test]
async fn an_invoice_with_money_on_it_cannot_be_voided() {
    let t = app().await;
    let id = open_invoice(&t, "100.00").await;
    t.app.record_payment(id, &cash("25")).await.unwrap();
    let e = t.app.void_invoice(id).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "INV-2026-0001 has 25.00 EUR of payments on it. Refund them before voiding."
    );
}

#[tokio::test]
async fn written_off_invoices_can_still_be_paid() {
    let t = app().await;
    let id = open_invoice(&t, "80.00").await;
    assert_eq!(
        t.app.mark_uncollectible(id).await.unwrap().status,
        InvoiceStatus::Uncollectible
    );
    t.app.record_payment(id, &cash("80")).await.unwrap();
    assert_eq!(t.app.invoice(id).await.unwrap().status, InvoiceStatus::Paid);
}

#[tokio::test]
async fn a_payment_is_dated_today_where_the_business_is_not_in_utc() {
    let t = app().await;
    let id = open_invoice(&t, "10.00").await;
    // 23:30 UTC on the 23rd is already 00:30 on the 24th in Paris.
    t.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 23, 30, 0).unwrap());
    let p = t.app.record_payment(id, &cash("10")).await.unwrap();
    assert_eq!(p.received_on.to_string(), "2026-11-24");
    assert_eq!(p.created_at.to_rfc3339(), "2026-11-23T23:30:00+00:00");
}
