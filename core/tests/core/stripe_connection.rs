//! Connecting Stripe, end to end against the Stripe simulator, with keys in the real OS keychain.
//!
//! Run under `scripts/with-keychain.sh cargo test -p paydesk-core`, which gives the tests a private,
//! unlocked keychain. Without a usable keychain the tests that store keys fail, on purpose; set
//! `PAYDESK_NO_KEYCHAIN=1` to skip those (each says so) and still run the rest.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use paydesk_core::stripe::client::{Method, Repeat};
use paydesk_core::stripe::keychain::{Keychain, Store};
use paydesk_core::stripe::retry::RetryPolicy;
use paydesk_core::stripe::{KeyKind, StripeMode, StripeSettings};
use paydesk_core::{Error, Paydesk};
use stripe_sim::{Access, Fault, Mode, Simulator};

/// A keychain namespace no other test (or the owner's real Paydesk) uses.
pub(crate) fn private_keychain() -> Keychain {
    static N: AtomicU32 = AtomicU32::new(0);
    let store = Keychain::from_env().store();
    Keychain::new(
        format!(
            "paydesk-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ),
        store,
    )
}

/// False (after saying why) when keychain tests are to be skipped; otherwise checks there is a
/// keychain to talk to, so a missing one fails loudly instead of looking like a Paydesk bug.
pub(crate) fn keychain_available() -> bool {
    if std::env::var("PAYDESK_NO_KEYCHAIN").as_deref() == Ok("1") {
        eprintln!("SKIPPED keychain part: PAYDESK_NO_KEYCHAIN=1");
        return false;
    }
    if Keychain::from_env().store() == Store::SecretService {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session, so no Secret Service keychain: run the tests under \
             scripts/with-keychain.sh (or set PAYDESK_NO_KEYCHAIN=1 to skip keychain tests)"
        );
    }
    true
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        budget: Duration::from_secs(10),
    }
}

fn settings(sim: &Simulator) -> StripeSettings {
    StripeSettings {
        api_base: sim.base_url(),
        timeout: Duration::from_secs(5),
        retry: fast_retry(),
        keychain: private_keychain(),
    }
}

async fn open(dir: &Path) -> Paydesk {
    Paydesk::open(dir).await.unwrap()
}

fn mode(m: StripeMode) -> Mode {
    match m {
        StripeMode::Test => Mode::Test,
        StripeMode::Live => Mode::Live,
    }
}

/// Every permission Paydesk checks for, so a restricted key can be made to lack just one.
const ALL_PERMISSIONS: &[(&str, Access)] = &[
    ("account", Access::Read),
    ("checkout_sessions", Access::Write),
    ("payment_links", Access::Write),
    ("payment_intents", Access::Write),
    ("setup_intents", Access::Write),
    ("customers", Access::Write),
    ("payment_methods", Access::Write),
    ("products", Access::Write),
    ("prices", Access::Write),
    ("refunds", Access::Write),
    ("events", Access::Read),
    ("disputes", Access::Read),
    ("balance", Access::Read),
    ("balance_transactions", Access::Read),
    ("payouts", Access::Read),
];

