use crate::support::*;
use paydesk_core::invoice::{InvoiceInput, InvoiceQuery, InvoiceState, InvoiceStatus};
use paydesk_core::Error;

#[tokio::test]
async fn a_draft_gets_defaults_from_the_business_and_totals_from_its_lines() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let inv = t
        .app
        .create_invoice(&invoice_input(
            zoe,
            vec![
                line("Cut", "2", "19.99", "20"),
                line("Products", "1.5", "33.33", "0"),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(inv.state, InvoiceState::Draft);
    assert_eq!(inv.number, None);
    assert_eq!(inv.currency.code(), "EUR");
    assert_eq!(inv.issue_date.to_string(), "2026-11-23");
    assert_eq!(
        inv.due_date.to_string(),
        "2026-12-07",
        "14 days of payment terms by default"
    );
    assert_eq!(inv.totals.total.amount(), d("97.98"));
    assert_eq!(inv.amount_due.amount(), d("97.98"));
}

#[tokio::test]
async fn finalizing_numbers_the_invoice_and_freezes_its_lines() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let draft = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45", "20")]))
        .await
        .unwrap();
    let inv = t.app.finalize_invoice(draft.id).await.unwrap();
    assert_eq!(inv.number.as_deref(), Some("INV-2026-0001"));
    assert_eq!(inv.status, InvoiceStatus::Open);

    let before = snapshot(&t.app).await;
    let edit = t
        .app
        .update_draft(
            inv.id,
            &invoice_input(zoe, vec![line("Cut", "1", "1", "0")]),
        )
        .await
        .unwrap_err();
    assert!(matches!(edit, Error::Conflict(_)), "{edit}");
    assert!(
        edit.to_string()
            .contains("INV-2026-0001 has been finalized"),
        "{edit}"
    );
    assert!(t.app.delete_draft(inv.id).await.is_err());
    assert!(t.app.finalize_invoice(inv.id).await.is_err());
    assert_eq!(snapshot(&t.app).await, before);
}

#[tokio::test]
async fn bad_invoice_input_is_refused_with_the_field_and_nothing_is_written() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let empty = t
        .app
        .create_invoice(&invoice_input(zoe, vec![]))
        .await
        .unwrap();
    let before = snapshot(&t.app).await;

    let cases: Vec<(InvoiceInput, &str, &str)> = vec![
        (
            invoice_input(zoe, vec![line("Cut", "1", "45.001", "0")]),
            "lines[0].unit_price",
            "at most 2 decimal places",
        ),
        (
            invoice_input(
                zoe,
                vec![line("Cut", "1", "45", "0"), line("Dye", "0", "10", "0")],
            ),
            "lines[1].quantity",
            "more than zero",
        ),
        (
            invoice_input(zoe, vec![line("Cut", "-1", "45", "0")]),
            "lines[0].quantity",
            "more than zero",
        ),
        (
            invoice_input(zoe, vec![line("  ", "1", "45", "0")]),
            "lines[0].description",
            "required",
        ),
        (
            invoice_input(zoe, vec![line("Cut", "1", "45", "120")]),
            "lines[0].tax_rate",
            "between 0 and 100",
        ),
        (
            invoice_input(zoe, vec![line("Cut", "1", "-5", "0")]),
            "lines[0].unit_price",
            "negative",
        ),
        (
            InvoiceInput {
                currency: Some("EURO".into()),
                ..invoice_input(zoe, vec![line("Cut", "1", "45", "0")])
            },
            "currency",
            "EURO",
        ),
        (
            InvoiceInput {
                currency: Some("JPY".into()),
                ..invoice_input(zoe, vec![line("Cut", "1", "4500.5", "0")])
            },
            "lines[0].unit_price",
            "JPY amounts can have at most 0 decimal places",
        ),
        (
            InvoiceInput {
                issue_date: Some("2026-11-23".parse().unwrap()),
                due_date: Some("2026-11-22".parse().unwrap()),
                ..invoice_input(zoe, vec![])
            },
            "due_date",
            "can't be before the issue date",
        ),
        (invoice_input(9999, vec![]), "client_id", "Choose a client"),
    ];
    for (input, field, words) in cases {
        let e = t.app.create_invoice(&input).await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.to_string().contains(words), "{field}: {e}");
        let e = t.app.update_draft(empty.id, &input).await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    let no_lines = t.app.finalize_invoice(empty.id).await.unwrap_err();
    assert_eq!(
        no_lines.to_string(),
        "Add at least one line before finalizing the invoice."
    );
    assert_eq!(snapshot(&t.app).await, before);
}

