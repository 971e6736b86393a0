//! Bookings that take deposits, auto-charge on send and cancellation fees, against the Stripe
//! simulator and a real SMTP server on loopback: a 30 % deposit leaves the booking's invoice
//! Partially paid and the final request asks only the rest; 100 % pays it; an unpaid deposit
//! releases the booking (or keeps it); moving a booking never asks again; auto-charge follows the
//! business default and the client's override, and a declined card falls back to a pay link; a late
//! cancellation's fee is proposed, confirmed and charged, less the deposit kept.
//! Keys live in the real keychain, so run under scripts/with-keychain.sh.

use chrono::{Duration, TimeZone, Utc};
use mail_parser::MessageParser;
use paydesk_core::activity::ActivityKind;
use paydesk_core::booking::{BookingInput, BookingStatus};
use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::deposit::DepositState;
use paydesk_core::invoice::{InvoiceState, InvoiceStatus};
use paydesk_core::mail::{Mail, SmtpSecurity};
use paydesk_core::paylink::{PayLink, PayLinkState};
use paydesk_core::payment::RefundInput;
use paydesk_core::policy::{AmountRule, BookingPolicy, RuleKind, UnpaidDeposit};
use paydesk_core::sending::SendInvoiceInput;
use paydesk_core::service::ServiceInput;
use paydesk_core::staff::StaffInput;

use crate::charges::{also_save, client_with_saved_card, next_invoice, payment_intents_of};
use crate::mail::{mail_settings, smtp, ServerOptions, SmtpServer};
use crate::pay_links::{shop, Shop};
use crate::pdf::{qr_on_first_page, save, text as pdf_text};
use crate::support::d;

const VISA: &str = "4242424242424242";
const ZOE: &str = "zoe@example.com";

fn percent(v: &str) -> AmountRule {
    AmountRule {
        kind: RuleKind::Percent,
        value: d(v),
    }
}

async fn set_policy(shop: &Shop, change: impl FnOnce(&mut BookingPolicy)) {
    let mut p = shop.t.app.booking_policy().await.unwrap();
    change(&mut p);
    shop.t.app.set_booking_policy(&p).await.unwrap();
}

async fn mail_on(shop: &Shop, server: &SmtpServer) -> Mail {
    let mail = shop.t.app.mail_with(mail_settings(None));
    mail.configure_smtp(&smtp(server.port, SmtpSecurity::Plain, ""), None)
        .await
        .unwrap();
    mail
}

/// The text of the `n`th email the server received.
fn email_text(server: &SmtpServer, n: usize) -> String {
    let received = server.received();
    let email = MessageParser::default().parse(&received[n].0).unwrap();
    email.body_text(0).unwrap().to_string()
}

