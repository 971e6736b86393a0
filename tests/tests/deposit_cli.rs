//! The booking deposit flow and cancellation fees from the command line, against the Stripe
//! simulator and a real SMTP server on loopback: `policy set`, `booking add` (the policy asks a deposit) emails a pay
//! link for 30 %, paying it turns the deposit paid after `sync`; a late `booking cancel` proposes
//! the fee and `booking fee` emails its pay link (no card saved); `invoice charge` of several
//! invoices without a card exits 1 and says why for each. Needs scripts/with-keychain.sh and
//! scripts/python-tools.sh, as scripts/test.sh provides.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/smtp.rs"]
mod smtp;

use chrono::{Duration, Utc};
use desk::Desk;

#[test]
fn deposit_then_late_cancellation_fee_from_the_command_line() {
    let Some(desk) = Desk::open("deposit") else {
        return;
    };
    let (sim, smtp) = (&desk.sim, &desk.smtp);
    let run = |args: &[&str]| desk.run(args);
    let policy = run(&[
        "policy",
        "set",
        "--deposit",
        "30%",
        "--cancel-window",
        "48",
        "--cancel-fee",
        "50%",
    ]);
    assert_eq!(policy["deposit"]["kind"], "percent");
    assert_eq!(policy["deposit"]["value"], "30");
    // A deposit below 10 % is refused with the field named, and nothing changes.
    let bad = desk.raw(&["policy", "set", "--deposit", "5%"]);
    assert_eq!(bad.status.code(), Some(1));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(said.contains("between 10% and 100%"), "{said}");
    assert_eq!(run(&["policy", "show"])["deposit"]["value"], "30");

    run(&["staff", "add", "--name", "Ana"]);
    run(&[
        "service",
        "add",
        "--name",
        "Colour",
        "--duration",
        "90",
        "--price",
        "80",
        "--tax-rate",
        "25",
    ]);
    run(&[
        "client",
        "add",
        "--name",
        "Zoë Øster",
        "--email",
        "zoe@example.com",
    ]);

    let in_days = |n: i64| {
        (Utc::now() + Duration::days(n))
            .format("%Y-%m-%d 10:00")
            .to_string()
    };
    let booked = run(&[
        "booking",
        "add",
        "--client",
        "1",
        "--staff",
        "1",
        "--service",
        "1",
        "--start",
        &in_days(5),
    ]);
    // 80.00 + 25 % = 100.00; 30 % of it.
    assert_eq!(booked["deposit"]["amount"]["amount"], "30.00");
    assert_eq!(booked["deposit"]["state"], "awaiting");
    let url = booked["pay_link"].as_str().unwrap().to_string();
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Deposit to confirm your booking: 30.00 EUR"));
    assert!(mail[0].contains(&url));

    let session = sim.pay_link(&url, "4242424242424242", None).unwrap();
    assert_eq!(session["amount_total"], 3000);
    run(&["sync"]);
    let deposit = run(&["booking", "deposit", "1"]);
    assert_eq!(deposit["state"], "paid");
    let invoice = run(&["invoice", "show", &deposit["invoice_id"].to_string()]);
    assert_eq!(invoice["status"], "partially_paid");
    assert_eq!(invoice["amount_due"]["amount"], "70.00");

    // Tomorrow's booking cancelled today: inside the 48-hour window, half the price proposed.
    run(&[
        "booking",
        "add",
        "--client",
        "1",
        "--staff",
        "1",
        "--service",
        "1",
        "--start",
        &in_days(1),
        "--no-deposit",
    ]);
    let cancelled = run(&["booking", "cancel", "2"]);
    assert_eq!(cancelled["booking"]["status"], "cancelled");
    assert_eq!(cancelled["fee"]["amount"]["amount"], "50.00");
    assert_eq!(cancelled["fee"]["reason"], "late_cancellation");
    let fee = run(&["booking", "fee", "2"]);
    let fee_link = fee["pay_link"].as_str().unwrap();
    assert_eq!(fee["charge"], serde_json::Value::Null, "no card saved");
    let mail = smtp.messages();
    let amounts: Vec<&str> = mail
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.starts_with("Deposit to") || l.starts_with("Amount due"))
        })
        .collect();
    assert_eq!(amounts.len(), 2, "{amounts:?}");
    assert_eq!(
        amounts[0],
        "Deposit to confirm your booking: 30.00 EUR (of 100.00 EUR in all)"
    );
    assert!(
        amounts[1].starts_with("Amount due: 50.00 EUR"),
        "{amounts:?}"
    );
    assert!(mail[1].contains(fee_link));
    assert!(mail[1].contains("Late cancellation fee") || mail[1].contains("50.00 EUR"));

    // Bulk charge of two invoices with no card saved: exit 1, a reason for each.
    let fee_invoice = fee["invoice_id"].to_string();
    let deposit_invoice = deposit["invoice_id"].to_string();
    let bulk = desk.raw(&["invoice", "charge", &deposit_invoice, &fee_invoice]);
    assert_eq!(bulk.status.code(), Some(1));
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&bulk.stdout),
        String::from_utf8_lossy(&bulk.stderr)
    );
    assert!(out.contains("no card saved"), "{out}");
}
