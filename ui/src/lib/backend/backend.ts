import type {
  Activity,
  Booking,
  BookingInput,
  BookingStatus,
  BusinessProfile,
  BusinessUpdate,
  CardCharge,
  CardRequest,
  Client,
  ClientInput,
  Dashboard,
  Invoice,
  InvoiceInput,
  InvoicePage,
  InvoiceQuery,
  Job,
  JobInput,
  PayLink,
  Payment,
  PaymentInput,
  PaymentRequestInput,
  PassReport,
  Refund,
  RefundInput,
  SavedCard,
  Service,
  ServiceInput,
  StaffInput,
  StaffMember,
  StripeConnection,
  StripeMode,
  StripeStatus,
  StripePayment,
  SyncStatus,
  Connected,
  EmailSettings,
  InvoiceEmailDraft,
  IssuedPdf,
  OAuthSignIn,
  PreparedPdf,
  SendInvoiceInput,
  SendOutcome,
  SentEmail,
  SmtpInput,
  ExportFormat,
  ExportSummary,
  ReportCharts,
  ReportPreview,
  ReportRequest,
  AmountRule,
  BookingPolicy,
  BulkCharge,
  CancelOutcome,
  Deposit,
  DepositRequest,
  ExpiringCard,
  FeeOutcome,
  FeeProposal,
  Money,
} from './types';

/** The `report-export-progress` event: rows written so far, of `expected` (what the caller said to expect). */
export interface ExportProgress {
  rows: number;
  expected: number;
}

/** Everything the UI asks of the backend. One method per Tauri command (snake_case of the name). */
export interface Backend {
  getBusiness(): Promise<BusinessProfile>;
  updateBusiness(update: BusinessUpdate): Promise<BusinessProfile>;
  /** Sets the logo from a file's bytes: a PNG or JPEG of at most 1 MB, else rejects with field `logo`. */
  setLogo(bytes: number[]): Promise<void>;
  clearLogo(): Promise<void>;
  /** The logo as a `data:` URL, or null when there is none. */
  getLogo(): Promise<string | null>;

  listClients(search: string, limit: number, offset: number): Promise<Client[]>;
  getClient(id: number): Promise<Client>;
  createClient(input: ClientInput): Promise<Client>;
  updateClient(id: number, input: ClientInput): Promise<Client>;
  deleteClient(id: number): Promise<void>;

  listServices(): Promise<Service[]>;
  createService(input: ServiceInput): Promise<Service>;
  updateService(id: number, input: ServiceInput): Promise<Service>;

  listStaff(): Promise<StaffMember[]>;
  createStaff(input: StaffInput): Promise<StaffMember>;
  updateStaff(id: number, input: StaffInput): Promise<StaffMember>;

  /** Bookings overlapping [from, to) (RFC 3339 instants), optionally for one staff member. */
  listBookings(from: string, to: string, staffId: number | null): Promise<Booking[]>;
  checkBooking(input: BookingInput, exceptId: number | null): Promise<void>;
  createBooking(input: BookingInput): Promise<Booking>;
  updateBooking(id: number, input: BookingInput): Promise<Booking>;
  setBookingStatus(id: number, status: BookingStatus): Promise<Booking>;

  listInvoices(query: InvoiceQuery): Promise<InvoicePage>;
  getInvoice(id: number): Promise<Invoice>;
  createInvoice(input: InvoiceInput): Promise<Invoice>;
  updateDraft(id: number, input: InvoiceInput): Promise<Invoice>;
  deleteDraft(id: number): Promise<void>;
  finalizeInvoice(id: number): Promise<Invoice>;
  voidInvoice(id: number): Promise<Invoice>;
  markUncollectible(id: number): Promise<Invoice>;

  recordPayment(invoiceId: number, input: PaymentInput): Promise<Payment>;
  refundPayment(paymentId: number, input: RefundInput): Promise<Refund>;
  /** Payments received between two dates (YYYY-MM-DD), inclusive. */
  listPayments(from: string, to: string): Promise<Payment[]>;

  dashboard(): Promise<Dashboard>;