/// Gives the client an email address.
async fn with_email(shop: &Shop, client_id: i64) {
    let c = shop.t.app.client(client_id).await.unwrap();
    shop.t
        .app
        .update_client(
            client_id,
            &ClientInput {
                name: c.name,
                email: ZOE.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

/// Books `client` with Ana for a 100.00 EUR colour, `days` from now at 10:00 UTC.
async fn book(shop: &Shop, client_id: i64, days: i64) -> i64 {
    let app = &shop.t.app;
    let ana = app
        .create_staff(&StaffInput {
            name: format!("Ana {days}"),
            email: String::new(),
            active: true,
        })
        .await
        .unwrap()
        .id;
    let colour = app
        .create_service(&ServiceInput {
            name: "Colour".into(),
            duration_minutes: 90,
            price: d("100.00"),
            currency: None,
            tax_rate: d("0"),
            active: true,
        })
        .await
        .unwrap()
        .id;
    let day = (app.now() + Duration::days(days)).date_naive();
    let starts_at = Utc.from_utc_datetime(&day.and_hms_opt(10, 0, 0).unwrap());
    app.create_booking(&BookingInput {
        client_id,
        staff_id: ana,
        service_ids: vec![colour],
        starts_at,
        ends_at: None,
        notes: String::new(),
    })
    .await
    .unwrap()
    .id
}

/// The invoice's live pay link, made now if it has none.
async fn live_link(shop: &Shop, invoice_id: i64) -> PayLink {
    shop.stripe()
        .pay_links()
        .sync(invoice_id)
        .await
        .unwrap()
        .unwrap()
}

/// The client pays the link on Stripe's (the simulator's) hosted page with a Visa.
fn pay(shop: &Shop, link: &PayLink) {
    shop.sim
        .pay_link(link.url.as_deref().unwrap(), VISA, Some(ZOE))
        .unwrap();
}

async fn new_client(shop: &Shop) -> i64 {
    shop.t
        .app
        .create_client(&ClientInput {
            name: "Zoë Øster".into(),
            email: ZOE.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_thirty_percent_deposit_leaves_the_invoice_partially_paid_and_the_final_asks_the_rest() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let mail = mail_on(&shop, &server).await;
    set_policy(&shop, |p| p.deposit = percent("30")).await;
    let zoe = new_client(&shop).await;
    let booking = book(&shop, zoe, 5).await;
    assert_eq!(
        shop.t
            .app
            .deposit_quote(booking)
            .await
            .unwrap()
            .unwrap()
            .amount(),
        d("30.00")
    );

    let req = shop
        .stripe()
        .send_deposit_request(&mail, booking, None)
        .await
        .unwrap();
    let (deposit, sent) = (req.deposit, req.sent);
    assert_eq!(deposit.amount.amount(), d("30.00"));
    assert_eq!(deposit.total.amount(), d("100.00"));
    assert_eq!(deposit.state, DepositState::Awaiting);
    let link = sent.pay_link.clone().unwrap();
    assert_eq!(
        link.amount.amount(),
        d("30.00"),
        "the link asks only the deposit"
    );
    let text = email_text(&server, 0);
    assert!(
        text.contains("Deposit to confirm your booking: 30.00 EUR (of 100.00 EUR in all)"),
        "{text}"
    );
    assert!(
        text.contains("please pay the deposit of 30.00 EUR"),
        "{text}"
    );
    assert!(text.contains(link.url.as_deref().unwrap()), "{text}");
    // The PDF asks what the link asks: the deposit now, of the whole.
    let dir = tempfile::tempdir().unwrap();
    let pdf = save(dir.path(), "deposit.pdf", &sent.pdf.bytes);
    let words = pdf_text(&pdf);
    assert!(words.contains("Deposit due now"), "{words}");
    assert!(
        words.contains("Deposit due now: 30,00 € (of 100,00 € due in all)"),
        "{words}"
    );
    assert_eq!(qr_on_first_page(&pdf).as_deref(), link.url.as_deref());

    pay(&shop, &link);
    shop.pass().await;
    let inv = shop.t.app.invoice(deposit.invoice_id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::PartiallyPaid);
    assert_eq!(inv.paid.amount(), d("30.00"));
    assert_eq!(inv.amount_due.amount(), d("70.00"));
    let deposit = shop.t.app.booking_deposit(booking).await.unwrap().unwrap();
    assert_eq!(deposit.state, DepositState::Paid);

    // After the appointment the invoice goes out again and asks only for the rest.
    shop.t
        .app
        .set_booking_status(booking, BookingStatus::Completed)
        .await
        .unwrap();
    let final_send = shop
        .t
        .app
        .send_invoice(
            &shop.stripe(),
            &mail,
            deposit.invoice_id,
            &SendInvoiceInput::default(),
        )
        .await
        .unwrap();
    let rest = final_send.pay_link.clone().unwrap();
    assert_eq!(rest.amount.amount(), d("70.00"));
    let text = email_text(&server, 1);
    assert!(text.contains("Amount due: 70.00 EUR"), "{text}");
    let pdf = save(dir.path(), "final.pdf", &final_send.pdf.bytes);
    let words = pdf_text(&pdf);
    assert!(!words.contains("Deposit due now"), "{words}");
    assert!(words.contains("Amount due: 70,00 €"), "{words}");
    pay(&shop, &rest);
    shop.pass().await;
    let inv = shop.t.app.invoice(deposit.invoice_id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.payments.len(), 2);

    // The deposit can be given back from the booking, in part.
    let deposit_payment = inv.payments.iter().min_by_key(|p| p.id).unwrap().id;
    let refund = shop
        .stripe()
        .refund(
            deposit_payment,
            &RefundInput {
                amount: Some(d("10.00")),
                reason: "Goodwill".into(),
                refunded_on: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(refund.amount.amount(), d("10.00"));
    let invoices = shop.t.app.booking_invoices(booking).await.unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].refunded.amount(), d("10.00"));
}

#[tokio::test]
async fn a_full_deposit_pays_the_booking_invoice() {
    let Some(shop) = shop().await else { return };
    set_policy(&shop, |p| p.deposit = percent("100")).await;
    let zoe = new_client(&shop).await;
    let booking = book(&shop, zoe, 5).await;
    let deposit = shop.t.app.ask_deposit(booking).await.unwrap();
    let link = live_link(&shop, deposit.invoice_id).await;
    assert_eq!(link.amount.amount(), d("100.00"));
    pay(&shop, &link);
    shop.pass().await;
    let inv = shop.t.app.invoice(deposit.invoice_id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.booking_id, Some(booking));
    assert_eq!(
        shop.t
            .app
            .booking_deposit(booking)
            .await
            .unwrap()
            .unwrap()
            .state,
        DepositState::Paid
    );
}

#[tokio::test]
async fn an_unpaid_deposit_releases_the_booking_unless_the_owner_keeps_it() {
    let Some(shop) = shop().await else { return };
    set_policy(&shop, |p| {
        p.deposit = percent("30");
        p.deposit_hold_hours = 2;
        p.unpaid_deposit = UnpaidDeposit::Release;
    })
    .await;
    let zoe = new_client(&shop).await;
    let released = book(&shop, zoe, 5).await;
    let kept = book(&shop, zoe, 6).await;
    let paid_late = book(&shop, zoe, 7).await;
    let d1 = shop.t.app.ask_deposit(released).await.unwrap();
    let d2 = shop.t.app.ask_deposit(kept).await.unwrap();
    let d3 = shop.t.app.ask_deposit(paid_late).await.unwrap();
    for d in [&d1, &d2, &d3] {
        live_link(&shop, d.invoice_id).await;
    }
    shop.t.app.keep_booking(kept).await.unwrap();

    // An hour in, nothing happens.
    shop.advance(3600);
    shop.pass().await;
    assert_eq!(
        shop.t.app.booking(released).await.unwrap().status,
        BookingStatus::Booked
    );

    // One deposit is paid just before its time; Paydesk hears of it only in the pass that also
    // finds the others overdue — and that pass applies the payment before releasing anything.
    let link = live_link(&shop, d3.invoice_id).await;
    pay(&shop, &link);
    shop.advance(2 * 3600);
    shop.pass().await;
    assert_eq!(
        shop.t.app.booking(paid_late).await.unwrap().status,
        BookingStatus::Booked
    );
    assert_eq!(
        shop.t
            .app
            .booking_deposit(paid_late)
            .await
            .unwrap()
            .unwrap()
            .state,
        DepositState::Paid
    );
    let b = shop.t.app.booking(released).await.unwrap();
    assert_eq!(b.status, BookingStatus::Cancelled, "the slot is free again");
    let inv = shop.t.app.invoice(d1.invoice_id).await.unwrap();
    assert_eq!(inv.state, InvoiceState::Void);
    let links = shop
        .stripe()
        .pay_links()
        .links(d1.invoice_id)
        .await
        .unwrap();
    assert!(links.iter().all(|l| l.state == PayLinkState::Deactivated));
    let at_stripe = shop.links_at_stripe().await;
    let old = links[0].stripe_id.as_deref().unwrap();
    let old = at_stripe.iter().find(|l| l["id"] == old).unwrap();
    assert_eq!(
        old["active"], false,
        "the deposit link no longer takes money"
    );
    let d1 = shop.t.app.booking_deposit(released).await.unwrap().unwrap();
    assert_eq!(d1.state, DepositState::Released);
    let feed = shop.t.app.activity(20).await.unwrap();
    assert!(feed
        .iter()
        .any(|a| a.kind == ActivityKind::BookingReleased && a.invoice_id == Some(d1.invoice_id)));
    // Released for want of a deposit is not a late cancellation by the client.
    set_policy(&shop, |p| p.cancel_fee = percent("50")).await;
    assert!(shop
        .stripe()
        .fee_proposal(released)
        .await
        .unwrap()
        .is_none());

    // The kept booking stays, its deposit overdue, its link still live.
    assert_eq!(
        shop.t.app.booking(kept).await.unwrap().status,
        BookingStatus::Booked
    );
    let d2 = shop.t.app.booking_deposit(kept).await.unwrap().unwrap();
    assert_eq!(d2.state, DepositState::Overdue);
    assert!(shop
        .stripe()
        .pay_links()
        .current(d2.invoice_id)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn moving_a_booking_never_asks_for_the_deposit_again() {
    let Some(shop) = shop().await else { return };
    set_policy(&shop, |p| p.deposit = percent("30")).await;
    let zoe = new_client(&shop).await;
    let booking = book(&shop, zoe, 5).await;
    let deposit = shop.t.app.ask_deposit(booking).await.unwrap();
    let link = live_link(&shop, deposit.invoice_id).await;
    pay(&shop, &link);
    shop.pass().await;

    let b = shop.t.app.booking(booking).await.unwrap();
    let moved = shop
        .t
        .app
        .update_booking(
            booking,
            &BookingInput {
                client_id: b.client_id,
                staff_id: b.staff_id,
                service_ids: b.service_ids.clone(),
                starts_at: b.starts_at + Duration::days(2),
                ends_at: None,
                notes: "Moved by phone".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.starts_at, b.starts_at + Duration::days(2));
    // Asking again (the booking screen does after a move) returns the same, paid deposit.
    let again = shop.t.app.ask_deposit(booking).await.unwrap();
    assert_eq!(again.invoice_id, deposit.invoice_id);
    assert_eq!(again.state, DepositState::Paid);
    shop.pass().await;
    let live = live_link(&shop, deposit.invoice_id).await;
    assert_eq!(live.amount.amount(), d("70.00"), "only the rest is asked");
    let inv = shop.t.app.invoice(deposit.invoice_id).await.unwrap();
    assert_eq!(inv.payments.len(), 1);
    assert_eq!(inv.paid.amount(), d("30.00"));
    let (invoices,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invoices WHERE booking_id = ?")
        .bind(booking)
        .fetch_one(shop.t.app.database().pool())
        .await
        .unwrap();
    assert_eq!(invoices, 1);
    let (customer,): (String,) =
        sqlx::query_as("SELECT id FROM stripe_customers WHERE client_id = ?")
            .bind(zoe)
            .fetch_one(shop.t.app.database().pool())
            .await
            .unwrap_or_default();
    if !customer.is_empty() {
        assert_eq!(payment_intents_of(&shop, &customer).await.len(), 1);
    }
}

#[tokio::test]
async fn auto_charge_follows_the_default_and_the_client_override_and_a_decline_sends_a_pay_link() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let mail = mail_on(&shop, &server).await;
    let (client_id, customer) = client_with_saved_card(&shop).await;
    with_email(&shop, client_id).await;
    assert!(!shop.t.app.booking_policy().await.unwrap().auto_charge);

    // Default off: sending emails the pay link; the card isn't touched.
    let first = next_invoice(&shop, client_id).await;
    let sent = shop
        .t
        .app
        .send_invoice(&shop.stripe(), &mail, first, &SendInvoiceInput::default())
        .await
        .unwrap();
    assert!(sent.charge.is_none());
    assert!(sent.pay_link.is_some());
    assert_eq!(sent.invoice.status, InvoiceStatus::Open);

    // The client's own choice: on. Sending charges the card; the email is the receipt.
    shop.t
        .app
        .set_client_auto_charge(client_id, Some(true))
        .await
        .unwrap();
    let second = next_invoice(&shop, client_id).await;
    let sent = shop
        .t
        .app
        .send_invoice(&shop.stripe(), &mail, second, &SendInvoiceInput::default())
        .await
        .unwrap();
    let charge = sent.charge.clone().unwrap();
    assert_eq!(charge.status, "succeeded");
    assert_eq!(charge.amount.amount(), d("50.00"));
    assert_eq!(sent.invoice.status, InvoiceStatus::Paid);
    assert!(sent.pay_link.is_none(), "nothing left to pay online");
    let text = email_text(&server, 1);
    assert!(
        text.contains("Your card visa •••• 4242 was charged 50.00 EUR"),
        "{text}"
    );
    assert!(
        text.contains("Total: 50.00 EUR (paid, thank you)"),
        "{text}"
    );
    shop.pass().await;
    assert_eq!(shop.t.app.invoice(second).await.unwrap().payments.len(), 1);

    // A declined card: the client gets the pay link and the reason, the owner an activity item.
    also_save(
        &shop,
        &customer,
        "pm_card_chargeDeclinedInsufficientFunds",
        "2098-01-01T00:00:00Z",
    )
    .await;
    let third = next_invoice(&shop, client_id).await;
    let sent = shop
        .t
        .app
        .send_invoice(&shop.stripe(), &mail, third, &SendInvoiceInput::default())
        .await
        .unwrap();
    let charge = sent.charge.clone().unwrap();
    assert_eq!(charge.status, "failed");
    assert_eq!(sent.invoice.status, InvoiceStatus::Open);
    let link = sent.pay_link.clone().unwrap();
    assert_eq!(link.amount.amount(), d("50.00"));
    let text = email_text(&server, 2);
    assert!(
        text.contains("We couldn't charge your saved card"),
        "{text}"
    );
    assert!(text.contains("insufficient funds"), "{text}");
    assert!(text.contains(link.url.as_deref().unwrap()), "{text}");
    let feed = shop.t.app.activity(20).await.unwrap();
    assert!(feed
        .iter()
        .any(|a| a.kind == ActivityKind::CardChargeFailed && a.invoice_id == Some(third)));

    // The business default on, the client's override off: no charge.
    set_policy(&shop, |p| p.auto_charge = true).await;
    shop.t
        .app
        .set_client_auto_charge(client_id, Some(false))
        .await
        .unwrap();
    let fourth = next_invoice(&shop, client_id).await;
    let sent = shop
        .t
        .app
        .send_invoice(&shop.stripe(), &mail, fourth, &SendInvoiceInput::default())
        .await
        .unwrap();
    assert!(sent.charge.is_none());
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        3,
        "the first link's, the auto-charge and the declined attempt"
    );
}

#[tokio::test]
async fn a_late_cancellation_fee_is_proposed_then_charged_and_a_deposit_counts_toward_a_no_show() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let mail = mail_on(&shop, &server).await;
    set_policy(&shop, |p| {
        p.cancel_window_hours = 48;
        p.cancel_fee = percent("50");
    })
    .await;
    let (client_id, customer) = client_with_saved_card(&shop).await;
    with_email(&shop, client_id).await;

    // Cancelled well ahead: no fee, the (empty) booking invoice is void.
    let early = book(&shop, client_id, 10).await;
    let o = shop
        .stripe()
        .cancel_booking(early, BookingStatus::Cancelled)
        .await
        .unwrap();
    assert!(o.fee.is_none());

    // Cancelled the day before: half the price, to be charged to the saved card once confirmed.
    let late = book(&shop, client_id, 1).await;
    let o = shop
        .stripe()
        .cancel_booking(late, BookingStatus::Cancelled)
        .await
        .unwrap();
    assert_eq!(o.booking.status, BookingStatus::Cancelled);
    let fee = o.fee.unwrap();
    assert_eq!(fee.amount.amount(), d("50.00"));
    assert_eq!(fee.card.as_deref(), Some("visa •••• 4242"));
    assert_eq!(
        payment_intents_of(&shop, &customer).await.len(),
        1,
        "nothing charged before the owner confirms"
    );
    let outcome = shop
        .stripe()
        .charge_booking_fee(&mail, late, None)
        .await
        .unwrap();
    let charge = outcome.sent.charge.clone().unwrap();
    assert_eq!(charge.status, "succeeded");
    assert_eq!(charge.amount.amount(), d("50.00"));
    let inv = shop.t.app.invoice(outcome.invoice_id).await.unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.booking_id, Some(late));
    assert!(inv.lines[0]
        .description
        .starts_with("Late cancellation fee"));
    // Confirming again charges nothing more.
    assert!(shop.stripe().fee_proposal(late).await.unwrap().is_none());
    let again = shop.stripe().charge_booking_fee(&mail, late, None).await;
    assert!(again.is_err() || again.unwrap().sent.charge.is_none());
    assert_eq!(payment_intents_of(&shop, &customer).await.len(), 2);

    // A no-show whose 30 % deposit was paid: the fee less the deposit kept; without a usable card
    // the rest goes out as a pay link.
    set_policy(&shop, |p| p.deposit = percent("30")).await;
    shop.t
        .app
        .update_business(BusinessUpdate {
            save_cards_on_pay: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    let other = new_client(&shop).await;
    let no_show = book(&shop, other, 3).await;
    let deposit = shop.t.app.ask_deposit(no_show).await.unwrap();
    let link = live_link(&shop, deposit.invoice_id).await;
    pay(&shop, &link);
    shop.pass().await;
    let o = shop
        .stripe()
        .cancel_booking(no_show, BookingStatus::NoShow)
        .await
        .unwrap();
    let fee = o.fee.unwrap();
    assert_eq!(fee.fee.amount(), d("50.00"));
    assert_eq!(fee.deposit_kept.amount(), d("30.00"));
    assert_eq!(fee.amount.amount(), d("20.00"));
    assert!(fee.card.is_none());
    // The booking's own invoice: the deposit kept, the rest written off.
    let inv = shop.t.app.invoice(deposit.invoice_id).await.unwrap();
    assert_eq!(inv.state, InvoiceState::Uncollectible);
    let outcome = shop
        .stripe()
        .charge_booking_fee(&mail, no_show, None)
        .await
        .unwrap();
    assert!(outcome.sent.charge.is_none());
    let link = outcome.sent.pay_link.clone().unwrap();
    assert_eq!(link.amount.amount(), d("20.00"));
    let last = server.received().len() - 1;
    let text = email_text(&server, last);
    assert!(text.contains(link.url.as_deref().unwrap()), "{text}");
}

#[tokio::test]
async fn a_save_card_request_saves_a_card_that_can_then_be_charged_warned_about_and_removed() {
    let Some(shop) = shop().await else { return };
    let server = SmtpServer::start(ServerOptions::default());
    let mail = mail_on(&shop, &server).await;
    let zoe = new_client(&shop).await;
    assert!(shop.t.app.saved_cards(zoe).await.unwrap().is_empty());

    let request = shop
        .stripe()
        .send_card_request(&mail, zoe, None)
        .await
        .unwrap();
    assert_eq!(request.status, "open");
    assert_eq!(request.emailed_to.as_deref(), Some(ZOE));
    let url = request.url.clone().unwrap();
    let text = email_text(&server, 0);
    assert!(text.contains(&url), "{text}");
    // Asking again the same day sends the same page: no second customer or session.
    let again = shop.stripe().card_request(zoe).await.unwrap();
    assert_eq!(again.url.as_deref(), Some(url.as_str()));
    let (customers,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM stripe_customers WHERE client_id = ?")
            .bind(zoe)
            .fetch_one(shop.t.app.database().pool())
            .await
            .unwrap();
    assert_eq!(customers, 1);

    // The client saves a card on Stripe's page; Paydesk learns it from the events.
    shop.sim.pay_session(&url, VISA, None).unwrap();
    shop.pass().await;
    let cards = shop.t.app.saved_cards(zoe).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(
        (cards[0].brand.as_str(), cards[0].last4.as_str()),
        ("visa", "4242")
    );
    let feed = shop.t.app.activity(20).await.unwrap();
    assert!(feed.iter().any(|a| a.kind == ActivityKind::CardSaved));

    // That card pays the next invoice in one click.
    let id = next_invoice(&shop, zoe).await;
    let charge = shop.stripe().charge_saved_card(id).await.unwrap();
    assert_eq!(charge.status, "succeeded", "{charge:?}");

    // A card expiring this month is listed for the owner.
    assert!(shop.t.app.expiring_cards().await.unwrap().is_empty());
    let now = shop.t.app.now();
    sqlx::query("UPDATE saved_cards SET exp_month = ?, exp_year = ?")
        .bind(chrono::Datelike::month(&now))
        .bind(chrono::Datelike::year(&now))
        .execute(shop.t.app.database().pool())
        .await
        .unwrap();
    let expiring = shop.t.app.expiring_cards().await.unwrap();
    assert_eq!(expiring.len(), 1);
    assert_eq!(expiring[0].label, "visa •••• 4242");

    // Removed: detached at Stripe, gone from the client, never charged again.
    let card = cards[0].id.clone();
    shop.stripe().remove_card(zoe, &card).await.unwrap();
    assert!(shop.t.app.saved_cards(zoe).await.unwrap().is_empty());
    let client = shop
        .stripe()
        .client(paydesk_core::stripe::StripeMode::Test)
        .await
        .unwrap();
    let pm = client
        .json(
            paydesk_core::stripe::client::Method::GET,
            &format!("/payment_methods/{card}"),
            None,
            paydesk_core::stripe::client::Repeat::Safe,
            "t",
        )
        .await
        .unwrap();
    assert_eq!(pm["customer"], serde_json::Value::Null);
    let next = next_invoice(&shop, zoe).await;
    let err = shop.stripe().charge_saved_card(next).await.unwrap_err();
    assert!(err.to_string().contains("no card saved"), "{err}");
}

#[tokio::test]
async fn the_business_deposit_is_asked_once_per_booking_and_a_booking_starting_soon_is_never_released(
) {
    let Some(shop) = shop().await else { return };
    let app = &shop.t.app;
    set_policy(&shop, |p| {
        p.deposit = AmountRule {
            kind: RuleKind::Fixed,
            value: d("20"),
        };
        p.deposit_hold_hours = 48;
    })
    .await;
    let zoe = new_client(&shop).await;
    let mut services = Vec::new();
    for (name, price) in [
        ("Cut", "45.00"),
        ("Colour", "80.00"),
        ("Treatment", "10.05"),
    ] {
        services.push(
            app.create_service(&ServiceInput {
                name: name.into(),
                duration_minutes: 30,
                price: d(price),
                currency: None,
                tax_rate: d("0"),
                active: true,
            })
            .await
            .unwrap()
            .id,
        );
    }
    // A fixed 20.00 is asked once for the booking, not once per service.
    let quote = app.deposit_quote_for_services(&services).await.unwrap();
    assert_eq!(quote.unwrap().amount(), d("20.00"));
    // A service's own rule adds its part: 50 % of 10.05 = 5.025 → 5.03 (half away from zero).
    app.set_service_deposit(services[2], Some(percent("50")))
        .await
        .unwrap();
    let quote = app.deposit_quote_for_services(&services).await.unwrap();
    assert_eq!(quote.unwrap().amount(), d("25.03"));

    // Booked for this evening, inside the 48-hour hold: due at the start, and kept, not released.
    let ana = app
        .create_staff(&StaffInput {
            name: "Ana".into(),
            email: String::new(),
            active: true,
        })
        .await
        .unwrap()
        .id;
    let soon = app
        .create_booking(&BookingInput {
            client_id: zoe,
            staff_id: ana,
            service_ids: vec![services[0]],
            starts_at: app.now() + Duration::hours(6),
            ends_at: None,
            notes: String::new(),
        })
        .await
        .unwrap()
        .id;
    let deposit = app.ask_deposit(soon).await.unwrap();
    assert_eq!(deposit.on_unpaid, UnpaidDeposit::Keep);
    assert_eq!(deposit.due_at, app.now() + Duration::hours(6));
    shop.advance(7 * 3600);
    shop.pass().await;
    assert_eq!(
        app.booking(soon).await.unwrap().status,
        BookingStatus::Booked
    );
    assert_eq!(
        app.booking_deposit(soon).await.unwrap().unwrap().state,
        DepositState::Overdue
    );
}
