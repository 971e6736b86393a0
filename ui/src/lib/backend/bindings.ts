// Generated from the Rust types by src-tauri/tests/bindings.rs — do not edit by hand.
// Money amounts are decimal strings carrying exactly the currency's decimals.

export type Money = { amount: string, currency: string, };

export type CommandError = { code: string, message: string, field: string | null, };

export type BusinessProfile = { name: string, address: string, email: string, phone: string, tax_id: string, has_logo: boolean, currency: string, 
/**
 * IANA name, e.g. "Europe/Paris".
 */
time_zone: string, 
/**
 * BCP 47 tag used to format dates and money for people, e.g. "fr-FR".
 */
locale: string, 
/**
 * e.g. "INV-{YYYY}-{SEQ:4}"; see `invoice::numbering`.
 */
invoice_number_format: string, payment_terms_days: number, 
/**
 * Printed at the bottom of every invoice unless the invoice has its own.
 */
invoice_terms: string, 
/**
 * Whether a client paying a pay link may keep their card on file for later charges.
 */
save_cards_on_pay: boolean, 
/**
 * The invoice template's colour, `#RRGGBB`.
 */
accent_color: string, };

export type BusinessUpdate = { name?: string | null, address?: string | null, email?: string | null, phone?: string | null, tax_id?: string | null, currency?: string | null, time_zone?: string | null, locale?: string | null, invoice_number_format?: string | null, payment_terms_days?: number | null, invoice_terms?: string | null, save_cards_on_pay?: boolean | null, accent_color?: string | null, };

export type MonthTotals = { 
/**
 * "YYYY-MM".
 */
month: string, 
/**
 * One amount per currency, sorted by code: the business currency and every currency with
 * money in any of the months. Zero when nothing came in; negative when refunds outweighed it.
 */
paid: Array<Money>, };

export type Dashboard = { 
/**
 * Still owed on sent invoices, one amount per currency.
 */
outstanding: Array<Money>, 
/**
 * The part of `outstanding` past its due date.
 */
overdue: Array<Money>, 
/**
 * Payments received since the first of this month, less refunds given in it.
 */
paid_this_month: Array<Money>, 
/**
 * The last 12 calendar months in the business time zone, oldest first, ending with this one.
 */
months: Array<MonthTotals>, 
/**
 * The latest invoices.
 */
recent: Array<InvoiceSummary>, };

export type Client = { id: number, name: string, email: string, phone: string, address: string, notes: string, created_at: string, };

export type ClientInput = { name: string, email: string, phone: string, address: string, notes: string, };

export type StaffMember = { id: number, name: string, email: string, active: boolean, };

export type StaffInput = { name: string, email: string, active: boolean, };

export type Service = { id: number, name: string, duration_minutes: number, price: Money, tax_rate: string, active: boolean, };

export type ServiceInput = { name: string, duration_minutes: number, price: string, 
/**
 * Defaults to the business currency.
 */
currency?: string | null, tax_rate: string, active: boolean, };

export type BookingStatus = "booked" | "completed" | "cancelled" | "no_show";

export type Booking = { id: number, client_id: number, client_name: string, staff_id: number, staff_name: string, service_ids: Array<number>, starts_at: string, ends_at: string, status: BookingStatus, notes: string, };

export type BookingInput = { client_id: number, staff_id: number, service_ids: Array<number>, starts_at: string, ends_at?: string | null, notes: string, };

export type InvoiceState = "draft" | "open" | "void" | "uncollectible";

export type InvoiceStatus = "draft" | "open" | "partially_paid" | "paid" | "partially_refunded" | "refunded" | "void" | "uncollectible";

export type Line = { description: string, quantity: string, unit_price: Money, tax_rate: string, discount_percent: string, service_id: number | null, };

export type LineInput = { description: string, quantity: string, unit_price: string, tax_rate: string, discount_percent: string, service_id?: number | null, };

export type LineAmounts = { gross: Money, discount: Money, net: Money, tax: Money, };

export type TaxRow = { rate: string, net: Money, tax: Money, };

export type Totals = { subtotal: Money, discount: Money, tax: Money, total: Money, 
/**
 * One row per distinct tax rate, lowest rate first.
 */
taxes: Array<TaxRow>, 
/**
 * Amounts of each line, in the lines' order.
 */
lines: Array<LineAmounts>, };

export type Invoice = { id: number, 
/**
 * `None` while a draft.
 */
number: string | null, client_id: number, client_name: string, booking_id: number | null, currency: string, issue_date: string, due_date: string, notes: string, terms: string, state: InvoiceState, status: InvoiceStatus, lines: Array<Line>, totals: Totals, paid: Money, refunded: Money, amount_due: Money, payments: Array<Payment>, refunds: Array<Refund>, created_at: string, finalized_at: string | null, voided_at: string | null, };

