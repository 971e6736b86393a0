//! Jobs and payment requests: a contract billed as deposit, progress and final invoices that add
//! up to the contract to the cent.

use paydesk_core::invoice::InvoiceStatus;
use paydesk_core::job::{JobInput, PaymentRequestInput, RequestKind};
use paydesk_core::Error;
use rust_decimal::Decimal;

use crate::support::{app, client, d, snapshot};

fn job(client_id: i64, total: &str, tax: &str) -> JobInput {
    JobInput {
        client_id,
        title: "Kitchen renovation".into(),
        currency: None,
        contract_total: d(total),
        tax_rate: d(tax),
        notes: String::new(),
    }
}

fn amount(kind: RequestKind, a: &str) -> PaymentRequestInput {
    PaymentRequestInput {
        kind,
        amount: Some(d(a)),
        percent: None,
    }
}

fn percent(kind: RequestKind, p: &str) -> PaymentRequestInput {
    PaymentRequestInput {
        kind,
        amount: None,
        percent: Some(d(p)),
    }
}

fn last() -> PaymentRequestInput {
    PaymentRequestInput {
        kind: RequestKind::Final,
        amount: None,
        percent: None,
    }
}

#[tokio::test]
async fn deposit_progress_and_final_add_up_to_the_contract() {
    let t = app().await;
    let jan = client(&t.app, "Łukasz Żółć").await;
    let j = t.app.create_job(&job(jan, "12000", "20")).await.unwrap();
    assert_eq!(j.remaining.amount(), d("12000.00"));

    let deposit = t
        .app
        .request_payment(j.id, &percent(RequestKind::Deposit, "30"))
        .await
        .unwrap();
    assert_eq!(deposit.status, InvoiceStatus::Draft);
    assert_eq!(deposit.totals.subtotal.amount(), d("3600.00"));
    assert_eq!(deposit.totals.total.amount(), d("4320.00"), "VAT on top");
    assert_eq!(
        deposit.lines[0].description,
        "Deposit — Kitchen renovation (30% of 12000.00 EUR)"
    );
    t.app.finalize_invoice(deposit.id).await.unwrap();

    let progress = t
        .app
        .request_payment(j.id, &amount(RequestKind::Progress, "4000"))
        .await
        .unwrap();
    let before = snapshot(&t.app).await;
    let e = t
        .app
        .request_payment(j.id, &amount(RequestKind::Custom, "5000"))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Only 4400.00 EUR of the contract is left to request (of 12000.00 EUR)."
    );
    assert_eq!(
        snapshot(&t.app).await,
        before,
        "a refused request writes nothing"
    );

    let fin = t.app.request_payment(j.id, &last()).await.unwrap();
    assert_eq!(fin.totals.subtotal.amount(), d("4400.00"));
    let j = t.app.job(j.id).await.unwrap();
    assert_eq!(j.requested.amount(), d("12000.00"));
    assert!(j.remaining.is_zero());
    let kinds: Vec<_> = j.requests.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![
            RequestKind::Deposit,
            RequestKind::Progress,
            RequestKind::Final
        ]
    );
    let e = t.app.request_payment(j.id, &last()).await.unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");

    // A deleted draft and a voided invoice give their part back.
    t.app.delete_draft(progress.id).await.unwrap();
    assert_eq!(
        t.app.job(j.id).await.unwrap().remaining.amount(),
        d("4000.00")
    );
    t.app.void_invoice(deposit.id).await.unwrap();
    let j = t.app.job(j.id).await.unwrap();
    assert_eq!(j.remaining.amount(), d("7600.00"));
    assert_eq!(j.requests.len(), 2, "the void deposit is still listed");
}

#[tokio::test]
async fn percentages_round_half_away_from_zero_and_final_takes_the_exact_rest() {
    let t = app().await;
    let c = client(&t.app, "José Núñez").await;
    let mut input = job(c, "10001", "0");
    input.currency = Some("JPY".into());
    let j = t.app.create_job(&input).await.unwrap();
    let half = t
        .app
        .request_payment(j.id, &percent(RequestKind::Deposit, "50"))
        .await
        .unwrap();
    assert_eq!(
        half.totals.total.amount(),
        d("5001"),
        "5000.5 yen rounds up"
    );
    let rest = t.app.request_payment(j.id, &last()).await.unwrap();
    assert_eq!(rest.totals.total.amount(), d("5000"));
    assert_eq!(
        half.totals.total.amount() + rest.totals.total.amount(),
        Decimal::from(10001)
    );
}

#[tokio::test]
async fn bad_jobs_and_requests_are_refused_with_the_field_named_and_nothing_written() {
    let t = app().await;
    let c = client(&t.app, "Zoë Øster").await;
    let before = snapshot(&t.app).await;
    for (input, field) in [
        (job(c, "0", "20"), "contract_total"),
        (job(c, "100", "120"), "tax_rate"),
        (job(9999, "100", "20"), "client_id"),
        (
            JobInput {
                title: "  ".into(),
                ..job(c, "100", "0")
            },
            "title",
        ),
        (
            JobInput {
                currency: Some("EURO".into()),
                ..job(c, "100", "0")
            },
            "currency",
        ),
    ] {
        match t.app.create_job(&input).await.unwrap_err() {
            Error::Invalid { field: f, .. } => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(snapshot(&t.app).await, before);

    let j = t.app.create_job(&job(c, "100", "0")).await.unwrap();
    let before = snapshot(&t.app).await;
    let e = t.app.delete_client(c).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Zoë Øster has 1 job(s), so they can't be deleted."
    );
    let both = PaymentRequestInput {
        kind: RequestKind::Deposit,
        amount: Some(d("10")),
        percent: Some(d("10")),
    };
    for bad in [
        both,
        percent(RequestKind::Deposit, "101"),
        amount(RequestKind::Progress, "0"),
        amount(RequestKind::Progress, "10.001"),
        PaymentRequestInput {
            kind: RequestKind::Final,
            amount: Some(d("5")),
            percent: None,
        },
    ] {
        let e = t.app.request_payment(j.id, &bad).await.unwrap_err();
        assert!(
            matches!(e, Error::Invalid { .. } | Error::Money(_)),
            "{bad:?}: {e:?}"
        );
    }
    assert_eq!(snapshot(&t.app).await, before);
}
