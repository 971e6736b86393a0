// An in-memory Backend for component tests and the browser demo. It follows paydesk-core's rules
// closely enough to exercise the UI: field-named validation errors, exact totals, statuses.
import { BackendError, type Backend } from './backend';
import type * as T from './types';
import {
  add,
  cmp,
  computeTotals,
  currencyDecimals,
  decToString,
  moneyDec,
  normalize,
  parseDec,
  percentOf,
  round,
  significantDecimals,
  sub,
  toMoney,
  ZERO,
  type Dec,
} from '../money';
import { email as emailRule } from '../validate';
import {
  checkFromAddress,
  checkFromName,
  checkHost,
  checkLogin,
  checkRecipient,
  checkSecurity,
  checkUsername,
  portMessage,
  serverName,
} from '../mail';
import { addDays, todayIn } from '../dates';
import { seed, type MockJob } from './mock-seed';
import { createStripeWorld, type MockStripeWorld } from './mock-stripe';
import { createReports } from './mock-reports';
import { createBookings } from './mock-bookings';

export type { ClientPayment, MockStripeWorld, SavedCardInput } from './mock-stripe';

/** The mock backend, with a handle on its "Stripe" (clients paying, sync passes failing). */
export type MockBackend = Backend & { stripeWorld: MockStripeWorld };

const invalid = (field: string, message: string) => new BackendError('invalid', message, field);
const conflict = (message: string) => new BackendError('conflict', message);
const notFound = (what: string, id: number) => new BackendError('not_found', `${what} ${id} doesn't exist (it may have been deleted).`);
const MAX_LOGO_BYTES = 1024 * 1024;
const clone = <V>(v: V): V => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as V));

function text(field: string, label: string, value: string | undefined | null, max: number, req = false): string {
  const v = (value ?? '').trim();
  if (req && v === '') throw invalid(field, `${label} is required.`);
  if ([...v].length > max) throw invalid(field, `${label} can be at most ${max} characters.`);
  return v;
}

function mail(field: string, value: string): string {
  const e = emailRule(value);
  if (e) throw invalid(field, e);
  return value.trim();
}

function dec(field: string, value: string | undefined | null): Dec {
  const d = parseDec(value ?? '');
  if (!d) throw invalid(field, `"${value ?? ''}" is not an amount. Write it like 45 or 45.50.`);
  return d;
}

function money(field: string, value: string, currency: string, prefix = ''): T.Money {
  const d = dec(field, value);
  const dp = currencyDecimals(currency);
  if (significantDecimals(d) > dp) {
    throw invalid(field, `${prefix}${currency} amounts can have at most ${dp} decimal places; ${value.trim()} has more.`);
  }
  return toMoney(d, currency);
}

function percent(field: string, label: string, value: string, maxDp: number): string {
  const d = dec(field, value || '0');
  if (d.m < 0n || cmp(d, { m: 100n, s: 0 }) > 0) throw invalid(field, `${label} must be between 0 and 100%.`);
  if (significantDecimals(d) > maxDp) throw invalid(field, `${label} can have at most ${maxDp} decimal places.`);
  return (value || '0').trim();
}

function deriveStatus(state: T.InvoiceState, total: T.Money, paid: Dec, refunded: Dec): T.InvoiceStatus {
  if (state === 'draft' || state === 'void') return state;
  if (paid.m > 0n && cmp(refunded, paid) >= 0) return 'refunded';
  if (cmp(paid, moneyDec(total)) >= 0) return refunded.m === 0n ? 'paid' : 'partially_refunded';
  if (paid.m !== 0n) return 'partially_paid';
  return state === 'uncollectible' ? 'uncollectible' : 'open';
}

// paydesk-core's currency list (Stripe's presentment currencies).
const CURRENCIES = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP BYN BZD CAD CDF ' +
    'CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GIP GMD GNF GTQ GYD HKD HNL HTG ' +
    'HUF IDR ILS INR ISK JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK ' +
    'MNT MOP MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB ' +
    'RWF SAR SBD SCR SEK SGD SHP SLE SOS SRD SZL THB TJS TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VND VUV ' +
    'WST XAF XCD XOF XPF YER ZAR ZMW'
  ).split(' '),
);

function knownCurrency(field: string, code: string): string {
  const c = code.trim().toUpperCase();
  if (!CURRENCIES.has(c)) throw invalid(field, `"${code.trim()}" is not a currency Paydesk knows. Use a three-letter code such as EUR, USD or JPY.`);
  return c;
}

/** "12000.00 EUR", as paydesk-core writes money in its messages. */
const plain = (m: T.Money) => `${m.amount} ${m.currency}`;

/** Stripe's minimum charge per currency (core/src/money/stripe_units.rs); none where Stripe only gives a USD equivalent. */
const STRIPE_MIN: Record<string, string> = {
  ...Object.fromEntries(['USD', 'AUD', 'BRL', 'CAD', 'CHF', 'EUR', 'INR', 'NZD', 'SGD'].map((c) => [c, '0.50'])),
  GBP: '0.30',
  ...Object.fromEntries(['AED', 'MYR', 'PLN', 'RON'].map((c) => [c, '2.00'])),
  BGN: '1.00',
  CZK: '15.00',
  DKK: '2.50',
  HKD: '4.00',
  HUF: '175.00',
  JPY: '50',
  ...Object.fromEntries(['MXN', 'THB'].map((c) => [c, '10.00'])),
  ...Object.fromEntries(['NOK', 'SEK'].map((c) => [c, '3.00'])),
};

/** paydesk-core's chargeable_units: what a client may be asked to pay online. */
function checkChargeable(m: T.Money): void {
  const min = STRIPE_MIN[m.currency];
  if (min && cmp(moneyDec(m), parseDec(min)!) < 0) {
    throw new BackendError('invalid', `Stripe can't take less than ${plain(toMoney(parseDec(min)!, m.currency))} online — record a manual payment instead.`);
  }
  // Stripe takes at most 8 digits of its own units (ISK goes to Stripe in hundredths).
  const max = m.currency === 'ISK' ? toMoney({ m: 999_999n, s: 0 }, 'ISK') : toMoney({ m: 99_999_999n, s: currencyDecimals(m.currency) }, m.currency);
  if (cmp(moneyDec(m), moneyDec(max)) > 0) throw new BackendError('invalid', `Stripe can take at most ${plain(max)} in one payment.`);
}

const REQUEST_LABELS: Record<T.RequestKind, string> = {
  deposit: 'Deposit',
  progress: 'Progress payment',
  final: 'Final payment',
  custom: 'Payment',
};

const STRIPE_NEEDED =
  'Paydesk needs the secret key (sk_…) or a restricted key (rk_…) from the Stripe Dashboard, under Developers → API keys.';

interface MockKey {
  kind: T.KeyKind;
  mode: T.StripeMode;
  last4: string;
  trimmed: boolean;
}

