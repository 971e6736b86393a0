use crate::support::*;
use chrono::{Duration, TimeZone, Utc};
use paydesk_core::booking::{BookingInput, BookingStatus};
use paydesk_core::service::ServiceInput;
use paydesk_core::staff::StaffInput;
use paydesk_core::Error;

async fn setup(t: &TestApp) -> (i64, i64, i64) {
    let c = client(&t.app, "Zoë").await;
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
    let cut = t
        .app
        .create_service(&ServiceInput {
            name: "Cut".into(),
            duration_minutes: 45,
            price: d("45"),
            currency: None,
            tax_rate: d("20"),
            active: true,
        })
        .await
        .unwrap()
        .id;
    (c, ana, cut)
}

fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

#[tokio::test]
async fn a_booking_lasts_as_long_as_its_services_and_a_clash_is_refused() {
    let t = app().await;
    let (c, ana, cut) = setup(&t).await;
    let input = BookingInput {
        client_id: c,
        staff_id: ana,
        service_ids: vec![cut, cut],
        starts_at: at(9, 0),
        ends_at: None,
        notes: String::new(),
    };
    let b = t.app.create_booking(&input).await.unwrap();
    assert_eq!(b.ends_at - b.starts_at, Duration::minutes(90));
    assert_eq!(b.service_ids, vec![cut, cut]);

    let before = snapshot(&t.app).await;
    let overlapping = BookingInput {
        starts_at: at(10, 15),
        service_ids: vec![cut],
        ..input.clone()
    };
    let e = t.app.create_booking(&overlapping).await.unwrap_err();
    assert!(
        matches!(e, Error::BookingClash { other_id, .. } if other_id == b.id),
        "{e}"
    );
    // Shown in the business's time zone (Paris, UTC+1 in November).
    assert_eq!(e.to_string(), format!("Ana already has a booking from Tue 24 Nov 2026 10:00 to Tue 24 Nov 2026 11:30 (booking {}).", b.id));
    assert!(
        t.app.check_booking(&overlapping, None).await.is_err(),
        "the form can ask before saving"
    );
    assert_eq!(snapshot(&t.app).await, before);

    // Back to back is fine.
    let next = BookingInput {
        starts_at: at(10, 30),
        service_ids: vec![cut],
        ..input.clone()
    };
    t.app.create_booking(&next).await.unwrap();
}

#[tokio::test]
async fn cancelled_bookings_free_the_slot_and_moving_does_not_clash_with_itself() {
    let t = app().await;
    let (c, ana, cut) = setup(&t).await;
    let input = BookingInput {
        client_id: c,
        staff_id: ana,
        service_ids: vec![cut],
        starts_at: at(9, 0),
        ends_at: None,
        notes: String::new(),
    };
    let b = t.app.create_booking(&input).await.unwrap();
    let moved = t
        .app
        .update_booking(
            b.id,
            &BookingInput {
                starts_at: at(9, 15),
                ends_at: Some(at(10, 0)),
                ..input.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.starts_at, at(9, 15));
    assert_eq!(
        t.app
            .set_booking_status(b.id, BookingStatus::Cancelled)
            .await
            .unwrap()
            .status,
        BookingStatus::Cancelled
    );
    t.app.create_booking(&input).await.unwrap();
    let e = t
        .app
        .set_booking_status(b.id, BookingStatus::Completed)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already cancelled"), "{e}");
    let day = t
        .app
        .bookings(at(0, 0), at(23, 59), Some(ana))
        .await
        .unwrap();
    assert_eq!(day.len(), 2);
}

#[tokio::test]
async fn a_booking_with_an_end_before_its_start_or_unknown_people_is_refused() {
    let t = app().await;
    let (c, ana, _) = setup(&t).await;
    let base = BookingInput {
        client_id: c,
        staff_id: ana,
        service_ids: vec![],
        starts_at: at(9, 0),
        ends_at: Some(at(8, 0)),
        notes: String::new(),
    };
    assert_eq!(
        t.app.create_booking(&base).await.unwrap_err().field(),
        Some("ends_at")
    );
    let no_end = BookingInput {
        ends_at: None,
        ..base.clone()
    };
    assert_eq!(
        t.app.create_booking(&no_end).await.unwrap_err().field(),
        Some("ends_at")
    );
    let nobody = BookingInput {
        staff_id: 99,
        ends_at: Some(at(10, 0)),
        ..base.clone()
    };
    assert_eq!(
        t.app.create_booking(&nobody).await.unwrap_err().field(),
        Some("staff_id")
    );
    let bad_service = BookingInput {
        service_ids: vec![77],
        ends_at: Some(at(10, 0)),
        ..base
    };
    assert_eq!(
        t.app.create_booking(&bad_service).await.unwrap_err().code(),
        "not_found"
    );
}
