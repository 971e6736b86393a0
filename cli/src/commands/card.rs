//! `paydesk card`: clients' saved cards and auto-charge.

use clap::Subcommand;

use super::{policy::parse_on_off_default, CmdResult};
use crate::output::{table, Out};
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum CardCmd {
    /// A client's saved cards.
    List { client: i64 },
    /// Remove a saved card (detached at Stripe, never charged again).
    Remove { client: i64, card: String },
    /// Cards that expire this month or next.
    Expiring,
    /// Email the client a Stripe page to save a card (valid 24 hours).
    Request {
        client: i64,
        /// Send to this address instead of the client's.
        #[arg(long)]
        to: Option<String>,
    },
    /// Whether sending this client's invoices charges their card: on, off or default.
    AutoCharge { client: i64, setting: String },
}

pub async fn run(app: &Paydesk, cmd: CardCmd, out: &Out) -> CmdResult {
    match cmd {
        CardCmd::List { client } => {
            let cards = app.saved_cards(client).await?;
            out.emit(&cards, || {
                if cards.is_empty() {
                    return "No saved cards.".into();
                }
                let rows = cards
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.clone(),
                            format!("{} •••• {}", c.brand, c.last4),
                            format!("{:02}/{}", c.exp_month, c.exp_year),
                            c.mode.as_str().into(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "CARD", "EXPIRES", "MODE"], &rows)
            });
        }
        CardCmd::Remove { client, card } => {
            app.stripe().remove_card(client, &card).await?;
            out.emit(&serde_json::json!({ "removed": card }), || {
                format!("Removed card {card}.")
            });
        }
        CardCmd::Request { client, to } => {
            let r = app
                .stripe()
                .send_card_request(&app.mail(), client, to)
                .await?;
            out.emit(&r, || {
                format!(
                    "Emailed {} a page to save a card: {}",
                    r.emailed_to.as_deref().unwrap_or(""),
                    r.url.as_deref().unwrap_or("")
                )
            });
        }
        CardCmd::Expiring => {
            let cards = app.expiring_cards().await?;
            out.emit(&cards, || {
                if cards.is_empty() {
                    return "No saved card expires this month or next.".into();
                }
                let rows = cards
                    .iter()
                    .map(|c| {
                        vec![
                            c.client_name.clone(),
                            c.label.clone(),
                            format!("{:02}/{}", c.exp_month, c.exp_year),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["CLIENT", "CARD", "EXPIRES"], &rows)
            });
        }
        CardCmd::AutoCharge { client, setting } => {
            let on = parse_on_off_default(&setting)?;
            app.set_client_auto_charge(client, on).await?;
            out.emit(
                &serde_json::json!({ "client_id": client, "auto_charge": on }),
                || match on {
                    Some(true) => "Sending this client's invoices charges their saved card.".into(),
                    Some(false) => "This client's invoices are never charged automatically.".into(),
                    None => "This client follows the business default.".into(),
                },
            );
        }
    }
    Ok(())
}