export type InvoiceInput = { client_id: number, currency?: string | null, issue_date?: string | null, due_date?: string | null, lines: Array<LineInput>, notes: string, 
/**
 * Defaults to the business's invoice terms.
 */
terms?: string | null, booking_id?: number | null, };

export type InvoiceQuery = { search: string, statuses: Array<InvoiceStatus>, client_id?: number | null, limit?: number | null, offset?: number | null, };

export type InvoiceSummary = { id: number, number: string | null, client_id: number, client_name: string, issue_date: string, due_date: string, status: InvoiceStatus, total: Money, amount_due: Money, };

export type InvoicePage = { items: Array<InvoiceSummary>, 
/**
 * How many invoices match in all, for the pager.
 */
total_count: number, };

export type PaymentMethod = "cash" | "cheque" | "bank_transfer" | "card" | "other";

export type Payment = { id: number, invoice_id: number, amount: Money, method: PaymentMethod, received_on: string, reference: string, created_at: string, };

export type PaymentInput = { amount: string, method: PaymentMethod, 
/**
 * Defaults to today in the business time zone.
 */
received_on?: string | null, reference: string, };

export type Refund = { id: number, payment_id: number, invoice_id: number, amount: Money, reason: string, refunded_on: string, created_at: string, };

export type RefundInput = { 
/**
 * Defaults to everything not yet refunded of the payment.
 */
amount?: string, reason: string, refunded_on?: string | null, };

export type StripeMode = "test" | "live";

export type KeyKind = "secret" | "restricted";

export type Requirements = { currently_due: Array<string>, past_due: Array<string>, };

export type StripeConnection = { mode: StripeMode, account_id: string, key_kind: KeyKind, 
/**
 * The key's last four characters, to match it against the Dashboard's list.
 */
key_last4: string, account_name: string, country: string, 
/**
 * Lower-case ISO code as Stripe gives it (`eur`), or empty when Stripe didn't say.
 */
default_currency: string, charges_enabled: boolean, payouts_enabled: boolean, requirements: Requirements, connected_at: string, refreshed_at: string, };

export type Connected = { connection: StripeConnection, 
/**
 * Spaces or line breaks around the pasted key were removed ("we removed spaces around the key").
 */
key_was_trimmed: boolean, };

export type StripeStatus = { test: StripeConnection | null, live: StripeConnection | null, 
/**
 * The mode new Stripe work uses (see `active_mode`); `None` when nothing is connected.
 */
active: StripeMode | null, };

export type MissingPermission = { label: string, stripe_name: string | null, };

export type PayLinkState = "creating" | "active" | "retiring" | "deactivated" | "used";

export type PayLink = { id: number, invoice_id: number, mode: StripeMode, amount: Money, state: PayLinkState, stripe_id: string | null, 
/**
 * `https://buy.stripe.com/…`: what the PDF, the QR code and the email carry.
 */
url: string | null, 
/**
 * Why the last Stripe call about this link failed, for the owner.
 */
last_error: string | null, created_at: string, activated_at: string | null, retired_at: string | null, };

export type ActivityKind = "payment_received" | "payment_processing" | "payment_failed" | "unmatched_payment" | "refund" | "refund_failed" | "dispute_opened" | "dispute_won" | "dispute_lost" | "payout_paid" | "payout_failed" | "booking_released" | "card_charge_failed" | "card_saved";

export type Activity = { id: number, at: string, kind: ActivityKind, mode: StripeMode | null, invoice_id: number | null, message: string, notified: boolean, seen: boolean, };

export type StripePayment = { id: number, mode: StripeMode, invoice_id: number | null, 
/**
 * The `payments` row once the money is applied to an invoice.
 */
payment_id: number | null, 
/**
 * processing, succeeded, failed or canceled.
 */
status: string, amount: Money, 
/**
 * What Stripe kept, and what reaches the owner's balance; known once the charge settled.
 */
fee: Money | null, net: Money | null, method_type: string, card_brand: string | null, card_last4: string | null, receipt_url: string | null, client_name: string, failure_message: string | null, unmatched_reason: string | null, payment_intent: string, created: string, };

export type SavedCard = { id: string, mode: StripeMode, brand: string, last4: string, exp_month: number, exp_year: number, };