  /** Every pay link the invoice has had, newest first (the live one, if any, is `active`). */
  invoicePayLinks(invoiceId: number): Promise<PayLink[]>;
  /**
   * After finalizing, a payment, a void or a write-off: brings the invoice's pay link in line with
   * what it asks for now (one live link for exactly the amount due, or none). Null when it has no
   * live link, e.g. without a Stripe connection. Rejects when Stripe can't take the amount or can't be reached.
   */
  syncPayLink(invoiceId: number): Promise<PayLink | null>;
  /** The owner asked for a link (a draft too). Rejects with code `stripe_not_connected` without Stripe. */
  addPayLink(invoiceId: number): Promise<PayLink>;

  /** Every job, newest first. */
  listJobs(): Promise<Job[]>;
  getJob(id: number): Promise<Job>;
  createJob(input: JobInput): Promise<Job>;
  /**
   * Adds a deposit, progress, final or custom request to the job as a draft invoice (net amounts; the
   * job's tax rate goes on the invoice). `amount` XOR `percent` of the contract; `final` takes neither.
   */
  requestPayment(jobId: number, input: PaymentRequestInput): Promise<Invoice>;

  /** The connected Stripe accounts, test and live mode (null where not connected). Asks Stripe nothing. */
  stripeStatus(): Promise<StripeStatus>;
  /**
   * Checks a pasted secret (sk_…) or restricted (rk_…) key with Stripe and keeps it in the keychain.
   * `mode` null takes the key's own mode. Key mistakes reject with field `key`. The key never comes back.
   */
  stripeConnect(key: string, mode: StripeMode | null): Promise<Connected>;
  /** Asks Stripe again about the connected account of one mode. */
  stripeRefresh(mode: StripeMode): Promise<StripeConnection>;
  /** Removes that mode's key from the keychain and forgets its account; false if it wasn't connected. */
  stripeDisconnect(mode: StripeMode): Promise<boolean>;
  /** Switches the mode new Stripe work uses (it must be connected); the new status. */
  stripeSetActiveMode(mode: StripeMode): Promise<StripeStatus>;

  /** Email as set up (never the password: `password_stored` says whether the keychain has it), or null. */
  emailSettings(): Promise<EmailSettings | null>;
  /**
   * Saves the outgoing mail server. `password` goes to the keychain; null keeps the one saved. Bad input
   * rejects with the field (`host`, `port`, `security`, `username`, `password`, `from_name`,
   * `from_address`, `reply_to`). Makes no connection: `sendTestEmail` tries the settings.
   */
  configureSmtp(input: SmtpInput, password: string | null): Promise<EmailSettings>;
  /**
   * "Sign in with Google/Microsoft": opens the provider's page in the browser and resolves once the owner
   * has finished there (or rejects: `mail_config` when this build has no sign-in, `mail_sign_in`, …).
   */
  signInEmail(input: OAuthSignIn): Promise<EmailSettings>;
  /** Forgets the mail server, its password and any sign-in; false if email wasn't set up. */
  disconnectEmail(): Promise<boolean>;
  /** Sends "Paydesk test email" to `to` with the saved settings; its Message-ID. Bad `to` rejects with field `to`. */
  sendTestEmail(to: string): Promise<string>;
  /** What the send-invoice form starts with (the client's address, subject, message). Rejects for drafts and void invoices. */
  invoiceEmailDraft(invoiceId: number): Promise<InvoiceEmailDraft>;
  /** Every email sent (or tried) for the invoice, newest first. */
  invoiceEmails(invoiceId: number): Promise<SentEmail[]>;
  /**
   * Emails the invoice with its PDF: finalizes a draft first, brings the pay link up to date and
   * issues the PDF (a new version when the balance or link changed). `to` null: the client's saved
   * address; `message` null: the usual greeting. Rejects before anything changes for a bad `to`
   * (field `to`) or without email set up (`mail_not_configured`); a mail server failure rejects
   * after the draft was finalized, and the sent log keeps a `failed` row with the reason. A Stripe
   * problem doesn't stop the email: `pay_link_problem` says why the PDF has no link.
   */
  sendInvoice(invoiceId: number, input: SendInvoiceInput): Promise<SendOutcome>;
  /** The PDF versions the invoice was issued as, newest first (none for a draft). */
  issuedPdfs(invoiceId: number): Promise<IssuedPdf[]>;
  /** Writes the invoice's current PDF (a draft's preview too) and opens it in the computer's PDF viewer. */
  openInvoicePdf(invoiceId: number): Promise<PreparedPdf>;
  /** Asks where to save the invoice's PDF (the OS's save dialog) and writes it; the path, or null if cancelled. */
  saveInvoicePdf(invoiceId: number): Promise<string | null>;
  /** The same for a payment's receipt. */
  saveReceiptPdf(paymentId: number): Promise<string | null>;