/// Asserts nothing of `m` is stored: no account row, and (when testable) no keychain entry.
async fn assert_nothing_stored(app: &Paydesk, s: &StripeSettings, m: StripeMode) {
    let stripe = app.stripe_with(s.clone());
    assert_eq!(stripe.connection(m).await.unwrap(), None);
    if keychain_available() {
        assert!(s.keychain.load(m).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn secret_keys_connect_in_both_modes_and_disconnect() {
    if !keychain_available() {
        return;
    }
    let sim = Simulator::start().await;
    sim.set_account(serde_json::json!({
        "payouts_enabled": false,
        "requirements": {"currently_due": ["external_account"], "past_due": ["tos_acceptance.date"]}
    }));
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let stripe = app.stripe_with(s.clone());

    for m in StripeMode::ALL {
        let key = sim.secret_key(mode(m));
        let done = stripe.connect(&format!("  {key}\n"), None).await.unwrap();
        assert!(done.key_was_trimmed);
        let c = done.connection;
        assert_eq!(c.mode, m);
        assert_eq!(c.account_id, sim.account_id());
        assert_eq!(c.key_kind, KeyKind::Secret);
        assert_eq!(c.key_last4, key[key.len() - 4..]);
        assert_eq!(c.account_name, "Paydesk Sim GmbH");
        assert_eq!(
            (c.country.as_str(), c.default_currency.as_str()),
            ("DE", "eur")
        );
        assert!(c.charges_enabled && !c.payouts_enabled);
        assert_eq!(c.requirements.currently_due, ["external_account"]);
        assert_eq!(c.requirements.past_due, ["tos_acceptance.date"]);
        assert_eq!(s.keychain.load(m).await.unwrap().unwrap().expose(), key);
    }

    // Status comes from the database; a refresh asks Stripe again.
    let status = stripe.status().await.unwrap();
    assert_eq!(status.test.as_ref().unwrap().mode, StripeMode::Test);
    assert_eq!(status.live.as_ref().unwrap().mode, StripeMode::Live);
    sim.set_account(serde_json::json!({"payouts_enabled": true, "requirements": {"currently_due": [], "past_due": []}}));
    let fresh = stripe.refresh(StripeMode::Live).await.unwrap();
    assert!(fresh.payouts_enabled && fresh.requirements.past_due.is_empty());
    assert_eq!(fresh.connected_at, status.live.unwrap().connected_at);

    // With both connected Paydesk works live until the owner switches to test.
    assert_eq!(
        stripe.status().await.unwrap().active,
        Some(StripeMode::Live)
    );
    stripe.set_active_mode(StripeMode::Test).await.unwrap();
    assert_eq!(
        stripe.status().await.unwrap().active,
        Some(StripeMode::Test)
    );

    assert!(stripe.disconnect(StripeMode::Test).await.unwrap());
    assert!(!stripe.disconnect(StripeMode::Test).await.unwrap());
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
    // Live stays connected: the modes are separate, and the choice falls back to what is connected.
    assert!(stripe.connection(StripeMode::Live).await.unwrap().is_some());
    assert_eq!(
        stripe.status().await.unwrap().active,
        Some(StripeMode::Live)
    );
    let err = stripe.set_active_mode(StripeMode::Test).await.unwrap_err();
    assert_eq!(err.code(), "stripe_not_connected");
    assert!(stripe.disconnect(StripeMode::Live).await.unwrap());
    assert_nothing_stored(&app, &s, StripeMode::Live).await;
    assert_eq!(stripe.status().await.unwrap().active, None);
}

#[tokio::test]
async fn restricted_key_with_every_permission_connects() {
    if !keychain_available() {
        return;
    }
    let sim = Simulator::start().await;
    let key = sim.new_restricted_key(Mode::Live, ALL_PERMISSIONS);
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let stripe = app.stripe_with(s.clone());
    let c = stripe
        .connect(&key, Some(StripeMode::Live))
        .await
        .unwrap()
        .connection;
    assert_eq!(
        (c.key_kind, c.mode),
        (KeyKind::Restricted, StripeMode::Live)
    );
    // The probes made no objects.
    let client = stripe.client(StripeMode::Live).await.unwrap();
    let list = client
        .json(Method::GET, "/customers", None, Repeat::Safe, "list")
        .await
        .unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    stripe.disconnect(StripeMode::Live).await.unwrap();
}

#[tokio::test]
async fn restricted_key_missing_permissions_names_them_and_stores_nothing() {
    let sim = Simulator::start().await;
    let perms: Vec<_> = ALL_PERMISSIONS
        .iter()
        .copied()
        .filter(|(r, _)| *r != "events")
        .map(|(r, a)| {
            if r == "customers" {
                (r, Access::Read)
            } else {
                (r, a)
            }
        })
        .collect();
    let key = sim.new_restricted_key(Mode::Test, &perms);
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let e = app
        .stripe_with(s.clone())
        .connect(&key, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_permission");
    let m = e.to_string();
    assert!(m.contains("Customers (write) (rak_customer_write)"), "{m}");
    assert!(m.contains("Events (read) (rak_event_read)"), "{m}");
    assert!(!m.contains("Products"), "{m}");
    assert!(!m.contains(&key[8..]), "{m}");
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
}

#[tokio::test]
async fn revoked_key_is_refused_plainly_and_nothing_is_stored() {
    let sim = Simulator::start().await;
    let key = sim.secret_key(Mode::Test);
    sim.revoke_key(&key);
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let e = app
        .stripe_with(s.clone())
        .connect(&key, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_auth");
    assert!(e.to_string().contains("didn't accept this key"), "{e}");
    assert_no_key_in(&e, &key);
    // A 401 is final: no retries.
    assert_eq!(sim.request_count("/v1/account"), 1);
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
}

#[tokio::test]
async fn wrong_kinds_of_key_are_refused_before_asking_stripe() {
    let sim = Simulator::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let stripe = app.stripe_with(settings(&sim));
    let secret = sim.secret_key(Mode::Test);
    let cases = [
        (secret.replacen("sk_", "pk_", 1), "publishable key"),
        (
            "whsec_abcdefghijklmnopqrstuvwxyz".to_string(),
            "webhook signing secret",
        ),
        (
            format!("{} {}", &secret[..20], &secret[20..]),
            "in the middle",
        ),
    ];
    for (pasted, expected) in cases {
        let e = stripe.connect(&pasted, None).await.unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid", Some("key")));
        assert!(e.to_string().contains(expected), "{e}");
    }
    let e = stripe
        .connect(&secret, Some(StripeMode::Live))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_wrong_mode");
    assert!(sim.request_counts().is_empty());
}

#[tokio::test]
async fn a_rate_limit_storm_is_waited_out() {
    if !keychain_available() {
        return;
    }
    let sim = Simulator::start().await;
    sim.inject_fault(Fault::status(429).times(3).path_prefix("/v1/account"));
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let c = app
        .stripe_with(s.clone())
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap();
    assert_eq!(c.connection.account_id, sim.account_id());
    assert_eq!(sim.request_count("/v1/account"), 4);
    s.keychain.delete(StripeMode::Test).await.unwrap();
}

#[tokio::test]
async fn a_server_error_storm_gives_up_with_a_message() {
    let sim = Simulator::start().await;
    sim.inject_fault(Fault::status(500).path_prefix("/v1/account"));
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let e = app
        .stripe_with(s.clone())
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unavailable");
    assert!(e.to_string().contains("Stripe is having trouble"), "{e}");
    assert_eq!(sim.request_count("/v1/account"), 5, "max_attempts");
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
}

#[tokio::test]
async fn stripe_should_retry_false_is_obeyed() {
    let sim = Simulator::start().await;
    sim.inject_fault(
        Fault::status(503)
            .path_prefix("/v1/account")
            .should_retry(false),
    );
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let e = app
        .stripe_with(settings(&sim))
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unavailable");
    assert_eq!(sim.request_count("/v1/account"), 1);
}

#[tokio::test]
async fn an_unreachable_stripe_says_so() {
    // A port that was free a moment ago and has nobody listening now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = StripeSettings {
        api_base: format!("http://127.0.0.1:{port}/"),
        timeout: Duration::from_secs(2),
        retry: fast_retry(),
        keychain: private_keychain(),
    };
    let key = format!("sk_test_{}", "0".repeat(24));
    let key = key.as_str();
    let e = app
        .stripe_with(s.clone())
        .connect(key, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unreachable");
    assert!(
        e.to_string().starts_with("Paydesk can't reach Stripe"),
        "{e}"
    );
    assert_no_key_in(&e, key);
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
}

#[tokio::test]
async fn a_silent_stripe_times_out() {
    let sim = Simulator::start().await;
    sim.inject_fault(Fault::delay_ms(3_000).path_prefix("/v1/account"));
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let mut s = settings(&sim);
    s.timeout = Duration::from_millis(200);
    s.retry.max_attempts = 2;
    let e = app
        .stripe_with(s)
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unreachable");
    assert!(e.to_string().contains("no answer within 200ms"), "{e}");
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_retried_with_the_same_key() {
    if !keychain_available() {
        return;
    }
    let sim = Simulator::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let stripe = app.stripe_with(s.clone());
    stripe
        .connect(&sim.secret_key(Mode::Test), None)
        .await
        .unwrap();
    let client = stripe.client(StripeMode::Test).await.unwrap();

    // The first POST runs, then its answer is lost; the retry must not create a second customer.
    sim.inject_fault(
        Fault::drop_connection()
            .times(1)
            .path_prefix("/v1/customers")
            .method("POST"),
    );
    let key = stripe
        .new_write_key(StripeMode::Test, "test customer")
        .await
        .unwrap();
    let sent_before = client.requests_sent();
    let customer = client
        .write(
            &stripe_core::customer::CreateCustomer::new().email("zoe@example.com"),
            key.clone(),
        )
        .await
        .unwrap();
    assert_eq!(client.requests_sent() - sent_before, 2);
    assert_eq!(customer.email.as_deref(), Some("zoe@example.com"));

    // Had the retry gone without the key, there would be two customers now.
    let list = client
        .read(&stripe_core::customer::ListCustomer::new())
        .await
        .unwrap();
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].id, customer.id);

    // The key was recorded locally before the call.
    let (recorded,): (String,) =
        sqlx::query_as("SELECT key FROM stripe_idempotency_keys WHERE purpose = 'test customer'")
            .fetch_one(app.database().pool())
            .await
            .unwrap();
    assert_eq!(recorded, key.as_str());
    s.keychain.delete(StripeMode::Test).await.unwrap();
}

#[tokio::test]
async fn the_key_is_never_in_the_data_folder_or_in_errors() {
    let sim = Simulator::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let stripe = app.stripe_with(s.clone());
    let key = sim.secret_key(Mode::Test);
    let keychain = keychain_available();
    if keychain {
        stripe.connect(&key, None).await.unwrap();
    }
    // Errors that carry Stripe's own words, which quote part of the key.
    sim.revoke_key(&key);
    let e = stripe.connect(&key, None).await.unwrap_err();
    assert_no_key_in(&e, &key);
    if keychain {
        let e = stripe.refresh(StripeMode::Test).await.unwrap_err();
        assert_eq!(e.code(), "stripe_auth");
        assert_no_key_in(&e, &key);
    }
    app.database().pool().close().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(20)
                    .any(|w| key.as_bytes().windows(20).any(|k| k == w)),
                "part of the key found in {}",
                path.display()
            );
        }
    }
    if keychain {
        s.keychain.delete(StripeMode::Test).await.unwrap();
    }
}

#[tokio::test]
async fn the_keychain_keeps_each_mode_apart() {
    if !keychain_available() {
        return;
    }
    let k = private_keychain();
    let test = paydesk_core::stripe::Secret::new("sk_test_51KeychainRoundTrip");
    let live = paydesk_core::stripe::Secret::new("rk_live_51KeychainRoundTrip");
    k.save(StripeMode::Test, &test).await.unwrap();
    k.save(StripeMode::Live, &live).await.unwrap();
    assert_eq!(k.load(StripeMode::Test).await.unwrap(), Some(test));
    assert_eq!(k.load(StripeMode::Live).await.unwrap(), Some(live));
    k.delete(StripeMode::Test).await.unwrap();
    k.delete(StripeMode::Test).await.unwrap();
    assert_eq!(k.load(StripeMode::Test).await.unwrap(), None);
    k.delete(StripeMode::Live).await.unwrap();
}

/// The key — or any 12-character piece of its secret part — is in neither Display nor Debug.
fn assert_no_key_in(e: &Error, key: &str) {
    let secret_part = &key[8..];
    for text in [e.to_string(), format!("{e:?}")] {
        for i in 0..secret_part.len().saturating_sub(12) {
            let piece = &secret_part[i..i + 12];
            assert!(!text.contains(piece), "key piece {piece:?} in {text}");
        }
    }
}

#[tokio::test]
async fn a_restricted_key_that_cannot_read_the_account_says_so() {
    let sim = Simulator::start().await;
    let perms: Vec<_> = ALL_PERMISSIONS
        .iter()
        .copied()
        .filter(|(r, _)| *r != "account")
        .collect();
    let key = sim.new_restricted_key(Mode::Test, &perms);
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let s = settings(&sim);
    let e = app
        .stripe_with(s.clone())
        .connect(&key, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_permission");
    assert!(
        e.to_string()
            .contains("Account details (read) (rak_account_read)"),
        "{e}"
    );
    assert_nothing_stored(&app, &s, StripeMode::Test).await;
}

#[tokio::test]
async fn a_write_without_an_idempotency_key_is_never_repeated() {
    let sim = Simulator::start().await;
    sim.inject_fault(
        Fault::status(500)
            .times(1)
            .path_prefix("/v1/customers")
            .method("POST"),
    );
    let client = paydesk_core::stripe::StripeClient::new(
        paydesk_core::stripe::Secret::new(sim.secret_key(Mode::Test)),
        StripeMode::Test,
        &settings(&sim),
    )
    .unwrap();
    let e = stripe_core::customer::CreateCustomer::new()
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "stripe_unavailable");
    assert_eq!(client.requests_sent(), 1);
    assert_eq!(sim.request_count("/v1/customers"), 1);
}
