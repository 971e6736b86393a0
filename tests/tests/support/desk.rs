//! A Paydesk data folder driven through the `paydesk` binary: connected to a fresh Stripe
//! simulator (the key in a private keychain service) and sending mail through a real SMTP server
//! on loopback, as "Salon Zoë" in EUR.

use std::path::Path;
use std::process::Output;

use paydesk_system_tests::{ok, paydesk};
use serde_json::Value;
use stripe_sim::{Mode, Simulator};

use crate::smtp::SmtpServer;

pub struct Desk {
    pub sim: Simulator,
    pub smtp: SmtpServer,
    dir: tempfile::TempDir,
    env: [(&'static str, String); 2],
    // Dropped last: the simulator runs on it.
    _rt: tokio::runtime::Runtime,
}

impl Desk {
    /// `None` (the test says it skipped) where there is no keychain to keep the Stripe key in.
    pub fn open(name: &str) -> Option<Desk> {
        if std::env::var("PAYDESK_NO_KEYCHAIN").as_deref() == Ok("1") {
            eprintln!("SKIPPED: PAYDESK_NO_KEYCHAIN=1");
            return None;
        }
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sim = rt.block_on(Simulator::start());
        let desk = Desk {
            env: [
                ("PAYDESK_STRIPE_API_BASE", sim.base_url()),
                (
                    "PAYDESK_KEYCHAIN_SERVICE",
                    format!("paydesk-systest-{name}-{}", std::process::id()),
                ),
            ],
            sim,
            smtp: SmtpServer::start(),
            dir: tempfile::tempdir().unwrap(),
            _rt: rt,
        };
        desk.raw_with_stdin(&["stripe", "connect"], &desk.sim.secret_key(Mode::Test));
        desk.run(&[
            "business",
            "set",
            "--name",
            "Salon Zoë",
            "--currency",
            "EUR",
        ]);
        let port = desk.smtp.port.to_string();
        desk.run(&[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "plain",
            "--from-address",
            "desk@salon.example",
        ]);
        Some(desk)
    }

    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    #[allow(dead_code)]
    pub fn base(&self) -> &str {
        &self.env[0].1
    }

    /// Runs `paydesk --json ARGS`, which must succeed; its JSON answer.
    pub fn run(&self, args: &[&str]) -> Value {
        ok(self.raw(args))
    }

    /// Runs `paydesk --json ARGS` whatever comes of it.
    pub fn raw(&self, args: &[&str]) -> Output {
        self.raw_with_stdin(args, "")
    }

    fn raw_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        paydesk(self.dir.path(), &env, args, stdin)
    }
}
