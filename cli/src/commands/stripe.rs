//! `paydesk stripe`: connect a Stripe account with an API key, see what is connected, disconnect.
//! The key is read from stdin or typed at a hidden prompt, never taken as an argument: arguments
//! end up in shell history and are visible to every user through `ps`.

use clap::{Subcommand, ValueEnum};
use std::io::{IsTerminal, Read};

use super::{CliError, CmdResult};
use crate::output::{table, Out};
use paydesk_core::stripe::{StripeConnection, StripeMode, StripeStatus};
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum StripeCmd {
    /// Connect a Stripe account. Paste the secret key (sk_…) or a restricted key (rk_…) at the
    /// prompt, or pipe it on stdin: `paydesk stripe connect < key.txt`.
    Connect {
        /// The mode the key is meant for; `auto` takes it from the key (sk_test_… is test mode).
        #[arg(long, value_enum, default_value_t = ModeChoice::Auto)]
        mode: ModeChoice,
    },
    /// Show the connected Stripe accounts (test and live mode).
    Status {
        /// Ask Stripe for the accounts' current state first (payouts enabled, anything due).
        #[arg(long)]
        refresh: bool,
    },
    /// Work in test or live mode (new pay links and charges use it). The mode must be connected.
    Use {
        #[arg(long, value_enum)]
        mode: Mode,
    },
    /// Forget the key and account of one mode. Payments already recorded stay.
    Disconnect {
        #[arg(long, value_enum)]
        mode: Mode,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeChoice {
    Auto,
    Test,
    Live,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Mode {
    Test,
    Live,
}

impl From<Mode> for StripeMode {
    fn from(m: Mode) -> StripeMode {
        match m {
            Mode::Test => StripeMode::Test,
            Mode::Live => StripeMode::Live,
        }
    }
}

pub async fn run(app: &Paydesk, cmd: StripeCmd, out: &Out) -> CmdResult {
    let stripe = app.stripe();
    match cmd {
        StripeCmd::Connect { mode } => {
            let mode = match mode {
                ModeChoice::Auto => None,
                ModeChoice::Test => Some(StripeMode::Test),
                ModeChoice::Live => Some(StripeMode::Live),
            };
            let key = read_key()?;
            let connected = stripe.connect(&key, mode).await?;
            out.emit(&connected, || {
                let mut text = describe(&connected.connection);
                if connected.key_was_trimmed {
                    text.push_str("\n(We removed spaces around the key.)");
                }
                text
            });
        }
        StripeCmd::Status { refresh } => {
            let mut status = stripe.status().await?;
            if refresh {
                if status.test.is_some() {
                    status.test = Some(stripe.refresh(StripeMode::Test).await?);
                }
                if status.live.is_some() {
                    status.live = Some(stripe.refresh(StripeMode::Live).await?);
                }
            }
            out.emit(&status, || status_table(&status));
        }
        StripeCmd::Use { mode } => {
            let mode = StripeMode::from(mode);
            stripe.set_active_mode(mode).await?;
            out.emit(&serde_json::json!({ "active": mode }), || {
                format!("Paydesk now works in Stripe {} mode.", mode.as_str())
            });
        }
        StripeCmd::Disconnect { mode } => {
            let mode = StripeMode::from(mode);
            let was = stripe.disconnect(mode).await?;
            out.emit(
                &serde_json::json!({ "mode": mode, "disconnected": was }),
                || {
                    if was {
                        format!("Disconnected Stripe {} mode.", mode.as_str())
                    } else {
                        format!("Stripe {} mode wasn't connected.", mode.as_str())
                    }
                },
            );
        }
    }
    Ok(())
}

/// The key from a hidden prompt when a person is typing, else all of stdin.
fn read_key() -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Stripe secret or restricted key (hidden): ")
            .map_err(|e| CliError::usage(format!("couldn't read the key: {e}")))
    } else {
        let mut key = String::new();
        std::io::stdin()
            .read_to_string(&mut key)
            .map_err(|e| CliError::usage(format!("couldn't read the key from stdin: {e}")))?;
        // The line end `echo key |` adds is not "spaces around the key" worth mentioning.
        let line = key.strip_suffix('\n').unwrap_or(&key);
        Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
    }
}

fn describe(c: &StripeConnection) -> String {
    let name = if c.account_name.is_empty() {
        c.account_id.clone()
    } else {
        format!("{} ({})", c.account_name, c.account_id)
    };
    let mut text = format!(
        "Connected Stripe {} mode: {name}, {}, {}. Key …{} ({}).",
        c.mode.as_str(),
        c.country,
        c.default_currency.to_uppercase(),
        c.key_last4,
        c.key_kind.as_str()
    );
    if !c.charges_enabled || !c.payouts_enabled {
        text.push_str(&format!(
            "\nStripe hasn't enabled {} yet: finish the account setup in the Stripe Dashboard.",
            match (c.charges_enabled, c.payouts_enabled) {
                (false, false) => "payments or payouts",
                (false, true) => "payments",
                _ => "payouts",
            }
        ));
    }
    let due: Vec<&str> = c
        .requirements
        .past_due
        .iter()
        .chain(&c.requirements.currently_due)
        .map(String::as_str)
        .collect();
    if !due.is_empty() {
        text.push_str(&format!("\nStripe needs: {}", due.join(", ")));
    }
    text
}

fn status_table(s: &StripeStatus) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let rows = [(StripeMode::Test, &s.test), (StripeMode::Live, &s.live)]
        .iter()
        .map(|(mode, c)| match c {
            Some(c) => vec![
                mode.as_str().into(),
                c.account_id.clone(),
                c.account_name.clone(),
                c.country.clone(),
                c.default_currency.to_uppercase(),
                format!("…{} ({})", c.key_last4, c.key_kind.as_str()),
                yes_no(c.charges_enabled),
                yes_no(c.payouts_enabled),
            ],
            None => vec![mode.as_str().into(), "not connected".into()],
        })
        .zip([StripeMode::Test, StripeMode::Live])
        .map(|(mut row, mode)| {
            if s.active == Some(mode) {
                row[0].push_str(" (in use)");
            }
            row
        })
        .map(|mut row| {
            row.resize(8, String::new());
            row
        })
        .collect::<Vec<_>>();
    table(
        &[
            "MODE", "ACCOUNT", "NAME", "COUNTRY", "CURRENCY", "KEY", "CHARGES", "PAYOUTS",
        ],
        &rows,
    )
}
