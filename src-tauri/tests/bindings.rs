//! The TypeScript types the UI uses are generated from the Rust types and committed at
//! ui/src/lib/backend/bindings.ts. This test fails when they drift; to regenerate, run
//! `PAYDESK_UPDATE_BINDINGS=1 cargo test -p paydesk-app --test bindings`.

use paydesk_app::error::CommandError;
use paydesk_core::activity::{Activity, ActivityKind};
use paydesk_core::booking::{Booking, BookingInput, BookingStatus};
use paydesk_core::booking_fee::{CancelOutcome, FeeOutcome, FeeProposal, FeeReason};
use paydesk_core::business::{BusinessProfile, BusinessUpdate};
use paydesk_core::client::{Client, ClientInput};
use paydesk_core::dashboard::{Dashboard, MonthTotals};
use paydesk_core::deposit::{Deposit, DepositRequest, DepositState};
use paydesk_core::invoice::totals::{LineAmounts, TaxRow, Totals};
use paydesk_core::invoice::{
    Invoice, InvoiceInput, InvoicePage, InvoiceQuery, InvoiceState, InvoiceStatus, InvoiceSummary,
    Line, LineInput,
};
use paydesk_core::issued_pdf::IssuedPdf;
use paydesk_core::job::{Job, JobInput, PaymentRequest, PaymentRequestInput, RequestKind};
use paydesk_core::ledger::card_removal::ExpiringCard;
use paydesk_core::ledger::card_request::CardRequest;
use paydesk_core::ledger::charge_request::{BulkCharge, CardCharge};
use paydesk_core::ledger::views::{SavedCard, StripePayment};
use paydesk_core::mail::{
    EmailAuth, EmailSettings, InvoiceEmailDraft, OAuthProvider, OAuthSignIn, SendStatus, SentEmail,
    SmtpInput, SmtpSecurity,
};
use paydesk_core::paylink::{PayLink, PayLinkState};
use paydesk_core::payment::{Payment, PaymentInput, PaymentMethod, Refund, RefundInput};
use paydesk_core::policy::{AmountRule, BookingPolicy, RuleKind, UnpaidDeposit};
use paydesk_core::report::output::ReportTotal;
use paydesk_core::report::revenue::{RevenueRow, Section};
use paydesk_core::report::{
    ExportFormat, ExportSummary, ReportCharts, ReportKind, ReportPreview, ReportRequest,
};
use paydesk_core::sending::{PreparedPdf, SendInvoiceInput, SendOutcome};
use paydesk_core::service::{Service, ServiceInput};
use paydesk_core::staff::{StaffInput, StaffMember};
use paydesk_core::stripe::{
    Connected, KeyKind, MissingPermission, Requirements, StripeConnection, StripeMode, StripeStatus,
};
use paydesk_core::sync::{PassReport, SyncStatus};
use paydesk_core::Money;
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

fn generated() -> String {
    // i64 ids and counts are JSON numbers (all far below 2^53), not bigint.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<Money>(&cfg),
        decl::<CommandError>(&cfg),
        decl::<BusinessProfile>(&cfg),
        decl::<BusinessUpdate>(&cfg),
        decl::<MonthTotals>(&cfg),
        decl::<Dashboard>(&cfg),
        decl::<Client>(&cfg),
        decl::<ClientInput>(&cfg),
        decl::<StaffMember>(&cfg),
        decl::<StaffInput>(&cfg),
        decl::<Service>(&cfg),
        decl::<ServiceInput>(&cfg),
        decl::<BookingStatus>(&cfg),
        decl::<Booking>(&cfg),
        decl::<BookingInput>(&cfg),
        decl::<InvoiceState>(&cfg),
        decl::<InvoiceStatus>(&cfg),
        decl::<Line>(&cfg),
        decl::<LineInput>(&cfg),
        decl::<LineAmounts>(&cfg),
        decl::<TaxRow>(&cfg),
        decl::<Totals>(&cfg),
        decl::<Invoice>(&cfg),
        decl::<InvoiceInput>(&cfg),
        decl::<InvoiceQuery>(&cfg),
        decl::<InvoiceSummary>(&cfg),
        decl::<InvoicePage>(&cfg),
        decl::<PaymentMethod>(&cfg),
        decl::<Payment>(&cfg),
        decl::<PaymentInput>(&cfg),
        decl::<Refund>(&cfg),
        decl::<RefundInput>(&cfg),
        decl::<StripeMode>(&cfg),
        decl::<KeyKind>(&cfg),
        decl::<Requirements>(&cfg),
        decl::<StripeConnection>(&cfg),
        decl::<Connected>(&cfg),
        decl::<StripeStatus>(&cfg),
        decl::<MissingPermission>(&cfg),
        decl::<PayLinkState>(&cfg),
        decl::<PayLink>(&cfg),
        decl::<ActivityKind>(&cfg),
        decl::<Activity>(&cfg),
        decl::<StripePayment>(&cfg),
        decl::<SavedCard>(&cfg),
        decl::<SyncStatus>(&cfg),
        decl::<PassReport>(&cfg),
        decl::<RequestKind>(&cfg),
        decl::<JobInput>(&cfg),
        decl::<PaymentRequestInput>(&cfg),
        decl::<PaymentRequest>(&cfg),
        decl::<Job>(&cfg),
        decl::<SmtpSecurity>(&cfg),
        decl::<EmailAuth>(&cfg),
        decl::<SmtpInput>(&cfg),
        decl::<EmailSettings>(&cfg),
        decl::<OAuthProvider>(&cfg),
        decl::<OAuthSignIn>(&cfg),
        decl::<InvoiceEmailDraft>(&cfg),
        decl::<SendStatus>(&cfg),
        decl::<SentEmail>(&cfg),
        decl::<IssuedPdf>(&cfg),
        decl::<PreparedPdf>(&cfg),
        decl::<SendInvoiceInput>(&cfg),
        decl::<SendOutcome>(&cfg),
        decl::<ReportKind>(&cfg),
        decl::<ReportRequest>(&cfg),
        decl::<ReportTotal>(&cfg),
        decl::<ReportPreview>(&cfg),
        decl::<ExportFormat>(&cfg),
        decl::<ExportSummary>(&cfg),
        decl::<Section>(&cfg),
        decl::<RevenueRow>(&cfg),
        decl::<ReportCharts>(&cfg),
        decl::<CardCharge>(&cfg),
        decl::<BulkCharge>(&cfg),
        decl::<ExpiringCard>(&cfg),
        decl::<CardRequest>(&cfg),
        decl::<RuleKind>(&cfg),
        decl::<AmountRule>(&cfg),
        decl::<UnpaidDeposit>(&cfg),
        decl::<BookingPolicy>(&cfg),
        decl::<DepositState>(&cfg),
        decl::<Deposit>(&cfg),
        decl::<DepositRequest>(&cfg),
        decl::<FeeReason>(&cfg),
        decl::<FeeProposal>(&cfg),
        decl::<CancelOutcome>(&cfg),
        decl::<FeeOutcome>(&cfg),
    ];
    format!(
        "// Generated from the Rust types by src-tauri/tests/bindings.rs — do not edit by hand.\n\
         // Money amounts are decimal strings carrying exactly the currency's decimals.\n\n{}\n",
        decls.join("\n\n")
    )
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/bindings.ts");
    let fresh = generated();
    if std::env::var_os("PAYDESK_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/backend/bindings.ts is out of date with the Rust types.\n\
         Regenerate: PAYDESK_UPDATE_BINDINGS=1 cargo test -p paydesk-app --test bindings"
    );
}
