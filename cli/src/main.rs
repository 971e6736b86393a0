//! `paydesk`: Paydesk on the command line. Every command takes `--data-dir DIR` and `--json`.
//! Errors print one line (or a JSON object with `--json`) on stderr and exit with status 1;
//! a mistyped command line exits with status 2.

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use output::Out;
use paydesk_core::Paydesk;

#[derive(Parser)]
#[command(
    name = "paydesk",
    version,
    about = "Bookings, invoices and payments for a small business."
)]
struct Cli {
    /// The folder holding Paydesk's database (default: the system's app-data folder for Paydesk).
    #[arg(long, global = true, env = "PAYDESK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The business profile: name, currency, time zone, invoice numbering.
    #[command(subcommand)]
    Business(commands::business::BusinessCmd),
    /// Clients.
    #[command(subcommand)]
    Client(commands::client::ClientCmd),
    /// Services you sell by the appointment.
    #[command(subcommand)]
    Service(commands::service::ServiceCmd),
    /// Staff members.
    #[command(subcommand)]
    Staff(commands::staff::StaffCmd),
    /// Bookings in the calendar.
    #[command(subcommand)]
    Booking(commands::booking::BookingCmd),
    /// Invoices: create, edit drafts, finalize, void, record payments.
    #[command(subcommand)]
    Invoice(commands::invoice::InvoiceCmd),
    /// The mail server invoices are sent through.
    #[command(subcommand)]
    Email(commands::email::EmailCmd),
    /// Jobs billed in payment requests: deposit, progress, final.
    #[command(subcommand)]
    Job(commands::job::JobCmd),
    /// Payments and refunds.
    #[command(subcommand)]
    Payment(commands::payment::PaymentCmd),
    /// Deposits, auto-charge and the cancellation fee.
    #[command(subcommand)]
    Policy(commands::policy::PolicyCmd),
    /// Clients' saved cards and auto-charge.
    #[command(subcommand)]
    Card(commands::card::CardCmd),
    /// Connect a Stripe account, see what is connected, disconnect.
    #[command(subcommand)]
    Stripe(commands::stripe::StripeCmd),
    /// Ask Stripe what happened (payments, refunds, disputes, payouts) and apply it.
    Sync {
        /// Keep syncing on Paydesk's schedule until Ctrl-C.
        #[arg(long)]
        watch: bool,
    },
    /// What happened with your money, newest first.
    Activity {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The bookkeeper's reports: payments, refunds, payouts, aging, revenue — as CSV, JSON or a
    /// QuickBooks / Xero bank statement.
    Report(commands::report::ReportArgs),
    /// Write a consistent copy of the database to a new file.
    Backup {
        /// Where to write the copy (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("app", "Paydesk", "Paydesk").map(|d| d.data_dir().to_path_buf())
}

async fn run(cli: Cli, out: &Out) -> Result<(), commands::CliError> {
    let data_dir = cli
        .data_dir
        .or_else(default_data_dir)
        .ok_or_else(|| commands::CliError::usage("No data folder: pass --data-dir DIR."))?;
    let app = Paydesk::open(&data_dir).await?;
    match cli.command {
        Command::Business(cmd) => commands::business::run(&app, cmd, out).await,
        Command::Client(cmd) => commands::client::run(&app, cmd, out).await,
        Command::Service(cmd) => commands::service::run(&app, cmd, out).await,
        Command::Staff(cmd) => commands::staff::run(&app, cmd, out).await,
        Command::Booking(cmd) => commands::booking::run(&app, cmd, out).await,
        Command::Invoice(cmd) => commands::invoice::run(&app, cmd, out).await,
        Command::Email(cmd) => commands::email::run(&app, cmd, out).await,
        Command::Job(cmd) => commands::job::run(&app, cmd, out).await,
        Command::Payment(cmd) => commands::payment::run(&app, cmd, out).await,
        Command::Policy(cmd) => commands::policy::run(&app, cmd, out).await,
        Command::Card(cmd) => commands::card::run(&app, cmd, out).await,
        Command::Stripe(cmd) => commands::stripe::run(&app, cmd, out).await,
        Command::Sync { watch } => commands::sync::sync(&app, watch, out).await,
        Command::Activity { limit } => commands::sync::activity(&app, limit, out).await,
        Command::Report(args) => commands::report::run(&app, args, out).await,
        Command::Backup { out: file } => {
            app.backup(&file).await?;
            out.emit(&serde_json::json!({ "backup": file }), || {
                format!("Backup written to {}", file.display())
            });
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: couldn't start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