#[tokio::test]
async fn a_yen_invoice_has_whole_yen_totals() {
    let t = app().await;
    let ken = client(&t.app, "Ken").await;
    let input = InvoiceInput {
        currency: Some("jpy".into()),
        ..invoice_input(ken, vec![line("Kit", "3", "1999", "10")])
    };
    let inv = t.app.create_invoice(&input).await.unwrap();
    assert_eq!(inv.totals.tax.amount().to_string(), "600");
    assert_eq!(inv.totals.total.amount().to_string(), "6597");
    assert_eq!(
        serde_json::to_value(inv.totals.total).unwrap()["amount"],
        "6597"
    );
}

#[tokio::test]
async fn void_needs_a_finalized_invoice_without_money_on_it() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let draft = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45", "0")]))
        .await
        .unwrap();
    assert!(t
        .app
        .void_invoice(draft.id)
        .await
        .unwrap_err()
        .to_string()
        .contains("delete it instead"));
    let inv = t.app.finalize_invoice(draft.id).await.unwrap();
    let voided = t.app.void_invoice(inv.id).await.unwrap();
    assert_eq!(voided.status, InvoiceStatus::Void);
    assert_eq!(voided.amount_due.amount(), d("0.00"));
    assert_eq!(
        voided.number.as_deref(),
        Some("INV-2026-0001"),
        "a void invoice keeps its number"
    );
    let next = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45", "0")]))
        .await
        .unwrap();
    let next = t.app.finalize_invoice(next.id).await.unwrap();
    assert_eq!(
        next.number.as_deref(),
        Some("INV-2026-0002"),
        "numbers are never reused"
    );
}

#[tokio::test]
async fn the_list_searches_by_client_name_and_number_and_filters_by_status() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë Øster").await;
    let jose = client(&t.app, "José Núñez").await;
    for (c, n) in [(zoe, 3), (jose, 2)] {
        for _ in 0..n {
            let inv = t
                .app
                .create_invoice(&invoice_input(c, vec![line("Cut", "1", "45", "0")]))
                .await
                .unwrap();
            t.app.finalize_invoice(inv.id).await.unwrap();
        }
    }
    t.app
        .create_invoice(&invoice_input(jose, vec![]))
        .await
        .unwrap();

    let q = |search: &str| InvoiceQuery {
        search: search.into(),
        ..Default::default()
    };
    assert_eq!(t.app.invoices(&q("")).await.unwrap().total_count, 6);
    assert_eq!(
        t.app.invoices(&q("ZOË")).await.unwrap().total_count,
        3,
        "case-insensitive beyond ASCII"
    );
    assert_eq!(t.app.invoices(&q("núñez")).await.unwrap().total_count, 3);
    let by_number = t.app.invoices(&q("inv-2026-0004")).await.unwrap();
    assert_eq!(by_number.items.len(), 1);
    assert_eq!(by_number.items[0].client_name, "José Núñez");
    assert_eq!(
        t.app.invoices(&q("%")).await.unwrap().total_count,
        0,
        "% is a literal, not a wildcard"
    );

    let drafts = t
        .app
        .invoices(&InvoiceQuery {
            statuses: vec![InvoiceStatus::Draft],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(drafts.total_count, 1);
    let page = t
        .app
        .invoices(&InvoiceQuery {
            limit: Some(4),
            offset: Some(4),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total_count), (2, 6));
    assert!(page.items[0].id > page.items[1].id, "newest first");
}