export type SyncStatus = { mode: StripeMode, 
/**
 * Stripe time (Unix seconds) of the newest event applied.
 */
watermark: number | null, last_pass_at: string | null, last_success_at: string | null, 
/**
 * Why the last pass failed, for the owner; `None` when it went well.
 */
last_error: string | null, last_error_code: string | null, 
/**
 * Stripe reads today (UTC day) by this computer's Paydesk.
 */
reads_today: number, 
/**
 * While catching up after time offline: how far it got.
 */
catch_up: string | null, };

export type PassReport = { mode: StripeMode | null, 
/**
 * Events listed, applied now, and skipped because they were applied before.
 */
listed: number, applied: number, duplicates: number, pages: number, 
/**
 * Objects checked directly (open links' sessions, processing payments).
 */
swept: number, 
/**
 * Rebuilt from object lists because the last pass was too long ago for the event list.
 */
rebuilt: boolean, 
/**
 * HTTP requests sent to Stripe.
 */
reads: number, 
/**
 * Activity items written (payments, failures, disputes…).
 */
news: Array<string>, error: string | null, error_code: string | null, };

export type RequestKind = "deposit" | "progress" | "final" | "custom";

export type JobInput = { client_id: number, title: string, 
/**
 * Defaults to the business currency.
 */
currency?: string | null, 
/**
 * Net of tax.
 */
contract_total: string, tax_rate: string, notes: string, };

export type PaymentRequestInput = { kind: RequestKind, amount?: string | null, percent?: string | null, };

export type PaymentRequest = { invoice_id: number, invoice_number: string | null, kind: RequestKind, 
/**
 * Net of tax.
 */
amount: Money, status: InvoiceStatus, 
/**
 * The invoice's total with tax.
 */
total: Money, paid: Money, };

export type Job = { id: number, client_id: number, client_name: string, title: string, currency: string, contract_total: Money, tax_rate: string, notes: string, created_at: string, 
/**
 * Oldest first.
 */
requests: Array<PaymentRequest>, 
/**
 * Net, over requests whose invoice isn't void.
 */
requested: Money, 
/**
 * Net of the contract not yet requested.
 */
remaining: Money, 
/**
 * Received on the requests' invoices (with tax).
 */
paid: Money, };

export type SmtpSecurity = "starttls" | "tls" | "plain";

export type EmailAuth = "password" | "oauth_google" | "oauth_microsoft";

export type SmtpInput = { host: string, 
/**
 * Wider than a port so that 0 or 70000 get a clear message instead of a parse error.
 */
port: number, security: SmtpSecurity, 
/**
 * Empty when the server takes mail without a login (a relay on this computer).
 */
username: string, 
/**
 * The name clients see ("Salon Zoë"); empty uses the business name.
 */
from_name: string, from_address: string, reply_to?: string | null, };

export type EmailSettings = { 
/**
 * Always "smtp" for now: the owner's own server.
 */
provider: string, host: string, port: number, security: SmtpSecurity, auth: EmailAuth, username: string, from_name: string, from_address: string, reply_to: string | null, 
/**
 * Whether the keychain holds the password (or, after "Sign in with…", the sign-in).
 */
password_stored: boolean, updated_at: string, };

export type OAuthProvider = "google" | "microsoft";

export type OAuthSignIn = { provider: OAuthProvider, 
/**
 * The Gmail or Outlook address to send from; it is also the account to sign in with.
 */
email: string, from_name: string, reply_to?: string | null, };

export type InvoiceEmailDraft = { 
/**
 * The client's saved address, or empty when there is none.
 */
to: string, subject: string, message: string, };

export type SendStatus = "sent" | "failed";

export type SentEmail = { id: number, invoice_id: number, sent_at: string, to: string, subject: string, status: SendStatus, 
/**
 * The Message-ID header (`<…@domain>`) of an email that went out.
 */
message_id: string | null, 
/**
 * Why it failed, as the owner was told; `None` when it was sent.
 */
error: string | null, };

export type IssuedPdf = { invoice_id: number, 
/**
 * 1, 2, …; 0 for a draft's preview, which isn't kept.
 */
version: number, pay_link_id: number | null, created_at: string, size: number, 
/**
 * The file name a client sees, e.g. `INV-2026-0001.pdf` (`-v2` for later versions).
 */
file_name: string, };

export type PreparedPdf = { pdf: IssuedPdf, pay_link: PayLink | null, 
/**
 * Why the PDF has no pay link although the invoice is due (Stripe unreachable, below the
 * minimum, …); `None` when all is well or Stripe isn't connected.
 */
pay_link_problem: string | null, };

export type SendInvoiceInput = { 
/**
 * Default: the client's saved address.
 */
to?: string | null, 
/**
 * Default: the usual short greeting.
 */
message?: string | null, };

