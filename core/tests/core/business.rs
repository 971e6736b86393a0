use crate::support::*;

#[tokio::test]
async fn a_logo_is_kept_judged_by_its_bytes_and_can_be_removed() {
    let t = app().await;
    assert_eq!(t.app.logo().await.unwrap(), None);

    let err = t.app.set_logo(b"GIF89a....").await.unwrap_err();
    assert_eq!(err.to_string(), "The logo must be a PNG or JPEG image.");
    let too_big = [&b"\x89PNG\r\n\x1a\n"[..], &vec![0u8; 1024 * 1024]].concat();
    let err = t.app.set_logo(&too_big).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The logo is larger than 1 MB. Save a smaller PNG or JPEG and try again."
    );
    let before = snapshot(&t.app).await;
    assert!(t.app.set_logo(b"not an image").await.is_err());
    assert_eq!(
        snapshot(&t.app).await,
        before,
        "a refused logo changes nothing"
    );

    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2];
    t.app.set_logo(&jpeg).await.unwrap();
    assert_eq!(
        t.app.logo().await.unwrap(),
        Some((jpeg, "image/jpeg".to_string()))
    );
    assert!(t.app.business().await.unwrap().has_logo);

    t.app.remove_logo().await.unwrap();
    assert_eq!(t.app.logo().await.unwrap(), None);
    assert!(!t.app.business().await.unwrap().has_logo);
}

#[tokio::test]
async fn the_invoice_colour_is_a_hex_colour_or_refused_naming_the_field() {
    use paydesk_core::business::BusinessUpdate;
    use paydesk_core::Error;
    let t = app().await;
    assert_eq!(t.app.business().await.unwrap().accent_color, "#0D54BF");
    let set = |c: &str| BusinessUpdate {
        accent_color: Some(c.into()),
        ..Default::default()
    };
    let p = t.app.update_business(set(" 7a1f3d ")).await.unwrap();
    assert_eq!(p.accent_color, "#7A1F3D");
    assert_eq!(p.accent_rgb(), (0x7a, 0x1f, 0x3d));
    let before = snapshot(&t.app).await;
    for bad in ["red", "#12345", "#GGGGGG", ""] {
        match t.app.update_business(set(bad)).await.unwrap_err() {
            Error::Invalid { field, .. } => assert_eq!(field, "accent_color"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(snapshot(&t.app).await, before);
}
