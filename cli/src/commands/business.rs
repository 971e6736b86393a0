use clap::Subcommand;
use std::path::PathBuf;

use super::CmdResult;
use crate::output::Out;
use paydesk_core::business::{BusinessProfile, BusinessUpdate};
use paydesk_core::Paydesk;

// Parsed once per run, so the size of the `Set` variant doesn't matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum BusinessCmd {
    /// Show the business profile.
    Show,
    /// Change the business profile; fields left out stay as they are.
    Set {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        tax_id: Option<String>,
        /// Default currency for new invoices and services, e.g. EUR.
        #[arg(long)]
        currency: Option<String>,
        /// IANA time zone, e.g. Europe/Paris.
        #[arg(long)]
        time_zone: Option<String>,
        /// Locale for dates and amounts, e.g. fr-FR.
        #[arg(long)]
        locale: Option<String>,
        /// e.g. "INV-{YYYY}-{SEQ:4}".
        #[arg(long)]
        invoice_number_format: Option<String>,
        #[arg(long)]
        payment_terms_days: Option<u32>,
        #[arg(long)]
        invoice_terms: Option<String>,
        /// Let clients paying a pay link keep their card on file for later charges (true/false).
        #[arg(long)]
        save_cards_on_pay: Option<bool>,
        /// The invoice template's colour, #RRGGBB.
        #[arg(long)]
        accent_color: Option<String>,
    },
    /// Set the logo printed on invoices (PNG or JPEG, at most 1 MB), or remove it with --remove.
    Logo {
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        #[arg(long)]
        remove: bool,
    },
}

fn show(p: &BusinessProfile) -> String {
    [
        ("Name", p.name.as_str()),
        ("Address", &p.address),
        ("Email", &p.email),
        ("Phone", &p.phone),
        ("Tax id", &p.tax_id),
        ("Currency", p.currency.code()),
        ("Time zone", &p.time_zone),
        ("Locale", &p.locale),
        ("Numbering", &p.invoice_number_format),
        ("Terms", &p.invoice_terms),
        ("Colour", &p.accent_color),
    ]
    .iter()
    .map(|(k, v)| format!("{k:<10} {v}"))
    .chain([
        format!("{:<10} {} days", "Pay within", p.payment_terms_days),
        format!("{:<10} {}", "Logo", if p.has_logo { "yes" } else { "no" }),
        format!(
            "{:<10} {}",
            "Save cards",
            if p.save_cards_on_pay {
                "yes, when paying a link"
            } else {
                "no"
            }
        ),
    ])
    .collect::<Vec<_>>()
    .join("\n")
}

pub async fn run(app: &Paydesk, cmd: BusinessCmd, out: &Out) -> CmdResult {
    match cmd {
        BusinessCmd::Show => {
            let p = app.business().await?;
            out.emit(&p, || show(&p));
        }
        BusinessCmd::Set {
            name,
            address,
            email,
            phone,
            tax_id,
            currency,
            time_zone,
            locale,
            invoice_number_format,
            payment_terms_days,
            invoice_terms,
            save_cards_on_pay,
            accent_color,
        } => {
            let p = app
                .update_business(BusinessUpdate {
                    name,
                    address,
                    email,
                    phone,
                    tax_id,
                    currency,
                    time_zone,
                    locale,
                    invoice_number_format,
                    payment_terms_days,
                    invoice_terms,
                    save_cards_on_pay,
                    accent_color,
                })
                .await?;
            out.emit(&p, || show(&p));
        }
        BusinessCmd::Logo { file, remove } => {
            if remove {
                app.remove_logo().await?;
            } else if let Some(file) = file {
                let bytes = std::fs::read(&file).map_err(|e| {
                    super::CliError::usage(format!("couldn't read {}: {e}", file.display()))
                })?;
                app.set_logo(&bytes).await?;
            }
            let p = app.business().await?;
            out.emit(&p, || show(&p));
        }
    }
    Ok(())
}