/** paydesk-core's stripe::key::parse: the same mistakes, the same words, never echoing the key. */
function parseStripeKey(pasted: string): MockKey {
  const key = pasted.trim();
  const bad = (message: string) => invalid('key', message);
  if (key === '') throw bad(`Paste your Stripe key first. ${STRIPE_NEEDED}`);
  if (/\s/.test(key)) {
    throw bad(
      'The key has a space or a line break in the middle, so part of it is missing or extra. ' +
        "Copy it again with the Dashboard's copy button and paste it in one piece.",
    );
  }
  const pk = /^pk_(test|live)_/.exec(key);
  if (pk) throw bad(`That's the publishable key (pk_${pk[1]}_…), which only web pages use. ${STRIPE_NEEDED}`);
  if (key.startsWith('whsec_')) throw bad(`That's a webhook signing secret (whsec_…), not an API key. ${STRIPE_NEEDED}`);
  const kind: T.KeyKind | null = key.startsWith('sk_') ? 'secret' : key.startsWith('rk_') ? 'restricted' : null;
  if (!kind) throw bad(`What you pasted isn't a Stripe API key. ${STRIPE_NEEDED}`);
  const p = key.slice(0, 2);
  const m = /^(?:sk|rk)_(test|live)_(.*)$/.exec(key);
  if (!m) throw bad(`This ${p}_… key is neither a test key (${p}_test_…) nor a live key (${p}_live_…). ${STRIPE_NEEDED}`);
  const body = m[2] ?? '';
  if (body.length < 8 || !/^[A-Za-z0-9]+$/.test(body)) {
    throw bad("The key looks cut short or has stray characters in it. Copy it again with the Dashboard's copy button.");
  }
  return { kind, mode: m[1] as T.StripeMode, last4: body.slice(-4), trimmed: key.length !== pasted.length };
}

export interface MockOptions {
  /** Fill with demo clients, services, bookings and invoices (default true). */
  seeded?: boolean;
  now?: () => Date;
  /** Whether this "build" can sign in with Google/Microsoft (has OAuth client IDs; default true). */
  oauth?: boolean;
  /** How long "Sign in with…" waits, as if the owner were signing in in the browser (default 0). */
  signInDelayMs?: number;
  /** The browser demo: "Sync now" with nothing new finds that a client paid the newest live pay link. */
  demoPayments?: boolean;
}

/** The password the mock's mail server refuses, so tests can exercise a failed login. */
export const MOCK_WRONG_PASSWORD = 'wrong';

/** Where "Sign in with…" sends email, as core/src/mail/oauth/mod.rs sets up each provider. */
const OAUTH_SMTP: Record<T.OAuthProvider, { name: string; host: string; port: number; security: T.SmtpSecurity }> = {
  google: { name: 'Google', host: 'smtp.gmail.com', port: 465, security: 'tls' },
  microsoft: { name: 'Microsoft', host: 'smtp.office365.com', port: 587, security: 'starttls' },
};

/** Throws the first of the messages given (core checks fields in order and stops at the first). */
function first(...checks: [string, string | null][]): void {
  for (const [field, message] of checks) if (message) throw invalid(field, message);
}

