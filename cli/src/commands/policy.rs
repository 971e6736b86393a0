//! `paydesk policy`: deposits, auto-charge and the cancellation fee.

use clap::Subcommand;
use rust_decimal::Decimal;

use super::{CliError, CmdResult};
use crate::output::Out;
use paydesk_core::policy::{AmountRule, BookingPolicy, RuleKind, UnpaidDeposit};
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum PolicyCmd {
    /// Show the deposit, auto-charge and cancellation rules.
    Show,
    /// Change the rules; options left out stay as they are.
    Set {
        /// Business-wide deposit: "30%", a fixed amount like "20", or "none".
        #[arg(long)]
        deposit: Option<String>,
        /// Hours a booking waits for its deposit.
        #[arg(long)]
        hold_hours: Option<u32>,
        /// What happens to a booking whose deposit wasn't paid in time: release or keep.
        #[arg(long)]
        unpaid: Option<String>,
        /// Charge a saved card when an invoice is sent: on or off.
        #[arg(long)]
        auto_charge: Option<String>,
        /// Cancelling less than this many hours before the start is late.
        #[arg(long)]
        cancel_window: Option<u32>,
        /// Late cancellation / no-show fee: "50%", a fixed amount like "15", or "none".
        #[arg(long)]
        cancel_fee: Option<String>,
    },
    /// A service's own deposit: "30%", "20", "none", or "default" (the business-wide one).
    ServiceDeposit { service: i64, rule: String },
}

/// "30%" → 30 percent, "20" → a fixed 20, "none" → no amount.
pub fn parse_rule(text: &str) -> Result<AmountRule, CliError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") || t == "0" {
        return Ok(AmountRule::NONE);
    }
    let (kind, number) = match t.strip_suffix('%') {
        Some(n) => (RuleKind::Percent, n.trim()),
        None => (RuleKind::Fixed, t),
    };
    let value: Decimal = number.parse().map_err(|_| {
        CliError::usage(format!(
            "\"{text}\" isn't a rule; write a percentage like 30%, an amount like 20, or none."
        ))
    })?;
    Ok(AmountRule { kind, value })
}

fn on_off(text: &str) -> Result<bool, CliError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(CliError::usage(format!("\"{text}\": write on or off."))),
    }
}

pub fn rule_words(r: &AmountRule) -> String {
    match r.kind {
        RuleKind::None => "none".into(),
        RuleKind::Percent => format!("{}%", r.value),
        RuleKind::Fixed => r.value.to_string(),
    }
}

fn show(p: &BookingPolicy) -> String {
    format!(
        "Deposit          {}\nWait for it      {} hours, then {}\nAuto-charge      {}\n\
         Cancellation     less than {} hours before: fee {}",
        rule_words(&p.deposit),
        p.deposit_hold_hours,
        match p.unpaid_deposit {
            UnpaidDeposit::Release => "release the booking",
            UnpaidDeposit::Keep => "keep the booking",
        },
        if p.auto_charge { "on" } else { "off" },
        p.cancel_window_hours,
        rule_words(&p.cancel_fee)
    )
}

pub async fn run(app: &Paydesk, cmd: PolicyCmd, out: &Out) -> CmdResult {
    match cmd {
        PolicyCmd::Show => {
            let p = app.booking_policy().await?;
            out.emit(&p, || show(&p));
        }
        PolicyCmd::Set {
            deposit,
            hold_hours,
            unpaid,
            auto_charge,
            cancel_window,
            cancel_fee,
        } => {
            let mut p = app.booking_policy().await?;
            if let Some(d) = deposit {
                p.deposit = parse_rule(&d)?;
            }
            if let Some(h) = hold_hours {
                p.deposit_hold_hours = h;
            }
            if let Some(u) = unpaid {
                p.unpaid_deposit = UnpaidDeposit::parse(u.trim())
                    .ok_or_else(|| CliError::usage(format!("\"{u}\": write release or keep.")))?;
            }
            if let Some(a) = auto_charge {
                p.auto_charge = on_off(&a)?;
            }
            if let Some(w) = cancel_window {
                p.cancel_window_hours = w;
            }
            if let Some(f) = cancel_fee {
                p.cancel_fee = parse_rule(&f)?;
            }
            let p = app.set_booking_policy(&p).await?;
            out.emit(&p, || show(&p));
        }
        PolicyCmd::ServiceDeposit { service, rule } => {
            let rule = if rule.trim().eq_ignore_ascii_case("default") {
                None
            } else {
                Some(parse_rule(&rule)?)
            };
            let saved = app.set_service_deposit(service, rule).await?;
            out.emit(
                &serde_json::json!({ "service_id": service, "deposit": saved }),
                || match &saved {
                    Some(r) => format!("Service {service} asks a deposit of {}.", rule_words(r)),
                    None => format!("Service {service} follows the business-wide deposit."),
                },
            );
        }
    }
    Ok(())
}

pub fn parse_on_off_default(text: &str) -> Result<Option<bool>, CliError> {
    if text.trim().eq_ignore_ascii_case("default") {
        Ok(None)
    } else {
        on_off(text).map(Some)
    }
}
