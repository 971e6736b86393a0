use crate::support::*;
use paydesk_core::business::BusinessUpdate;
use paydesk_core::Paydesk;
use std::collections::BTreeSet;

#[tokio::test]
async fn two_processes_finalizing_at_once_never_share_or_skip_a_number() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let mut drafts = Vec::new();
    for _ in 0..40 {
        drafts.push(
            t.app
                .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45", "0")]))
                .await
                .unwrap()
                .id,
        );
    }
    // A second, independent connection pool on the same file stands in for the CLI running beside the app.
    let other = Paydesk::open(t.dir.path()).await.unwrap();
    let (mine, theirs): (Vec<i64>, Vec<i64>) = drafts.iter().partition(|id| *id % 2 == 0);
    let a = {
        let app = t.app.clone();
        tokio::spawn(async move {
            let mut out = Vec::new();
            for id in mine {
                out.push(app.finalize_invoice(id).await.unwrap().number.unwrap());
            }
            out
        })
    };
    let b = tokio::spawn(async move {
        let mut out = Vec::new();
        for id in theirs {
            out.push(other.finalize_invoice(id).await.unwrap().number.unwrap());
        }
        out
    });
    let mut numbers = a.await.unwrap();
    numbers.extend(b.await.unwrap());
    let unique: BTreeSet<String> = numbers.iter().cloned().collect();
    assert_eq!(unique.len(), 40, "no number given twice");
    let expected: BTreeSet<String> = (1..=40).map(|n| format!("INV-2026-{n:04}")).collect();
    assert_eq!(unique, expected, "no gaps");
}

#[tokio::test]
async fn a_new_year_starts_a_new_series_and_a_changed_format_skips_numbers_in_use() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let finalize_on = |date: &'static str| {
        let app = t.app.clone();
        async move {
            let input = paydesk_core::invoice::InvoiceInput {
                issue_date: Some(date.parse().unwrap()),
                ..invoice_input(zoe, vec![line("Cut", "1", "45", "0")])
            };
            let id = app.create_invoice(&input).await.unwrap().id;
            app.finalize_invoice(id).await.unwrap().number.unwrap()
        }
    };
    assert_eq!(finalize_on("2026-12-31").await, "INV-2026-0001");
    assert_eq!(finalize_on("2027-01-01").await, "INV-2027-0001");
    assert_eq!(finalize_on("2026-12-31").await, "INV-2026-0002");

    // A format whose first numbers were already used (here: the same text under another series key).
    t.app
        .update_business(BusinessUpdate {
            invoice_number_format: Some("INV-2026-{SEQ:4}".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(finalize_on("2027-02-01").await, "INV-2026-0003");
}