export function createMockBackend(options: MockOptions = {}): MockBackend {
  const now = options.now ?? (() => new Date());
  const db = seed(options.seeded ?? true, now());
  let nextId = 1000;
  let backups = 0;
  let logo: string | null = null;
  const stripe: T.StripeStatus = { test: null, live: null, active: null };
  // Like the core's active mode: the owner's choice while connected, else live, else test.
  let chosenMode: T.StripeMode | null = null;
  const settleActive = () =>
    (stripe.active = chosenMode && stripe[chosenMode] ? chosenMode : stripe.live ? 'live' : stripe.test ? 'test' : null);
  const counters = new Map<string, number>();
  // Email: the settings row, and what the keychain would hold (the SMTP password, or a sign-in).
  let emailConfig: Omit<T.EmailSettings, 'password_stored'> | null = null;
  let smtpPassword: string | null = null;
  let signedIn: T.OAuthProvider | null = null;
  // The sent log (every invoice email tried, sent or failed), and the PDF versions each invoice was
  // issued as, with what each one showed (core's issued_pdf fingerprint) so a new one is made only
  // when the balance or the pay link changed.
  const sentEmails: T.SentEmail[] = [];
  const issuedPdfs = new Map<number, { pdf: T.IssuedPdf; fingerprint: string }[]>();
  const today = () => todayIn(db.business.time_zone, now());
  const stamp = () => now().toISOString().replace(/\.\d{3}Z$/, 'Z');

  const client = (id: number) => db.clients.find((c) => c.id === id) ?? throwIt(notFound('Client', id));
  const invoice = (id: number) => db.invoices.find((i) => i.id === id) ?? throwIt(notFound('Invoice', id));
  const label = (inv: T.Invoice) => (inv.number ? `Invoice ${inv.number}` : `Draft invoice ${inv.id}`);

  function refresh(inv: T.Invoice): T.Invoice {
    inv.totals = computeTotals(inv.lines.map((l) => ({ ...l, unit_price: l.unit_price.amount })), inv.currency);
    inv.payments = db.payments.filter((p) => p.invoice_id === inv.id);
    inv.refunds = db.refunds.filter((r) => r.invoice_id === inv.id);
    const paid = inv.payments.reduce((a, p) => add(a, moneyDec(p.amount)), ZERO);
    const refunded = inv.refunds.reduce((a, r) => add(a, moneyDec(r.amount)), ZERO);
    inv.paid = toMoney(paid, inv.currency);
    inv.refunded = toMoney(refunded, inv.currency);
    const due = sub(moneyDec(inv.totals.total), paid);
    inv.amount_due = toMoney(inv.state === 'void' || due.m < 0n ? ZERO : due, inv.currency);
    inv.status = deriveStatus(inv.state, inv.totals.total, paid, refunded);
    return inv;
  }

  function finalize(id: number): T.Invoice {
    const cur = invoice(id);
    if (cur.state !== 'draft') throw conflict(`${label(cur)} can't be finalized again.`);
    if (cur.lines.length === 0) throw invalid('lines', 'Add at least one line before finalizing the invoice.');
    cur.number = takeNumber(cur.issue_date);
    cur.state = 'open';
    cur.finalized_at = stamp();
    return refresh(cur);
  }

  function summary(inv: T.Invoice): T.InvoiceSummary {
    const { id, number, client_id, client_name, issue_date, due_date, status, amount_due } = inv;
    return { id, number, client_id, client_name, issue_date, due_date, status, total: inv.totals.total, amount_due };
  }

  function validateInvoice(input: T.InvoiceInput) {
    const currency = (input.currency ?? db.business.currency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw invalid('currency', `"${currency}" is not a currency Paydesk knows.`);
    const lines: T.Line[] = input.lines.map((l, i) => {
      const at = (f: string) => `lines[${i}].${f}`;
      const n = i + 1;
      const description = text(at('description'), `Line ${n}: the description`, l.description, 1000, true);
      const qty = dec(at('quantity'), l.quantity);
      if (qty.m <= 0n) throw invalid(at('quantity'), `Line ${n}: the quantity must be more than zero.`);
      if (significantDecimals(qty) > 3 || cmp(qty, { m: 1_000_000n, s: 0 }) > 0) {
        throw invalid(at('quantity'), `Line ${n}: the quantity can be at most 1,000,000 with 3 decimals.`);
      }
      if (dec(at('unit_price'), l.unit_price).m < 0n) {
        throw invalid(at('unit_price'), `Line ${n}: the price can't be negative; use a discount instead.`);
      }
      return {
        description,
        quantity: l.quantity.trim(),
        unit_price: money(at('unit_price'), l.unit_price, currency, `Line ${n}: `),
        tax_rate: percent(at('tax_rate'), `Line ${n}: the tax rate`, l.tax_rate, 3),
        discount_percent: percent(at('discount_percent'), `Line ${n}: the discount`, l.discount_percent, 2),
        service_id: l.service_id ?? null,
      };
    });
    const issue_date = input.issue_date || today();
    const due_date = input.due_date || addDays(issue_date, db.business.payment_terms_days);
    if (due_date < issue_date) {
      throw invalid('due_date', `The due date (${due_date}) can't be before the issue date (${issue_date}).`);
    }
    const c = db.clients.find((x) => x.id === input.client_id);
    if (!c) throw invalid('client_id', "Choose a client for this invoice (the one given doesn't exist).");
    return {
      client_id: c.id,
      client_name: c.name,
      booking_id: input.booking_id ?? null,
      currency,
      issue_date,
      due_date,
      lines,
      notes: text('notes', 'Notes', input.notes, 4000),
      terms: text('terms', 'Terms', input.terms ?? db.business.invoice_terms, 4000),
    };
  }

  function takeNumber(issueDate: string): string {
    const year = issueDate.slice(0, 4);
    const series = db.business.invoice_number_format.replace('{YYYY}', year).replace('{YY}', year.slice(2));
    const seq = (counters.get(series) ?? db.invoices.filter((i) => i.number).length) + 1;
    counters.set(series, seq);
    return series.replace(/\{SEQ(?::(\d+))?\}/, (_m, w: string | undefined) => String(seq).padStart(Number(w ?? 1), '0'));
  }

  function checkSlot(input: T.BookingInput, exceptId: number | null) {
    if (!db.clients.some((c) => c.id === input.client_id)) {
      throw invalid('client_id', "Choose a client for the booking (the one given doesn't exist).");
    }
    const staff = db.staff.find((s) => s.id === input.staff_id);
    if (!staff) throw invalid('staff_id', "Choose who the booking is with (the staff member given doesn't exist).");
    let minutes = 0;
    input.service_ids.forEach((id, i) => {
      const s = db.services.find((x) => x.id === id);
      if (!s) throw invalid(`service_ids[${i}]`, `Service ${id} doesn't exist (it may have been deleted).`);
      minutes += s.duration_minutes;
    });
    const start = Date.parse(input.starts_at);
    if (Number.isNaN(start)) throw invalid('starts_at', 'Choose when the booking starts.');
    let end: number;
    if (input.ends_at) end = Date.parse(input.ends_at);
    else if (minutes > 0) end = start + minutes * 60000;
    else throw invalid('ends_at', 'Give an end time or choose at least one service.');
    if (!(end > start)) throw invalid('ends_at', 'The booking must end after it starts.');
    if (end - start > 24 * 3600000) throw invalid('ends_at', 'A booking can last at most 24 hours.');
    const other = db.bookings.find(
      (b) =>
        b.staff_id === staff.id &&
        b.id !== exceptId &&
        (b.status === 'booked' || b.status === 'completed') &&
        Date.parse(b.starts_at) < end &&
        start < Date.parse(b.ends_at),
    );
    if (other) {
      const show = (t: string) =>
        new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: db.business.time_zone })
          .format(new Date(t))
          .replace(/,/g, '');
      throw new BackendError('booking_clash', `${staff.name} already has a booking from ${show(other.starts_at)} to ${show(other.ends_at)} (booking ${other.id}).`);
    }
    return { staff, start, end };
  }

  function toBooking(id: number, input: T.BookingInput, status: T.BookingStatus): T.Booking {
    const { staff, start, end } = checkSlot(input, id);
    const c = client(input.client_id);
    return {
      id,
      client_id: c.id,
      client_name: c.name,
      staff_id: staff.id,
      staff_name: staff.name,
      service_ids: [...input.service_ids],
      starts_at: new Date(start).toISOString().replace('.000Z', 'Z'),
      ends_at: new Date(end).toISOString().replace('.000Z', 'Z'),
      status,
      notes: text('notes', 'Notes', input.notes, 4000),
    };
  }

  function serviceFrom(id: number, input: T.ServiceInput): T.Service {
    const name = text('name', 'Name', input.name, 200, true);
    if (!Number.isInteger(input.duration_minutes) || input.duration_minutes <= 0 || input.duration_minutes > 1440) {
      throw invalid('duration_minutes', 'The duration must be between 1 and 1440 minutes.');
    }
    const currency = (input.currency ?? db.business.currency).toUpperCase();
    return {
      id,
      name,
      duration_minutes: input.duration_minutes,
      price: money('price', input.price, currency),
      tax_rate: percent('tax_rate', 'The tax rate', input.tax_rate, 3),
      active: input.active,
    };
  }

  function staffFrom(id: number, input: T.StaffInput): T.StaffMember {
    return { id, name: text('name', 'Name', input.name, 200, true), email: mail('email', input.email), active: input.active };
  }

  function clientFrom(id: number, input: T.ClientInput, created_at: string): T.Client {
    return {
      id,
      name: text('name', 'Name', input.name, 200, true),
      email: mail('email', input.email),
      phone: text('phone', 'Phone', input.phone, 50),
      address: text('address', 'Address', input.address, 1000),
      notes: text('notes', 'Notes', input.notes, 4000),
      created_at,
    };
  }

  // ---- Pay links: paydesk-core's paylink::PayLinks::reconcile, with Stripe always answering at once.

  const linksOf = (invoiceId: number) => db.payLinks.filter((l) => l.invoice_id === invoiceId).sort((a, b) => b.id - a.id);
  const liveLink = (invoiceId: number) => linksOf(invoiceId).find((l) => l.state === 'active') ?? null;

  /** The amount the invoice's live link should ask for now, or null for none. Throws below Stripe's minimum. */
  function wantedAmount(inv: T.Invoice, keepDraftLink: boolean): T.Money | null {
    const amount =
      inv.status === 'open' || inv.status === 'partially_paid'
        ? // A booking's invoice asks just its deposit until the deposit is paid.
          (bookings.linkAmount(inv.id) ?? inv.amount_due)
        : inv.status === 'draft' && keepDraftLink
          ? inv.totals.total
          : null;
    if (!amount || moneyDec(amount).m === 0n) return null;
    checkChargeable(amount);
    return amount;
  }

  function reconcileLink(invoiceId: number, asked: boolean): T.PayLink | null {
    const inv = refresh(invoice(invoiceId));
    const mode = stripe.active;
    if (!mode) {
      if (asked) throw new BackendError('stripe_not_connected', "Stripe test mode isn't connected yet. Connect it with your Stripe key first.");
      return liveLink(invoiceId);
    }
    let wanted: T.Money | null = null;
    let blocked: unknown = null;
    try {
      wanted = wantedAmount(inv, asked || liveLink(invoiceId) !== null);
    } catch (e) {
      blocked = e;
    }
    // A link's amount can't change at Stripe: a stale one is switched off before a new one is made.
    for (const link of linksOf(invoiceId)) {
      if (link.state === 'active' && (!wanted || link.mode !== mode || cmp(moneyDec(link.amount), moneyDec(wanted)) !== 0)) {
        link.state = 'deactivated';
        link.retired_at = stamp();
      }
    }
    if (blocked) throw blocked;
    if (!wanted) return null;
    const live = liveLink(invoiceId);
    if (live) return live;
    const id = ++nextId;
    const stripeId = `plink_mock${String(id).padStart(6, '0')}`;
    const link: T.PayLink = {
      id,
      invoice_id: invoiceId,
      mode,
      amount: wanted,
      state: 'active',
      stripe_id: stripeId,
      url: `https://buy.stripe.com/${mode === 'test' ? 'test_' : ''}${stripeId}`,
      last_error: null,
      created_at: stamp(),
      activated_at: stamp(),
      retired_at: null,
    };
    db.payLinks.push(link);
    return link;
  }

  // ---- Jobs: paydesk-core's job.rs. Amounts are net of tax.

  const jobRow = (id: number) => db.jobs.find((j) => j.id === id) ?? throwIt(notFound('Job', id));

  function toJob(j: MockJob): T.Job {
    const requests: T.PaymentRequest[] = [];
    let requested = ZERO;
    let paid = ZERO;
    for (const r of db.jobRequests.filter((x) => x.job_id === j.id).sort((a, b) => a.invoice_id - b.invoice_id)) {
      const inv = db.invoices.find((i) => i.id === r.invoice_id);
      if (!inv) continue;
      refresh(inv);
      // A voided request gives its part of the contract back.
      if (inv.state !== 'void') requested = add(requested, moneyDec(r.amount));
      paid = add(paid, sub(moneyDec(inv.paid), moneyDec(inv.refunded)));
      requests.push({
        invoice_id: inv.id,
        invoice_number: inv.number,
        kind: r.kind,
        amount: r.amount,
        status: inv.status,
        total: inv.totals.total,
        paid: inv.paid,
      });
    }
    return {
      id: j.id,
      client_id: j.client_id,
      client_name: client(j.client_id).name,
      title: j.title,
      currency: j.currency,
      contract_total: j.contract_total,
      tax_rate: j.tax_rate,
      notes: j.notes,
      created_at: j.created_at,
      requests,
      requested: toMoney(requested, j.currency),
      remaining: toMoney(sub(moneyDec(j.contract_total), requested), j.currency),
      paid: toMoney(paid, j.currency),
    };
  }

  /** The net amount a request asks for, checked against what is left of the contract. */
  function requestedAmount(job: T.Job, input: T.PaymentRequestInput): T.Money {
    const given = (v: string | null | undefined) => v !== null && v !== undefined;
    if (input.kind === 'final') {
      if (given(input.amount) || given(input.percent)) {
        throw invalid('amount', 'A final request asks for whatever is left; leave the amount empty.');
      }
      if (moneyDec(job.remaining).m <= 0n) throw conflict(`All of "${job.title}" has been requested already.`);
      return job.remaining;
    }
    let amount: T.Money;
    if (given(input.amount) && !given(input.percent)) {
      amount = money('amount', input.amount!, job.currency);
    } else if (given(input.percent) && !given(input.amount)) {
      const p = parseDec(percent('percent', 'The percentage', input.percent!, 2))!;
      amount = toMoney(round(percentOf(moneyDec(job.contract_total), p), currencyDecimals(job.currency)), job.currency);
    } else {
      throw invalid('amount', 'Give either an amount or a percentage of the contract.');
    }
    if (moneyDec(amount).m <= 0n) throw invalid('amount', 'A request must be for more than zero.');
    if (cmp(moneyDec(amount), moneyDec(job.remaining)) > 0) {
      throw invalid('amount', `Only ${plain(job.remaining)} of the contract is left to request (of ${plain(job.contract_total)}).`);
    }
    return amount;
  }

  // ---- Email: paydesk-core's mail::settings, send_test and oauth::flow. Nothing leaves the computer:
  // the "server" accepts every message, except that it refuses the password MOCK_WRONG_PASSWORD and
  // can't be reached at a host ending in `.invalid`.

  function emailView(): T.EmailSettings | null {
    if (!emailConfig) return null;
    const stored = emailConfig.username !== '' && (emailConfig.auth === 'password' ? smtpPassword !== null : signedIn !== null);
    return { ...emailConfig, password_stored: stored };
  }

  function configureSmtp(input: T.SmtpInput, password: string | null): T.EmailSettings {
    const { host, error: hostError } = checkHost(input.host);
    first(['host', hostError]);
    if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) throw invalid('port', portMessage(input.port));
    first(
      ['security', checkSecurity(host, input.security)],
      ['username', checkUsername(input.username)],
      ['from_name', checkFromName(input.from_name)],
      ['from_address', checkFromAddress(input.from_address)],
      ['reply_to', emailRule(input.reply_to ?? '')],
    );
    // The command turns an empty password into "keep the saved one".
    const given = password === '' ? null : password;
    const login = checkLogin(input.username, given, smtpPassword !== null);
    first(['username', login.username], ['password', login.password]);
    const username = input.username.trim();
    if (given !== null) smtpPassword = given;
    if (username === '') smtpPassword = null;
    signedIn = null;
    const replyTo = (input.reply_to ?? '').trim();
    emailConfig = {
      provider: 'smtp',
      host,
      port: input.port,
      security: input.security,
      auth: 'password',
      username,
      from_name: input.from_name.trim(),
      from_address: input.from_address.trim(),
      reply_to: replyTo === '' ? null : replyTo,
      updated_at: stamp(),
    };
    return emailView()!;
  }

  async function signInEmail(input: T.OAuthSignIn): Promise<T.EmailSettings> {
    const provider = OAUTH_SMTP[input.provider];
    first(
      ['email', checkRecipient(input.email, `Enter the ${provider.name} email address to send from.`)],
      ['from_name', checkFromName(input.from_name)],
      ['reply_to', emailRule(input.reply_to ?? '')],
    );
    if (options.oauth === false) {
      throw new BackendError(
        'mail_config',
        `Paydesk's email settings are wrong: signing in with ${provider.name} isn't available in this build of Paydesk. ` +
          "Use your provider's mail server with an app password instead.",
      );
    }
    if (options.signInDelayMs) await new Promise((r) => setTimeout(r, options.signInDelayMs));
    const address = input.email.trim();
    const replyTo = (input.reply_to ?? '').trim();
    emailConfig = {
      provider: 'smtp',
      host: provider.host,
      port: provider.port,
      security: provider.security,
      auth: input.provider === 'google' ? 'oauth_google' : 'oauth_microsoft',
      username: address,
      from_name: input.from_name.trim(),
      from_address: address,
      reply_to: replyTo === '' ? null : replyTo,
      updated_at: stamp(),
    };
    signedIn = input.provider;
    smtpPassword = null;
    return emailView()!;
  }

  const mailConfig = () => emailConfig ?? throwIt(new BackendError('mail_not_configured', 'Set up email in Settings → Email first.'));

  /** core's Mail::deliver: logs in and hands the message over; the Message-ID, or the server's refusal. */
  function deliver(c: NonNullable<typeof emailConfig>): string {
    const server = serverName(c.host, c.port);
    if (c.host.endsWith('.invalid')) {
      throw new BackendError(
        'mail_unreachable',
        `Couldn't reach ${server}: no such host. Check the server name and port in Settings → Email, and that this computer is online.`,
      );
    }
    if (c.auth === 'password' && c.username !== '') {
      if (smtpPassword === null) {
        throw new BackendError(
          'mail_password_missing',
          `There's no password for ${c.username} saved on this computer. Enter it again in Settings → Email.`,
        );
      }
      if (smtpPassword === MOCK_WRONG_PASSWORD) {
        throw new BackendError(
          'mail_login',
          `The mail server refused the username or password for ${c.username}. Check them in Settings → Email. ` +
            'Gmail, Outlook and iCloud need an app password here, not the one you sign in with. ' +
            '(The server said: 535 5.7.8 Authentication credentials invalid)',
        );
      }
    }
    const domain = c.from_address.split('@')[1] ?? 'localhost';
    const hex = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
    return `<${hex()}${hex()}${hex()}${hex()}.${now().getTime()}@${domain}>`;
  }

  function sendTestEmail(to: string): string {
    first(['to', checkRecipient(to)]);
    return deliver(mailConfig());
  }

  // ---- Sending an invoice: core's sending.rs, issued_pdf.rs and mail::invoice_email.

  /** core's issue_pdf: a draft's preview (version 0, not kept), else the newest version unless what it shows changed. */
  function issuePdf(inv: T.Invoice, link: T.PayLink | null): T.IssuedPdf {
    const url = link?.url ?? null;
    // A stand-in for the PDF's size: about what the core's are (30–45 KB), more with a link's QR code.
    const size = 31_000 + inv.lines.length * 650 + (url ? 2_400 : 0);
    if (inv.state === 'draft') {
      return { invoice_id: inv.id, version: 0, pay_link_id: link?.id ?? null, created_at: stamp(), size, file_name: `Invoice-draft-${inv.id}.pdf` };
    }
    const fingerprint = [inv.status, inv.paid.amount, inv.refunded.amount, inv.amount_due.amount, url ?? ''].join('|');
    const versions = issuedPdfs.get(inv.id) ?? [];
    const latest = versions[versions.length - 1];
    if (latest && latest.fingerprint === fingerprint) return latest.pdf;
    const version = versions.length + 1;
    const safe = (inv.number ?? String(inv.id)).replace(/[^\p{L}\p{N}_-]/gu, '-');
    const pdf: T.IssuedPdf = {
      invoice_id: inv.id,
      version,
      pay_link_id: link?.id ?? null,
      created_at: stamp(),
      size,
      file_name: version <= 1 ? `${safe}.pdf` : `${safe}-v${version}.pdf`,
    };
    issuedPdfs.set(inv.id, [...versions, { pdf, fingerprint }]);
    return pdf;
  }

  /** core's prepare_pdf: the pay link brought up to date (a Stripe problem only leaves the link off), then the PDF. */
  function preparePdf(invoiceId: number): T.PreparedPdf {
    invoice(invoiceId);
    let payLink: T.PayLink | null;
    let problem: string | null = null;
    try {
      payLink = reconcileLink(invoiceId, false);
    } catch (e) {
      payLink = liveLink(invoiceId);
      problem = BackendError.from(e).message;
    }
    return { pdf: issuePdf(refresh(invoice(invoiceId)), payLink), pay_link: payLink, pay_link_problem: problem };
  }

  /** core's sendable_number: drafts have no number yet, and a void invoice isn't owed any more. */
  function sendableNumber(inv: T.Invoice): string {
    const label = inv.number ?? `Draft ${inv.id}`;
    if (inv.state === 'void') throw conflict(`${label} is void, so it isn't sent to the client. Send the invoice that replaced it.`);
    if (!inv.number || inv.state === 'draft') {
      throw conflict(`${label} is a draft. Finalize it first, so the client gets an invoice with a number.`);
    }
    return inv.number;
  }

  const noAddress = (c: T.Client) => invalid('to', `${c.name} has no email address saved. Type the address to send to.`);

  function sendInvoice(invoiceId: number, input: T.SendInvoiceInput): T.SendOutcome {
    // Everything that needs no server is checked before a draft is finalized.
    if (input.to !== undefined && input.to !== null) {
      first(['to', emailRule(input.to)]);
      if (input.to.trim() === '') throw invalid('to', 'Type the address to send the invoice to.');
    }
    mailConfig();
    let inv = refresh(invoice(invoiceId));
    const c = client(inv.client_id);
    if (inv.state === 'draft') {
      if ((input.to === undefined || input.to === null) && c.email === '') throw noAddress(c);
      inv = finalize(invoiceId);
    }
    const prepared = preparePdf(invoiceId);
    const message = input.message ?? invoiceEmailDraft(invoiceId).message;
    // core's send_invoice_email.
    const current = refresh(invoice(invoiceId));
    sendableNumber(current);
    const to = input.to !== undefined && input.to !== null ? input.to.trim() : c.email || throwIt(noAddress(c));
    first(['to', checkRecipient(to)]);
    text('message', 'Message', message, 5000);
    const config = mailConfig();
    const subject = invoiceEmailDraft(invoiceId).subject;
    const row: T.SentEmail = { id: ++nextId, invoice_id: invoiceId, sent_at: stamp(), to, subject, status: 'sent', message_id: null, error: null };
    // From here on the server is involved, so the attempt is logged whatever happens.
    try {
      row.message_id = deliver(config);
    } catch (e) {
      sentEmails.push({ ...row, status: 'failed', error: BackendError.from(e).message });
      throw e;
    }
    sentEmails.push(row);
    return { invoice: inv, pdf: prepared.pdf, pay_link: prepared.pay_link, pay_link_problem: prepared.pay_link_problem, email: row };
  }

  function invoiceEmailDraft(invoiceId: number): T.InvoiceEmailDraft {
    const inv = invoice(invoiceId);
    const number = sendableNumber(inv);
    const c = client(inv.client_id);
    const name = db.business.name;
    return {
      to: c.email,
      subject: name ? `Invoice ${number} from ${name}` : `Invoice ${number}`,
      message: bookings.depositMessage(invoiceId) ?? `Hello ${c.name},\n\nHere is your invoice ${number}. Thank you!`,
    };
  }

  function replace<V extends { id: number }>(list: V[], item: V): V {
    const i = list.findIndex((x) => x.id === item.id);
    list[i] = item;
    return item;
  }

  const sync = createStripeWorld({
    db,
    stripe,
    now,
    stamp,
    nextId: () => ++nextId,
    today,
    refresh,
    invoice,
    demo: options.demoPayments ?? false,
    client,
    mailReady: () => void mailConfig(),
    sendMail: () => void deliver(mailConfig()),
  });

  const reports = createReports({ db, refresh, knownCurrency });

  const bookings = createBookings({
    db,
    now,
    stamp,
    refresh,
    invoice,
    issue(input) {
      const inv = { id: ++nextId, number: null, state: 'draft', created_at: stamp(), finalized_at: null, voided_at: null, ...validateInvoice(input) } as T.Invoice;
      db.invoices.push(inv);
      return finalize(inv.id);
    },
    send: sendInvoice,
    syncLink(invoiceId) {
      try {
        reconcileLink(invoiceId, false);
      } catch {
        // Stripe can't take it now: the next sync pass tries again.
      }
    },
    chargeSavedCard: (invoiceId) => sync.api.chargeSavedCard(invoiceId),
    stripe: sync.hooks,
  });

  const api: Omit<Backend, 'onSyncReport' | 'onReportExportProgress'> = {
    ...sync.api,
    ...reports.api,
    ...bookings.api,
    async setLogo(bytes) {
      // paydesk-core's business::set_logo: judged by size and first bytes, not by the file name.
      if (bytes.length > MAX_LOGO_BYTES) {
        throw invalid('logo', 'The logo is larger than 1 MB. Save a smaller PNG or JPEG and try again.');
      }
      const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      const mime = png.every((b, i) => bytes[i] === b)
        ? 'image/png'
        : bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
          ? 'image/jpeg'
          : null;
      if (!mime) throw invalid('logo', 'The logo must be a PNG or JPEG image.');
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.slice(i, i + 0x8000));
      logo = `data:${mime};base64,${btoa(binary)}`;
      db.business = { ...db.business, has_logo: true };
    },
    async clearLogo() {
      logo = null;
      db.business = { ...db.business, has_logo: false };
    },
    async getLogo() {
      return logo;
    },
    async getBusiness() {
      return db.business;
    },
    async updateBusiness(u) {
      const p = { ...db.business };
      if (u.name !== undefined && u.name !== null) p.name = text('name', 'Business name', u.name, 200);
      if (u.address !== undefined && u.address !== null) p.address = text('address', 'Address', u.address, 1000);
      if (u.email !== undefined && u.email !== null) p.email = mail('email', u.email);
      if (u.phone !== undefined && u.phone !== null) p.phone = text('phone', 'Phone', u.phone, 50);
      if (u.tax_id !== undefined && u.tax_id !== null) p.tax_id = text('tax_id', 'Tax id', u.tax_id, 50);
      if (u.currency !== undefined && u.currency !== null) {
        if (!/^[A-Za-z]{3}$/.test(u.currency.trim())) {
          throw invalid('currency', `"${u.currency}" is not a currency Paydesk knows. Use a three-letter code such as EUR, USD or JPY.`);
        }
        p.currency = u.currency.trim().toUpperCase();
      }
      if (u.time_zone !== undefined && u.time_zone !== null) {
        try {
          new Intl.DateTimeFormat('en', { timeZone: u.time_zone });
        } catch {
          throw invalid('time_zone', `"${u.time_zone}" is not a time zone. Use a name such as Europe/Paris.`);
        }
        p.time_zone = u.time_zone;
      }
      if (u.locale !== undefined && u.locale !== null) {
        try {
          p.locale = Intl.getCanonicalLocales(u.locale)[0] ?? 'en-GB';
        } catch {
          throw invalid('locale', `"${u.locale}" is not a language tag. Use one such as fr-FR or en-GB.`);
        }
      }
      if (u.invoice_number_format !== undefined && u.invoice_number_format !== null) {
        if (!/\{SEQ(:\d+)?\}/.test(u.invoice_number_format)) {
          throw invalid('invoice_number_format', 'The invoice number format must contain {SEQ}, e.g. INV-{YYYY}-{SEQ:4}.');
        }
        p.invoice_number_format = u.invoice_number_format.trim();
      }
      if (u.payment_terms_days !== undefined && u.payment_terms_days !== null) {
        if (!Number.isInteger(u.payment_terms_days) || u.payment_terms_days < 0 || u.payment_terms_days > 365) {
          throw invalid('payment_terms_days', 'Payment terms can be at most 365 days.');
        }
        p.payment_terms_days = u.payment_terms_days;
      }
      if (u.invoice_terms !== undefined && u.invoice_terms !== null) p.invoice_terms = text('invoice_terms', 'Invoice terms', u.invoice_terms, 4000);
      if (u.save_cards_on_pay !== undefined && u.save_cards_on_pay !== null) p.save_cards_on_pay = u.save_cards_on_pay;
      if (u.accent_color !== undefined && u.accent_color !== null) {
        const hex = u.accent_color.trim().replace(/^#/, '');
        if (!/^[0-9A-Fa-f]{6}$/.test(hex)) throw invalid('accent_color', `"${u.accent_color.trim()}" isn't a colour. Use the #RRGGBB form, e.g. #0D54BF.`);
        p.accent_color = `#${hex.toUpperCase()}`;
      }
      db.business = p;
      return p;
    },

    async listClients(search, limit, offset) {
      const q = search.trim().toLowerCase();
      return db.clients
        .filter((c) => !q || [c.name, c.email, c.phone].some((f) => f.toLowerCase().includes(q)))
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(offset, offset + limit);
    },
    async getClient(id) {
      return client(id);
    },
    async createClient(input) {
      const c = clientFrom(++nextId, input, stamp());
      db.clients.push(c);
      return c;
    },
    async updateClient(id, input) {
      return replace(db.clients, clientFrom(id, input, client(id).created_at));
    },
    async deleteClient(id) {
      const c = client(id);
      if (db.invoices.some((i) => i.client_id === id) || db.bookings.some((b) => b.client_id === id) || db.jobs.some((j) => j.client_id === id)) {
        throw conflict(`${c.name} has invoices, bookings or jobs, so they can't be deleted.`);
      }
      db.clients = db.clients.filter((x) => x.id !== id);
    },

    async listServices() {
      return db.services;
    },
    async createService(input) {
      const s = serviceFrom(++nextId, input);
      db.services.push(s);
      return s;
    },
    async updateService(id, input) {
      if (!db.services.some((s) => s.id === id)) throw notFound('Service', id);
      return replace(db.services, serviceFrom(id, input));
    },

    async listStaff() {
      return db.staff;
    },
    async createStaff(input) {
      const s = staffFrom(++nextId, input);
      db.staff.push(s);
      return s;
    },
    async updateStaff(id, input) {
      if (!db.staff.some((s) => s.id === id)) throw notFound('Staff member', id);
      return replace(db.staff, staffFrom(id, input));
    },

    async listBookings(from, to, staffId) {
      const f = Date.parse(from);
      const t = Date.parse(to);
      return db.bookings
        .filter((b) => Date.parse(b.starts_at) < t && Date.parse(b.ends_at) > f && (staffId === null || b.staff_id === staffId))
        .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    },
    async checkBooking(input, exceptId) {
      checkSlot(input, exceptId);
    },
    async createBooking(input) {
      const b = toBooking(++nextId, input, 'booked');
      db.bookings.push(b);
      return b;
    },
    async updateBooking(id, input) {
      // paydesk-core's update_booking: only a booking still to happen moves, and never onto
      // another booking holding the same staff member's time (checkSlot, itself excepted).
      const cur = db.bookings.find((b) => b.id === id) ?? throwIt(notFound('Booking', id));
      if (cur.status !== 'booked') throw conflict(`This booking is ${cur.status.replace('_', '-')}, so it can't be moved.`);
      return replace(db.bookings, toBooking(id, input, cur.status));
    },
    async setBookingStatus(id, status) {
      const cur = db.bookings.find((b) => b.id === id) ?? throwIt(notFound('Booking', id));
      if (cur.status !== 'booked' && status !== 'booked') {
        throw conflict(`Booking ${id} is already ${cur.status.replace('_', '-')}.`);
      }
      cur.status = status;
      return cur;
    },

    async listInvoices(query) {
      const q = query.search.trim().toLowerCase();
      const rows = db.invoices
        .map(refresh)
        .filter(
          (i) =>
            (!q || (i.number ?? '').toLowerCase().includes(q) || i.client_name.toLowerCase().includes(q)) &&
            (query.statuses.length === 0 || query.statuses.includes(i.status)) &&
            (query.client_id == null || i.client_id === query.client_id),
        )
        .sort((a, b) => b.issue_date.localeCompare(a.issue_date) || b.id - a.id);
      const offset = query.offset ?? 0;
      return { items: rows.slice(offset, offset + (query.limit ?? 50)).map(summary), total_count: rows.length };
    },
    async getInvoice(id) {
      return refresh(invoice(id));
    },
    async createInvoice(input) {
      const fields = validateInvoice(input);
      const inv = { id: ++nextId, number: null, state: 'draft', created_at: stamp(), finalized_at: null, voided_at: null, ...fields } as T.Invoice;
      db.invoices.push(inv);
      return refresh(inv);
    },
    async updateDraft(id, input) {
      const cur = invoice(id);
      if (cur.state !== 'draft') throw conflict(`${label(cur)} has been finalized and can't be edited; void it and issue a new one.`);
      Object.assign(cur, validateInvoice(input));
      return refresh(cur);
    },
    async deleteDraft(id) {
      const cur = invoice(id);
      if (cur.state !== 'draft') throw conflict(`${label(cur)} has been finalized and can't be deleted; void it instead.`);
      db.invoices = db.invoices.filter((i) => i.id !== id);
      // ON DELETE CASCADE: the draft's pay links and its job request (whose part goes back to the job).
      db.payLinks = db.payLinks.filter((l) => l.invoice_id !== id);
      db.jobRequests = db.jobRequests.filter((r) => r.invoice_id !== id);
    },
    async finalizeInvoice(id) {
      return finalize(id);
    },
    async voidInvoice(id) {
      const cur = refresh(invoice(id));
      if (cur.state === 'draft') throw conflict("A draft can't be voided — delete it instead.");
      if (cur.state === 'void') throw conflict(`${label(cur)} is already void.`);
      if (cmp(moneyDec(cur.paid), moneyDec(cur.refunded)) > 0) {
        throw conflict(`${label(cur)} has payments; refund them before voiding it.`);
      }
      cur.state = 'void';
      cur.voided_at = stamp();
      return refresh(cur);
    },
    async markUncollectible(id) {
      const cur = invoice(id);
      if (cur.state !== 'open') throw conflict(`Only an open invoice can be written off; ${label(cur)} is ${cur.state}.`);
      cur.state = 'uncollectible';
      return refresh(cur);
    },

    async recordPayment(invoiceId, input) {
      const inv = refresh(invoice(invoiceId));
      if (inv.state === 'draft') throw conflict('Finalize the invoice before recording a payment on it.');
      if (inv.state === 'void') throw conflict(`${label(inv)} is void; it can't take payments.`);
      const d = dec('amount', input.amount);
      if (d.m <= 0n) throw invalid('amount', 'The amount must be more than zero.');
      const amount = money('amount', input.amount, inv.currency);
      if (cmp(moneyDec(amount), moneyDec(inv.amount_due)) > 0) {
        throw invalid('amount', `${amount.amount} ${amount.currency} is more than the ${inv.amount_due.amount} ${inv.currency} still owed on ${label(inv)}.`);
      }
      const p: T.Payment = {
        id: ++nextId,
        invoice_id: inv.id,
        amount,
        method: input.method,
        received_on: input.received_on || today(),
        reference: text('reference', 'Reference', input.reference, 200),
        created_at: stamp(),
      };
      db.payments.push(p);
      refresh(inv);
      return p;
    },
    async refundPayment(paymentId, input) {
      const p = db.payments.find((x) => x.id === paymentId) ?? throwIt(notFound('Payment', paymentId));
      const cur = p.amount.currency;
      const already = db.refunds.filter((r) => r.payment_id === paymentId).reduce((a, r) => add(a, moneyDec(r.amount)), ZERO);
      const left = sub(moneyDec(p.amount), already);
      const amount = input.amount ? money('amount', input.amount, cur) : toMoney(left, cur);
      if (moneyDec(amount).m <= 0n) {
        throw left.m === 0n ? conflict(`Payment ${paymentId} has already been refunded in full.`) : invalid('amount', 'The amount must be more than zero.');
      }
      if (cmp(moneyDec(amount), left) > 0) {
        throw invalid('amount', `Only ${toMoney(left, cur).amount} ${cur} of this payment can still be refunded.`);
      }
      const r: T.Refund = {
        id: ++nextId,
        payment_id: paymentId,
        invoice_id: p.invoice_id,
        amount,
        reason: text('reason', 'Reason', input.reason, 500),
        refunded_on: input.refunded_on || today(),
        created_at: stamp(),
      };
      db.refunds.push(r);
      refresh(invoice(p.invoice_id));
      return r;
    },
    async listPayments(from, to) {
      return db.payments.filter((p) => p.received_on >= from && p.received_on <= to).sort((a, b) => a.received_on.localeCompare(b.received_on) || a.id - b.id);
    },

    async dashboard() {
      const t = today();
      const month = t.slice(0, 7);
      const open = db.invoices.map(refresh).filter((i) => i.state === 'open' && i.amount_due.amount.replace(/[0.]/g, '') !== '');
      const byCurrency = (items: T.Money[]) => {
        const sums = new Map<string, Dec>();
        for (const m of items) sums.set(m.currency, add(sums.get(m.currency) ?? ZERO, moneyDec(m)));
        return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([c, d]) => toMoney(d, c));
      };
      const received = db.payments.filter((p) => p.received_on.startsWith(month)).map((p) => p.amount);
      const refunded = db.refunds.filter((r) => r.refunded_on.startsWith(month)).map((r) => ({ ...r.amount, amount: '-' + r.amount.amount }));
      // The last 12 calendar months (oldest first, this one last), like paydesk-core's dashboard.
      const [ty, tm] = month.split('-').map(Number) as [number, number];
      const months = Array.from({ length: 12 }, (_, i) => {
        const n = ty * 12 + (tm - 1) - (11 - i);
        return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
      });
      const inWindow = (d: string) => months.includes(d.slice(0, 7));
      const moves = [
        ...db.payments.filter((p) => inWindow(p.received_on)).map((p) => ({ month: p.received_on.slice(0, 7), amount: p.amount })),
        ...db.refunds
          .filter((r) => inWindow(r.refunded_on))
          .map((r) => ({ month: r.refunded_on.slice(0, 7), amount: { ...r.amount, amount: '-' + r.amount.amount } })),
      ];
      const currencies = [...new Set([db.business.currency, ...moves.map((m) => m.amount.currency)])].sort();
      const monthTotals = months.map((m) => ({
        month: m,
        paid: currencies.map((c) =>
          toMoney(
            moves.filter((x) => x.month === m && x.amount.currency === c).reduce((a, x) => add(a, moneyDec(x.amount)), ZERO),
            c,
          ),
        ),
      }));
      const recent = [...db.invoices].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id).slice(0, 8);
      return {
        outstanding: byCurrency(open.map((i) => i.amount_due)),
        overdue: byCurrency(open.filter((i) => i.due_date < t).map((i) => i.amount_due)),
        paid_this_month: byCurrency([...received, ...refunded]),
        months: monthTotals,
        recent: recent.map(summary),
      };
    },

    async invoicePayLinks(invoiceId) {
      invoice(invoiceId);
      return linksOf(invoiceId);
    },
    async syncPayLink(invoiceId) {
      return reconcileLink(invoiceId, false);
    },
    async addPayLink(invoiceId) {
      return reconcileLink(invoiceId, true) ?? throwIt(conflict('This invoice has nothing left to pay, so it needs no pay link.'));
    },

    async listJobs() {
      return [...db.jobs].sort((a, b) => b.id - a.id).map(toJob);
    },
    async getJob(id) {
      return toJob(jobRow(id));
    },
    async createJob(input) {
      const code = (input.currency ?? '').trim();
      const currency = code ? knownCurrency('currency', code) : db.business.currency;
      const title = text('title', 'Job title', input.title, 200, true);
      const total = money('contract_total', input.contract_total, currency);
      if (moneyDec(total).m <= 0n) throw invalid('contract_total', 'The contract total must be more than zero.');
      const tax = parseDec(percent('tax_rate', 'Tax rate', input.tax_rate, 3))!;
      const notes = text('notes', 'Notes', input.notes, 4000);
      if (!db.clients.some((c) => c.id === input.client_id)) throw invalid('client_id', 'Choose a client for this job.');
      const j: MockJob = {
        id: ++nextId,
        client_id: input.client_id,
        title,
        currency,
        contract_total: total,
        tax_rate: decToString(normalize(tax)),
        notes,
        created_at: stamp(),
      };
      db.jobs.push(j);
      return toJob(j);
    },
    async requestPayment(jobId, input) {
      const job = toJob(jobRow(jobId));
      const amount = requestedAmount(job, input);
      let description = `${REQUEST_LABELS[input.kind]} — ${job.title}`;
      if (input.kind !== 'final' && input.percent !== null && input.percent !== undefined) {
        description += ` (${decToString(normalize(parseDec(input.percent)!))}% of ${plain(job.contract_total)})`;
      }
      const fields = validateInvoice({
        client_id: job.client_id,
        currency: job.currency,
        lines: [{ description, quantity: '1', unit_price: amount.amount, tax_rate: job.tax_rate, discount_percent: '0', service_id: null }],
        notes: '',
      });
      const inv = { id: ++nextId, number: null, state: 'draft', created_at: stamp(), finalized_at: null, voided_at: null, ...fields } as T.Invoice;
      db.invoices.push(inv);
      db.jobRequests.push({ invoice_id: inv.id, job_id: jobId, kind: input.kind, amount });
      return refresh(inv);
    },

    async stripeStatus() {
      return stripe;
    },
    async stripeConnect(key, mode) {
      const k = parseStripeKey(key);
      if (mode && mode !== k.mode) {
        throw new BackendError(
          'stripe_wrong_mode',
          `This is a ${k.mode} key, but ${mode} mode was asked for. Paste a key from the Dashboard's ${mode} mode.`,
        );
      }
      const at = stamp();
      const connection: T.StripeConnection = {
        mode: k.mode,
        account_id: k.mode === 'test' ? 'acct_1MockTest0000000' : 'acct_1MockLive0000000',
        key_kind: k.kind,
        key_last4: k.last4,
        account_name: 'Salon Demo Ltd',
        country: 'GB',
        default_currency: 'gbp',
        charges_enabled: true,
        payouts_enabled: k.mode === 'test',
        requirements: { currently_due: k.mode === 'test' ? [] : ['external_account'], past_due: [] },
        connected_at: at,
        refreshed_at: at,
      };
      stripe[k.mode] = connection;
      settleActive();
      return { connection, key_was_trimmed: k.trimmed };
    },
    async stripeRefresh(mode) {
      const c = stripe[mode];
      if (!c) {
        throw new BackendError('stripe_not_connected', `Stripe ${mode} mode isn't connected yet. Connect it with your Stripe key first.`);
      }
      c.refreshed_at = stamp();
      return c;
    },
    async stripeDisconnect(mode) {
      const was = stripe[mode] !== null;
      stripe[mode] = null;
      settleActive();
      return was;
    },
    async stripeSetActiveMode(mode) {
      if (!stripe[mode]) {
        throw new BackendError('stripe_not_connected', `Stripe ${mode} mode isn't connected yet. Connect it with your Stripe key first.`);
      }
      chosenMode = mode;
      settleActive();
      return stripe;
    },

    async emailSettings() {
      return emailView();
    },
    async configureSmtp(input, password) {
      return configureSmtp(input, password);
    },
    async signInEmail(input) {
      return signInEmail(input);
    },
    async disconnectEmail() {
      const was = emailConfig !== null;
      emailConfig = null;
      smtpPassword = null;
      signedIn = null;
      return was;
    },
    async sendTestEmail(to) {
      return sendTestEmail(to);
    },
    async invoiceEmailDraft(invoiceId) {
      return invoiceEmailDraft(invoiceId);
    },
    async invoiceEmails(invoiceId) {
      invoice(invoiceId);
      return sentEmails.filter((e) => e.invoice_id === invoiceId).sort((a, b) => b.sent_at.localeCompare(a.sent_at) || b.id - a.id);
    },
    async sendInvoice(invoiceId, input) {
      return sendInvoice(invoiceId, input);
    },
    async issuedPdfs(invoiceId) {
      invoice(invoiceId);
      return (issuedPdfs.get(invoiceId) ?? []).map((v) => v.pdf).reverse();
    },
    async openInvoicePdf(invoiceId) {
      // The PDF viewer opening it is the computer's business; here the file is simply "written".
      return preparePdf(invoiceId);
    },
    async saveInvoicePdf(invoiceId) {
      return `/home/owner/Documents/${preparePdf(invoiceId).pdf.file_name}`;
    },
    async saveReceiptPdf(paymentId) {
      if (!db.payments.some((p) => p.id === paymentId)) throw notFound('Payment', paymentId);
      return `/home/owner/Documents/Receipt-${paymentId}.pdf`;
    },

    async saveBackup() {
      backups += 1;
      return `/home/owner/paydesk-backup-${today()}${backups > 1 ? `-${backups}` : ''}.sqlite3`;
    },
    async openExternal(url) {
      // desktop.rs: https anywhere; plain http only to this computer (a Stripe simulator's pay page).
      const u = url.trim();
      const local = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?([/?#]|$)/.test(u);
      if (!/^https:\/\/[^\s/@?#]+/.test(u) && !local) throw invalid('url', 'Only secure web addresses (https://…) can be opened.');
    },
  };

  // Callers get copies, as they would over IPC: the UI can't mutate the store by accident.
  const copying = Object.fromEntries(
    Object.entries(api).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => clone(await (fn as (...a: unknown[]) => Promise<unknown>)(...clone(args))),
    ]),
  ) as unknown as Omit<Backend, 'onSyncReport' | 'onReportExportProgress'>;
  // The listeners are functions: they are kept, not copied.
  return { ...copying, onSyncReport: sync.onSyncReport, onReportExportProgress: reports.onReportExportProgress, stripeWorld: sync.world };
}

function throwIt(e: Error): never {
  throw e;
}
