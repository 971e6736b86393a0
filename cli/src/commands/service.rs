use clap::Subcommand;

use super::{parse_decimal, CmdResult};
use crate::output::{table, Out};
use paydesk_core::service::ServiceInput;
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum ServiceCmd {
    /// Add a service.
    Add {
        #[arg(long)]
        name: String,
        /// Length of an appointment in minutes.
        #[arg(long)]
        duration: u32,
        /// Price before tax, e.g. 45.00.
        #[arg(long)]
        price: String,
        /// Defaults to the business currency.
        #[arg(long)]
        currency: Option<String>,
        /// Tax rate in percent, e.g. 20.
        #[arg(long, default_value = "0")]
        tax_rate: String,
    },
    /// List services.
    List,
    /// Change a service; fields left out stay as they are.
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        duration: Option<u32>,
        #[arg(long)]
        price: Option<String>,
        #[arg(long)]
        tax_rate: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
}

pub async fn run(app: &Paydesk, cmd: ServiceCmd, out: &Out) -> CmdResult {
    match cmd {
        ServiceCmd::Add {
            name,
            duration,
            price,
            currency,
            tax_rate,
        } => {
            let input = ServiceInput {
                name,
                duration_minutes: duration,
                price: parse_decimal("price", &price)?,
                currency,
                tax_rate: parse_decimal("tax rate", &tax_rate)?,
                active: true,
            };
            let s = app.create_service(&input).await?;
            out.emit(&s, || {
                format!(
                    "Added service {}: {} ({} min, {})",
                    s.id, s.name, s.duration_minutes, s.price
                )
            });
        }
        ServiceCmd::List => {
            let list = app.services().await?;
            out.emit(&list, || {
                let rows = list
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.name.clone(),
                            format!("{} min", s.duration_minutes),
                            s.price.to_string(),
                            format!("{}%", s.tax_rate),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "NAME", "DURATION", "PRICE", "TAX"], &rows)
            });
        }
        ServiceCmd::Edit {
            id,
            name,
            duration,
            price,
            tax_rate,
            active,
        } => {
            let s = app.service(id).await?;
            let input = ServiceInput {
                name: name.unwrap_or(s.name),
                duration_minutes: duration.unwrap_or(s.duration_minutes),
                price: match price {
                    Some(p) => parse_decimal("price", &p)?,
                    None => s.price.amount(),
                },
                currency: Some(s.price.currency().code().to_string()),
                tax_rate: match tax_rate {
                    Some(t) => parse_decimal("tax rate", &t)?,
                    None => s.tax_rate,
                },
                active: active.unwrap_or(s.active),
            };
            let s = app.update_service(id, &input).await?;
            out.emit(&s, || {
                format!(
                    "Service {}: {} ({} min, {})",
                    s.id, s.name, s.duration_minutes, s.price
                )
            });
        }
    }
    Ok(())
}
