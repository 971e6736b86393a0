use clap::Subcommand;

use super::CmdResult;
use crate::output::{table, Out};
use paydesk_core::staff::StaffInput;
use paydesk_core::Paydesk;

#[derive(Subcommand)]
pub enum StaffCmd {
    /// Add a staff member.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    /// List staff.
    List,
    /// Change a staff member; fields left out stay as they are.
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// true or false: inactive staff can't be booked.
        #[arg(long)]
        active: Option<bool>,
    },
}

pub async fn run(app: &Paydesk, cmd: StaffCmd, out: &Out) -> CmdResult {
    match cmd {
        StaffCmd::Add { name, email } => {
            let s = app
                .create_staff(&StaffInput {
                    name,
                    email,
                    active: true,
                })
                .await?;
            out.emit(&s, || format!("Added staff member {}: {}", s.id, s.name));
        }
        StaffCmd::List => {
            let list = app.staff().await?;
            out.emit(&list, || {
                let rows = list
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.name.clone(),
                            s.email.clone(),
                            if s.active { "yes" } else { "no" }.into(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "NAME", "EMAIL", "ACTIVE"], &rows)
            });
        }
        StaffCmd::Edit {
            id,
            name,
            email,
            active,
        } => {
            let s = app.staff_member(id).await?;
            let input = StaffInput {
                name: name.unwrap_or(s.name),
                email: email.unwrap_or(s.email),
                active: active.unwrap_or(s.active),
            };
            let s = app.update_staff(id, &input).await?;
            out.emit(&s, || format!("Staff member {}: {}", s.id, s.name));
        }
    }
    Ok(())
}
