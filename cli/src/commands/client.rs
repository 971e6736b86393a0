use clap::{Args, Subcommand};

use super::CmdResult;
use crate::output::{table, Out};
use paydesk_core::client::{Client, ClientInput};
use paydesk_core::invoice::InvoiceQuery;
use paydesk_core::Paydesk;

#[derive(Args)]
pub struct ClientFields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

impl ClientFields {
    fn over(self, base: ClientInput) -> ClientInput {
        ClientInput {
            name: self.name.unwrap_or(base.name),
            email: self.email.unwrap_or(base.email),
            phone: self.phone.unwrap_or(base.phone),
            address: self.address.unwrap_or(base.address),
            notes: self.notes.unwrap_or(base.notes),
        }
    }
}

#[derive(Subcommand)]
pub enum ClientCmd {
    /// Add a client.
    Add(ClientFields),
    /// List clients, optionally only those matching --search.
    List {
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show a client with their invoices.
    Show { id: i64 },
    /// Change a client; fields left out stay as they are.
    Edit {
        id: i64,
        #[command(flatten)]
        fields: ClientFields,
    },
    /// Delete a client who has no invoices or bookings.
    Delete { id: i64 },
}

fn show(c: &Client) -> String {
    format!(
        "Client {}: {}\nEmail    {}\nPhone    {}\nAddress  {}\nNotes    {}",
        c.id, c.name, c.email, c.phone, c.address, c.notes
    )
}

pub async fn run(app: &Paydesk, cmd: ClientCmd, out: &Out) -> CmdResult {
    match cmd {
        ClientCmd::Add(fields) => {
            let c = app
                .create_client(&fields.over(ClientInput::default()))
                .await?;
            out.emit(&c, || format!("Added client {}: {}", c.id, c.name));
        }
        ClientCmd::List {
            search,
            limit,
            offset,
        } => {
            let list = app.clients(&search, limit, offset).await?;
            out.emit(&list, || {
                if list.is_empty() {
                    return "No clients yet. Add one with: paydesk client add --name NAME".into();
                }
                let rows = list
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.name.clone(),
                            c.email.clone(),
                            c.phone.clone(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "NAME", "EMAIL", "PHONE"], &rows)
            });
        }
        ClientCmd::Show { id } => {
            let c = app.client(id).await?;
            let invoices = app
                .invoices(&InvoiceQuery {
                    client_id: Some(id),
                    limit: Some(500),
                    ..Default::default()
                })
                .await?;
            let value = serde_json::json!({ "client": c, "invoices": invoices.items });
            out.emit(&value, || {
                let mut text = show(&c);
                for i in &invoices.items {
                    text.push_str(&format!(
                        "\n  {}  {}  {}  due {}",
                        i.number
                            .clone()
                            .unwrap_or_else(|| format!("Draft {}", i.id)),
                        i.status.as_str(),
                        i.total,
                        i.amount_due
                    ));
                }
                text
            });
        }
        ClientCmd::Edit { id, fields } => {
            let c = app.client(id).await?;
            let base = ClientInput {
                name: c.name,
                email: c.email,
                phone: c.phone,
                address: c.address,
                notes: c.notes,
            };
            let c = app.update_client(id, &fields.over(base)).await?;
            out.emit(&c, || show(&c));
        }
        ClientCmd::Delete { id } => {
            app.delete_client(id).await?;
            out.emit(&serde_json::json!({ "deleted": id }), || {
                format!("Deleted client {id}")
            });
        }
    }
    Ok(())
}
