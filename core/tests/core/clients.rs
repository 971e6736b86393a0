use crate::support::*;
use paydesk_core::booking::BookingInput;
use paydesk_core::client::ClientInput;
use paydesk_core::staff::StaffInput;

#[tokio::test]
async fn clients_are_found_by_any_part_of_name_email_or_phone() {
    let t = app().await;
    for (name, email) in [
        ("Zoë Øster", "zoe@example.com"),
        ("Łukasz Żółć", "lukasz@example.pl"),
        ("José Núñez", ""),
    ] {
        t.app
            .create_client(&ClientInput {
                name: name.into(),
                email: email.into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let names = |list: Vec<paydesk_core::client::Client>| {
        list.into_iter().map(|c| c.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(t.app.clients("żółć", 10, 0).await.unwrap()),
        vec!["Łukasz Żółć"]
    );
    assert_eq!(
        names(t.app.clients("EXAMPLE.PL", 10, 0).await.unwrap()),
        vec!["Łukasz Żółć"]
    );
    assert_eq!(names(t.app.clients("", 10, 0).await.unwrap()).len(), 3);
}

#[tokio::test]
async fn a_bad_email_is_refused_with_the_field_and_nothing_is_saved() {
    let t = app().await;
    let before = snapshot(&t.app).await;
    let e = t
        .app
        .create_client(&ClientInput {
            name: "Zoë".into(),
            email: "zoe@example".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("email"));
    assert_eq!(
        e.to_string(),
        "\"zoe@example\" isn't an email address. It should look like name@example.com."
    );
    assert_eq!(snapshot(&t.app).await, before);
}

#[tokio::test]
async fn a_client_with_invoices_or_bookings_cannot_be_deleted() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    t.app
        .create_invoice(&invoice_input(zoe, vec![]))
        .await
        .unwrap();
    let before = snapshot(&t.app).await;
    let e = t.app.delete_client(zoe).await.unwrap_err();
    assert_eq!(e.to_string(), "Zoë has 1 invoice(s) and 0 booking(s), so they can't be deleted — the books must keep them.");
    assert_eq!(snapshot(&t.app).await, before);

    let ana = t
        .app
        .create_staff(&StaffInput {
            name: "Ana".into(),
            email: String::new(),
            active: true,
        })
        .await
        .unwrap()
        .id;
    let bob = client(&t.app, "Bob").await;
    let start = crate::support::monday_morning();
    t.app
        .create_booking(&BookingInput {
            client_id: bob,
            staff_id: ana,
            service_ids: vec![],
            starts_at: start,
            ends_at: Some(start + chrono::Duration::hours(1)),
            notes: String::new(),
        })
        .await
        .unwrap();
    assert!(t.app.delete_client(bob).await.is_err());

    let carla = client(&t.app, "Carla").await;
    t.app.delete_client(carla).await.unwrap();
    assert_eq!(t.app.client(carla).await.unwrap_err().code(), "not_found");
}
