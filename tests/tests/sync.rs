//! `paydesk sync` end to end against the Stripe simulator: the link printed on an invoice's PDF is
//! paid through the simulator's hosted form, and a sync marks the invoice Paid with Stripe's fee;
//! a sync killed with SIGKILL mid-way loses nothing and applies nothing twice when run again.
//! Needs scripts/with-keychain.sh (the Stripe key lives in the keychain) and poppler (pdfinfo).

use paydesk_system_tests::{ok, paydesk, paydesk_bin, tool};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use stripe_sim::{Fault, Mode, Simulator};

struct Shop {
    sim: Simulator,
    _rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Shop {
    fn open(name: &str) -> Option<Shop> {
        if std::env::var("PAYDESK_NO_KEYCHAIN").as_deref() == Ok("1") {
            eprintln!("SKIPPED: PAYDESK_NO_KEYCHAIN=1");
            return None;
        }
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sim = rt.block_on(Simulator::start());
        let env = vec![
            ("PAYDESK_STRIPE_API_BASE".to_string(), sim.base_url()),
            (
                "PAYDESK_KEYCHAIN_SERVICE".to_string(),
                format!("paydesk-systest-{name}-{}", std::process::id()),
            ),
        ];
        let shop = Shop {
            sim,
            _rt: rt,
            dir: tempfile::tempdir().unwrap(),
            env,
        };
        ok(shop.paydesk_in(&["stripe", "connect"], &shop.sim.secret_key(Mode::Test)));
        shop.run(&[
            "business",
            "set",
            "--name",
            "Salon Zoë",
            "--currency",
            "EUR",
        ]);
        shop.run(&[
            "client",
            "add",
            "--name",
            "Zoë Øster",
            "--email",
            "zoe@example.com",
        ]);
        Some(shop)
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn paydesk_in(&self, args: &[&str], stdin: &str) -> std::process::Output {
        paydesk(self.dir.path(), &self.env(), args, stdin)
    }

    fn run(&self, args: &[&str]) -> Value {
        ok(self.paydesk_in(args, ""))
    }

    /// A finalized invoice of 120.00 EUR; returns its id and pay link.
    fn sent_invoice(&self) -> (i64, String) {
        let draft = self.run(&[
            "invoice",
            "create",
            "--client",
            "1",
            "--line",
            "Colour|1|100|20",
        ]);
        let id = draft["id"].as_i64().unwrap();
        let sent = self.run(&["invoice", "finalize", &id.to_string()]);
        (id, sent["pay_link"]["url"].as_str().unwrap().to_string())
    }

    fn paid_count(&self) -> usize {
        let page = self.run(&["invoice", "list", "--status", "paid", "--limit", "500"]);
        page["items"].as_array().unwrap().len()
    }
}

/// Submits the simulator's hosted pay form the way a browser does (a urlencoded POST).
fn pay_on_hosted_page(url: &str, card: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .expect("the simulator serves http on loopback");
    let (host, path) = rest.split_once('/').unwrap();
    let page = http(
        host,
        &format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    assert!(page.contains("<form method=\"post\""), "{page}");
    let body = format!(
        "email=zoe%40example.com&card={}&method=card",
        card.replace(' ', "+")
    );
    http(
        host,
        &format!(
            "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn http(host: &str, request: &str) -> String {
    let mut s = TcpStream::connect(host).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_link_on_the_pdf_is_paid_and_a_sync_marks_the_invoice_paid_with_the_fee() {
    let Some(shop) = Shop::open("sync-path") else {
        return;
    };
    let (id, _) = shop.sent_invoice();
    let pdf = shop.dir.path().join("invoice.pdf");
    shop.run(&[
        "invoice",
        "pdf",
        &id.to_string(),
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let urls = tool("pdfinfo", &["-url", pdf.to_str().unwrap()]);
    let url = urls
        .lines()
        .skip(1)
        .find_map(|l| l.split_whitespace().last())
        .expect("the PDF has a link")
        .to_string();

    let answer = pay_on_hosted_page(&url, "4242 4242 4242 4242");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("Thank you"), "{answer}");

    let reports = shop.run(&["sync"]);
    assert_eq!(reports[0]["error"], Value::Null, "{reports}");
    let invoice = shop.run(&["invoice", "show", &id.to_string()]);
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_due"]["amount"], "0.00");
    let stripe = shop.run(&["payment", "stripe", &id.to_string()]);
    assert_eq!(stripe[0]["status"], "succeeded");
    // 120.00 EUR at the simulator's 1.5 % + 0.25: fee 2.05, net 117.95.
    assert_eq!(stripe[0]["fee"]["amount"], "2.05");
    assert_eq!(stripe[0]["net"]["amount"], "117.95");
    let activity = shop.run(&["activity"]);
    assert!(
        activity[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Zoë Øster paid INV-2026-0001"),
        "{activity}"
    );
}

#[test]
fn a_sync_killed_midway_loses_nothing_and_applies_nothing_twice() {
    let Some(shop) = Shop::open("sync-kill") else {
        return;
    };
    const N: usize = 24;
    for _ in 0..N {
        let (_, url) = shop.sent_invoice();
        shop.sim.pay_link(&url, "4242424242424242", None).unwrap();
    }
    // Slow Stripe down so the kill lands in the middle of applying.
    shop.sim.inject_fault(Fault::delay_ms(40).method("GET"));
    let env = shop.env();
    let mut child = Command::new(paydesk_bin())
        .arg("--data-dir")
        .arg(shop.dir.path())
        .arg("sync")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while shop.paid_count() < 3 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL: no destructors, no rollback handlers — only SQLite's own atomicity.
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = shop.paid_count();
    assert!(
        (1..N).contains(&after_kill),
        "the kill should land mid-sync: {after_kill} of {N} paid"
    );

    shop.sim.clear_faults();
    let reports = shop.run(&["sync"]);
    assert_eq!(reports[0]["error"], Value::Null, "{reports}");
    assert!(reports[0]["duplicates"].as_u64().unwrap() > 0, "{reports}");
    assert_eq!(shop.paid_count(), N);
    let payments = shop.run(&[
        "payment",
        "list",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
    ]);
    assert_eq!(
        payments.as_array().unwrap().len(),
        N,
        "one payment per invoice"
    );
    let activity = shop.run(&["activity", "--limit", "500"]);
    let received = activity
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "payment_received")
        .count();
    assert_eq!(received, N, "each payment announced once");
}