  /**
   * "Sync now": one pass over every connected Stripe mode at once (open links checked directly too),
   * one report per mode. A Stripe problem doesn't reject: it is the report's `error` (and `error_code`).
   */
  syncNow(): Promise<PassReport[]>;
  /**
   * A payment may be imminent (an invoice with a live pay link on screen, the link copied or opened,
   * an invoice sent): the background poller checks every few seconds for the next ten minutes.
   */
  expectPayment(): Promise<void>;
  /** How the payments sync is doing, one row per connected mode (last pass, problem, reads today, catching up). */
  syncStatus(): Promise<SyncStatus[]>;
  /** What happened with the owner's money, newest first (at most `limit` items). */
  activityFeed(limit: number): Promise<Activity[]>;
  /** The owner has looked at the feed: every item is `seen` from now on. */
  markActivitySeen(): Promise<void>;
  /** The invoice's payment attempts through Stripe (succeeded, processing, failed), newest first. */
  invoiceStripePayments(invoiceId: number): Promise<StripePayment[]>;
  /** Money received through Stripe that is on no invoice yet, newest first. */
  unmatchedPayments(): Promise<StripePayment[]>;
  /**
   * Puts an unmatched Stripe payment on an invoice of the same currency that still owes at least that
   * much; the invoice's problems reject with field `invoice_id`.
   */
  assignStripePayment(stripePaymentId: number, invoiceId: number): Promise<StripePayment>;
  /** The client's cards saved at Stripe (from paying a link with "save my card"). */
  savedCards(clientId: number): Promise<SavedCard[]>;
  /**
   * Charges the client's most recently saved card (in the active mode, not expired) for the invoice's
   * whole amount due, exactly once. A declined card doesn't reject: it is a `failed` charge with
   * Stripe's reason in plain words (`failure`). Rejects with `conflict` when nothing is owed or the
   * client has no card that can be charged, and for Stripe problems (not connected, unreachable).
   */
  chargeSavedCard(invoiceId: number): Promise<CardCharge>;
  /** Detaches the saved card (its `id`, pm_…) from the client at Stripe: it can never be charged again. */
  removeSavedCard(clientId: number, card: string): Promise<void>;
  /** Saved cards that expire at the end of this month or next, soonest first. */
  expiringCards(): Promise<ExpiringCard[]>;
  /** Charges each invoice's client's saved card in turn; one failing doesn't stop the others. */
  chargeSavedCards(invoiceIds: number[]): Promise<BulkCharge[]>;
  /**
   * Emails the client a Stripe page where they save a card for later charges (the link works for 24
   * hours); `to` null: the client's saved address. Asking again within a day sends the same page.
   * Rejects with field `to` when there is no address to send to (or it isn't one), `mail_not_configured`
   * without email set up, and `stripe_not_connected` without Stripe.
   */
  sendCardRequest(clientId: number, to: string | null): Promise<CardRequest>;

