//! `paydesk email`: the mail server invoices are sent through. The password is read from stdin or
//! typed at a hidden prompt — never an argument, which shell history and `ps` would keep — and goes
//! to the OS keychain.

use std::io::{IsTerminal, Read};

use clap::{Subcommand, ValueEnum};

use super::{CliError, CmdResult};
use crate::output::Out;
use paydesk_core::mail::{EmailSettings, SmtpInput, SmtpSecurity};
use paydesk_core::secret::Secret;
use paydesk_core::Paydesk;

#[derive(Clone, Copy, ValueEnum)]
pub enum Security {
    /// Upgrade to TLS after connecting (usually port 587).
    Starttls,
    /// TLS from the start (usually port 465).
    Tls,
    /// No encryption: only for a server on this computer.
    Plain,
}

#[derive(Subcommand)]
pub enum EmailCmd {
    /// Set up the SMTP server. With --username, the password is read from stdin (or a hidden
    /// prompt): `paydesk email set … --username me@example.com < password.txt`.
    Set {
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 587)]
        port: u32,
        #[arg(long, value_enum, default_value_t = Security::Starttls)]
        security: Security,
        #[arg(long, default_value = "")]
        username: String,
        /// The address invoices come from.
        #[arg(long)]
        from_address: String,
        /// The name clients see; empty uses the business name.
        #[arg(long, default_value = "")]
        from_name: String,
        #[arg(long)]
        reply_to: Option<String>,
    },
    /// Show the mail settings (never the password).
    Show,
    /// Send a test message.
    Test {
        #[arg(long)]
        to: String,
    },
    /// Forget the mail settings and remove the password or tokens from the keychain.
    Disconnect,
}

fn show(s: &Option<EmailSettings>) -> String {
    match s {
        None => "Email isn't set up. Set it up with `paydesk email set`.".into(),
        Some(s) => format!(
            "Server    {}:{} ({})\nLogin     {}\nFrom      {} <{}>",
            s.host,
            s.port,
            s.security.as_str(),
            if s.username.is_empty() {
                "none".to_string()
            } else {
                s.username.clone()
            },
            s.from_name,
            s.from_address
        ),
    }
}

fn read_password() -> Result<Secret, CliError> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Mail server password (hidden): ")
            .map_err(|e| CliError::usage(format!("couldn't read the password: {e}")))?
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("couldn't read the password from stdin: {e}")))?;
        let line = text.strip_suffix('\n').unwrap_or(&text);
        line.strip_suffix('\r').unwrap_or(line).to_string()
    };
    Ok(Secret::new(text))
}

pub async fn run(app: &Paydesk, cmd: EmailCmd, out: &Out) -> CmdResult {
    let mail = app.mail();
    match cmd {
        EmailCmd::Set {
            host,
            port,
            security,
            username,
            from_address,
            from_name,
            reply_to,
        } => {
            let password = if username.trim().is_empty() {
                None
            } else {
                Some(read_password()?)
            };
            let input = SmtpInput {
                host,
                port,
                security: match security {
                    Security::Starttls => SmtpSecurity::StartTls,
                    Security::Tls => SmtpSecurity::Tls,
                    Security::Plain => SmtpSecurity::Plain,
                },
                username,
                from_name,
                from_address,
                reply_to,
            };
            let settings = Some(mail.configure_smtp(&input, password).await?);
            out.emit(&settings, || show(&settings));
        }
        EmailCmd::Show => {
            let settings = mail.email_settings().await?;
            out.emit(&settings, || show(&settings));
        }
        EmailCmd::Test { to } => {
            let id = mail.send_test(&to).await?;
            out.emit(&serde_json::json!({ "message_id": id }), || {
                format!("Sent a test message to {to} ({id}).")
            });
        }
        EmailCmd::Disconnect => {
            let removed = mail.disconnect().await?;
            out.emit(&serde_json::json!({ "removed": removed }), || {
                if removed {
                    "Email settings removed.".into()
                } else {
                    "Email wasn't set up.".into()
                }
            });
        }
    }
    Ok(())
}