export type SendOutcome = { invoice: Invoice, pdf: IssuedPdf, pay_link: PayLink | null, pay_link_problem: string | null, email: SentEmail, 
/**
 * Auto-charge: the saved card was charged before sending (the email is then the receipt),
 * or the charge failed (the email then carries the pay link).
 */
charge?: CardCharge, };

export type ReportKind = "payments" | "refunds" | "payouts" | "aging" | "revenue";

export type ReportRequest = { kind: ReportKind, from: string, to: string, currency: string | null, };

export type ReportTotal = { label: string, amount: Money, };

export type ReportPreview = { 
/**
 * Column titles, in order.
 */
columns: Array<string>, 
/**
 * The first rows as they read (amounts as exact decimal strings).
 */
rows: Array<Array<string>>, 
/**
 * How many rows the whole report has.
 */
row_count: number, 
/**
 * Sums per currency of the report's money columns.
 */
totals: Array<ReportTotal>, };

export type ExportFormat = "csv" | "quickbooks" | "xero" | "json";

export type ExportSummary = { rows: number, bytes: number, totals: Array<ReportTotal>, 
/**
 * Where the file went (exports to a file only).
 */
path: string | null, };

export type Section = "month" | "service" | "staff" | "deposits_held";

export type RevenueRow = { section: Section, name: string, invoiced: Money | null, tax: Money | null, collected: Money | null, stripe_fees: Money | null, count: number, };

export type ReportCharts = { 
/**
 * One row per month of the range and currency, oldest first.
 */
months: Array<RevenueRow>, 
/**
 * Owed at the end of the range, one total per age bucket and currency.
 */
outstanding: Array<ReportTotal>, };

export type CardCharge = { id: number, invoice_id: number, 
/**
 * `succeeded`, `processing` (the bank hasn't answered yet) or `failed`.
 */
status: string, amount: Money, 
/**
 * "visa •••• 4242"
 */
card: string, 
/**
 * Why it failed, in plain words.
 */
failure: string | null, payment_intent: string | null, };

export type BulkCharge = { invoice_id: number, charge: CardCharge | null, error: string | null, };

export type ExpiringCard = { client_id: number, client_name: string, card: string, 
/**
 * "visa •••• 4242"
 */
label: string, exp_month: number, exp_year: number, };

export type CardRequest = { id: number, client_id: number, 
/**
 * `creating` (Stripe's answer not seen yet), `open` (emailed, waiting), `complete`.
 */
status: string, 
/**
 * The Stripe page where the client saves a card (valid for 24 hours).
 */
url: string | null, 
/**
 * Where the email went, when it was sent.
 */
emailed_to: string | null, 
/**
 * Stripe closes the page 24 hours after it was made.
 */
expires_at: string, };

export type RuleKind = "none" | "percent" | "fixed";

export type AmountRule = { kind: RuleKind, value: string, };

export type UnpaidDeposit = "release" | "keep";

export type BookingPolicy = { 
/**
 * Business-wide deposit; a service's own rule wins.
 */
deposit: AmountRule, deposit_hold_hours: number, unpaid_deposit: UnpaidDeposit, 
/**
 * Sending an invoice charges the client's saved card (a client's own choice wins).
 */
auto_charge: boolean, 
/**
 * Cancelling less than this many hours before the start is late.
 */
cancel_window_hours: number, 
/**
 * Asked for a late cancellation or a no-show: a fixed fee or a percentage of the price.
 */
cancel_fee: AmountRule, };

export type DepositState = "awaiting" | "overdue" | "paid" | "released";

export type Deposit = { booking_id: number, invoice_id: number, invoice_number: string | null, amount: Money, 
/**
 * What the booking's invoice asks in all.
 */
total: Money, 
/**
 * Received on the booking's invoice so far.
 */
paid: Money, state: DepositState, due_at: string, on_unpaid: UnpaidDeposit, };

export type DepositRequest = { deposit: Deposit, sent: SendOutcome, };

export type FeeReason = "late_cancellation" | "no_show";

export type FeeProposal = { booking_id: number, reason: FeeReason, 
/**
 * What the policy asks.
 */
fee: Money, 
/**
 * Deposit already paid on the booking, which counts toward the fee.
 */
deposit_kept: Money, 
/**
 * What is left to ask: the fee less the deposit kept.
 */
amount: Money, 
/**
 * "visa •••• 4242" when a card would be charged; otherwise a pay link is emailed.
 */
card: string | null, 
/**
 * The proposal in the owner's words.
 */
summary: string, };

export type CancelOutcome = { booking: Booking, 
/**
 * A fee to confirm, when the policy asks one.
 */
fee: FeeProposal | null, };

export type FeeOutcome = { invoice_id: number, sent: SendOutcome, };
