//! The commands through Tauri's real IPC layer on the mock runtime: argument names, JSON shapes and
//! the `{code, message, field}` error the UI relies on.

use paydesk_core::Paydesk;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct Harness {
    window: WebviewWindow<tauri::test::MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let app = paydesk_app::with_commands(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let paydesk = tauri::async_runtime::block_on(Paydesk::open(dir.path())).unwrap();
    app.manage(paydesk);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness { window, _dir: dir }
}

fn invoke(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&h.window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn a_bad_email_comes_back_as_a_field_error_the_ui_can_place() {
    let h = harness();
    let err = invoke(
        &h,
        "create_client",
        json!({ "input": { "name": "Zoë", "email": "zoe@" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "email");
    assert_eq!(
        err["message"],
        "\"zoe@\" isn't an email address. It should look like name@example.com."
    );
    assert_eq!(
        invoke(
            &h,
            "list_clients",
            json!({ "search": "", "limit": 50, "offset": 0 })
        )
        .unwrap(),
        json!([])
    );
}

#[test]
fn an_invoice_made_through_commands_has_exact_string_totals_and_can_be_paid() {
    let h = harness();
    let client = invoke(
        &h,
        "create_client",
        json!({ "input": { "name": "Zoë Øster" } }),
    )
    .unwrap();
    let input = json!({
        "client_id": client["id"],
        "currency": "EUR",
        "lines": [
            { "description": "Cut & colour", "quantity": "2", "unit_price": "19.99", "tax_rate": "20" },
            { "description": "Hair oil", "quantity": "1.5", "unit_price": "33.33" }
        ]
    });
    let draft = invoke(&h, "create_invoice", json!({ "input": input })).unwrap();
    assert_eq!(
        draft["totals"]["total"],
        json!({ "amount": "97.98", "currency": "EUR" })
    );
    let inv = invoke(&h, "finalize_invoice", json!({ "id": draft["id"] })).unwrap();
    assert_eq!(inv["status"], "open");
    // Tauri passes Rust's snake_case argument names as camelCase from JavaScript.
    let pay = json!({ "invoiceId": inv["id"], "input": { "amount": "97.98", "method": "cash" } });
    invoke(&h, "record_payment", pay).unwrap();
    let page = invoke(
        &h,
        "list_invoices",
        json!({ "query": { "search": "øster", "statuses": ["paid"] } }),
    )
    .unwrap();
    assert_eq!(page["total_count"], 1);
    assert_eq!(page["items"][0]["amount_due"]["amount"], "0.00");
}

#[test]
fn malformed_arguments_are_refused_before_reaching_the_core() {
    let h = harness();
    let err = invoke(
        &h,
        "create_invoice",
        json!({ "input": { "client_id": 1, "lines": [], "surprise": true } }),
    )
    .unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("unknown field"),
        "{err}"
    );
    let float = json!({ "input": { "client_id": 1, "lines": [{ "description": "x", "quantity": 1, "unit_price": 0.1 }] } });
    let err = invoke(&h, "create_invoice", float).unwrap_err();
    assert!(
        err.to_string().contains("as a string"),
        "floats never reach money: {err}"
    );
}

#[test]
fn stripe_commands_answer_in_the_shapes_the_settings_screen_expects() {
    let h = harness();
    assert_eq!(
        invoke(&h, "stripe_status", json!({})).unwrap(),
        json!({ "test": null, "live": null, "active": null })
    );
    // A wrong key is refused next to the field, saying what was pasted, without quoting it. This
    // needs neither Stripe nor the keychain: the shape is checked first.
    let err = invoke(
        &h,
        "stripe_connect",
        json!({ "key": "pk_test_51AbCdEfGhSecretPart", "mode": null }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "key");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("publishable key (pk_test_…)"), "{message}");
    assert!(!message.contains("SecretPart"), "{message}");
    let err = invoke(
        &h,
        "stripe_connect",
        json!({ "key": "sk_test_51AbC dEfGh1234", "mode": "test" }),
    )
    .unwrap_err();
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("invalid"), Some("key"))
    );
    // Refreshing a mode that isn't connected says so (and asks no one).
    let err = invoke(&h, "stripe_refresh", json!({ "mode": "live" })).unwrap_err();
    assert_eq!(err["code"], "stripe_not_connected");
    let err = invoke(&h, "stripe_set_active_mode", json!({ "mode": "test" })).unwrap_err();
    assert_eq!(err["code"], "stripe_not_connected");
    let err = invoke(&h, "stripe_refresh", json!({ "mode": "prod" })).unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
}

#[test]
fn a_logo_goes_in_as_bytes_comes_back_as_a_data_url_and_can_be_removed() {
    let h = harness();
    assert_eq!(invoke(&h, "get_logo", json!({})).unwrap(), Value::Null);

    let err = invoke(&h, "set_logo", json!({ "bytes": b"GIF89a".to_vec() })).unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "logo");
    assert_eq!(err["message"], "The logo must be a PNG or JPEG image.");
    let too_big = [&b"\x89PNG\r\n\x1a\n"[..], &vec![0u8; 1024 * 1024]].concat();
    let err = invoke(&h, "set_logo", json!({ "bytes": too_big })).unwrap_err();
    assert_eq!(err["field"], "logo");
    assert_eq!(invoke(&h, "get_logo", json!({})).unwrap(), Value::Null);

    let png = b"\x89PNG\r\n\x1a\nabc".to_vec();
    invoke(&h, "set_logo", json!({ "bytes": png })).unwrap();
    assert_eq!(
        invoke(&h, "get_logo", json!({})).unwrap(),
        json!("data:image/png;base64,iVBORw0KGgphYmM=")
    );
    assert_eq!(
        invoke(&h, "get_business", json!({})).unwrap()["has_logo"],
        true
    );

    assert_eq!(invoke(&h, "clear_logo", json!({})).unwrap(), Value::Null);
    assert_eq!(invoke(&h, "get_logo", json!({})).unwrap(), Value::Null);
    assert_eq!(
        invoke(&h, "get_business", json!({})).unwrap()["has_logo"],
        false
    );
}

#[test]
fn the_dashboard_command_has_twelve_months() {
    let h = harness();
    let dash = invoke(&h, "dashboard", json!({})).unwrap();
    let months = dash["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["paid"][0]["currency"], "USD");
}