  /** The business's rules for money around bookings: deposit, hold, auto-charge, cancellation fee. */
  bookingPolicy(): Promise<BookingPolicy>;
  /**
   * Saves the policy. Rejects with field `deposit` (10–100 %, or a fixed amount above zero),
   * `cancel_fee` (1–100 %, or above zero), `deposit_hold_hours` (1–720) or `cancel_window_hours` (0–720).
   */
  setBookingPolicy(policy: BookingPolicy): Promise<BookingPolicy>;
  /** A service's own deposit rule; null follows the business-wide one. */
  serviceDeposit(serviceId: number): Promise<AmountRule | null>;
  setServiceDeposit(serviceId: number, rule: AmountRule | null): Promise<AmountRule | null>;
  /** The client's own auto-charge choice; null follows the business default. */
  clientAutoCharge(clientId: number): Promise<boolean | null>;
  setClientAutoCharge(clientId: number, on: boolean | null): Promise<void>;
  /** The deposit the policy asks of this booking (per service, on its price with tax); null: none. */
  depositQuote(bookingId: number): Promise<Money | null>;
  /**
   * The deposit a booking of these services would ask, before it is made (the booking form): the
   * same rule as `depositQuote`; null: none. Rejects (`conflict`) for services priced in different currencies.
   */
  depositQuoteForServices(serviceIds: number[]): Promise<Money | null>;
  /** The deposit asked on this booking, or null if none was. */
  bookingDeposit(bookingId: number): Promise<Deposit | null>;
  /**
   * Asks the booking's deposit (issuing its invoice, whose pay link asks just the deposit) and emails
   * it; `to` null: the client's saved address. Asking again returns the same deposit, never a second.
   */
  sendDepositRequest(bookingId: number, to: string | null): Promise<DepositRequest>;
  /** Keeps the booking although its deposit is late: it is never released by itself. */
  keepBooking(bookingId: number): Promise<Deposit>;
  /** Lets the booking go for want of its deposit (cancelled, invoice void); the invoice id, or null if it had none waiting. */
  releaseBooking(bookingId: number): Promise<number | null>;
  /**
   * Cancels the booking (`cancelled`) or marks it a no-show (`no_show`) and settles its invoice; `fee`
   * is the fee the policy proposes (a late cancellation or a no-show), nothing charged yet.
   */
  cancelBooking(bookingId: number, status: BookingStatus): Promise<CancelOutcome>;
  /** The fee the policy asks of a cancelled or no-show booking, or null. */
  bookingFeeProposal(bookingId: number): Promise<FeeProposal | null>;
  /**
   * The owner confirmed the fee (`amount` null: as proposed; a bad amount rejects with field
   * `amount`): it is invoiced, then the saved card is charged (`sent.charge`) or a pay link emailed.
   */
  chargeBookingFee(bookingId: number, amount: string | null): Promise<FeeOutcome>;
  /** The booking's issued invoices (its deposit and rest, a fee), oldest first. */
  bookingInvoices(bookingId: number): Promise<Invoice[]>;
  /**
   * Calls `listener` with the reports of every background sync pass (the `sync-report` event).
   * Returns the function that stops listening.
   */
  onSyncReport(listener: (reports: PassReport[]) => void): () => void;

  /**
   * A report's first 200 rows, its whole row count and its totals per currency (never added across
   * currencies). Dates are YYYY-MM-DD, both included, in the business time zone; aging is as of `to`.
   * Rejects with field `to` when it is before `from`, `currency` for an unknown currency.
   */
  reportPreview(request: ReportRequest): Promise<ReportPreview>;
  /** What the Reports screen draws: money per month and currency, and what is owed by age as of `to`. */
  reportCharts(from: string, to: string): Promise<ReportCharts>;
  /**
   * Asks where to save (the OS's save dialog) and writes the whole report there, emitting progress
   * (`onReportExportProgress`) every 10,000 rows and at the end; null if the owner cancelled. A bank
   * statement (quickbooks, xero) of aging or revenue rejects with field `format`.
   */
  exportReport(request: ReportRequest, format: ExportFormat, bom: boolean, expectedRows: number): Promise<ExportSummary | null>;
  /** Calls `listener` with an export's progress (the `report-export-progress` event); returns the function that stops listening. */
  onReportExportProgress(listener: (progress: ExportProgress) => void): () => void;

  /** Asks where to save a backup (the OS's save dialog) and writes it; the path, or null if cancelled. */
  saveBackup(): Promise<string | null>;
  /** Opens an https address (or http on this computer, a simulator's pay page) in the default browser. */
  openExternal(url: string): Promise<void>;
}

/** What every backend method rejects with. `field` names the form field, e.g. `lines[1].unit_price`. */
export class BackendError extends Error {
  readonly code: string;
  readonly field: string | null;

  constructor(code: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.field = field;
  }

  /** Turns anything thrown into a BackendError (plain `{code, message, field}` objects included). */
  static from(e: unknown): BackendError {
    if (e instanceof BackendError) return e;
    if (e && typeof e === 'object' && 'message' in e) {
      const o = e as { code?: unknown; message?: unknown; field?: unknown };
      return new BackendError(
        typeof o.code === 'string' ? o.code : 'unknown',
        String(o.message),
        typeof o.field === 'string' ? o.field : null,
      );
    }
    return new BackendError('unknown', typeof e === 'string' ? e : 'Something went wrong.');
  }
}
