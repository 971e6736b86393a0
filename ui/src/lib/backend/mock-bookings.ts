// The mock's side of taking money around bookings, as paydesk-core's policy.rs, deposit.rs and
// booking_fee.rs: the booking policy (deposit, hold, auto-charge, cancellation window and fee), a
// service's own deposit, a client's own auto-charge choice, deposits asked on a booking's invoice
// (its pay link asks just the deposit), releasing or keeping a booking whose deposit is late, and
// the fee for a late cancellation or a no-show, charged to a saved card or sent with a pay link.
import { BackendError, type Backend } from './backend';
import type * as T from './types';
import type { MockDb } from './mock-seed';
import type { StripeHooks } from './mock-stripe';
import { add, cmp, currencyDecimals, decToString, moneyDec, normalize, parseDec, percentOf, round, significantDecimals, sub, toMoney, ZERO, type Dec } from '../money';

export interface BookingsDeps {
  db: MockDb;
  now: () => Date;
  stamp: () => string;
  refresh: (inv: T.Invoice) => T.Invoice;
  invoice: (id: number) => T.Invoice;
  /** Creates the invoice and finalizes it at once (core's finalized_in). */
  issue: (input: T.InvoiceInput) => T.Invoice;
  /** The mock's sendInvoice: the pay link brought up to date, the PDF, the email. */
  send: (invoiceId: number, input: T.SendInvoiceInput) => T.SendOutcome;
  /** Brings the invoice's pay link in line with what it asks now; a Stripe problem is left for later. */
  syncLink: (invoiceId: number) => void;
  chargeSavedCard: (invoiceId: number) => Promise<T.CardCharge>;
  stripe: StripeHooks;
}

type BookingsApi = Pick<
  Backend,
  | 'bookingPolicy'
  | 'setBookingPolicy'
  | 'serviceDeposit'
  | 'setServiceDeposit'
  | 'clientAutoCharge'
  | 'setClientAutoCharge'
  | 'depositQuote'
  | 'depositQuoteForServices'
  | 'bookingDeposit'
  | 'sendDepositRequest'
  | 'keepBooking'
  | 'releaseBooking'
  | 'cancelBooking'
  | 'bookingFeeProposal'
  | 'chargeBookingFee'
  | 'bookingInvoices'
>;

interface DepositRow {
  booking_id: number;
  invoice_id: number;
  amount: T.Money;
  due_at: string;
  on_unpaid: T.UnpaidDeposit;
  released_at: string | null;
}

const invalid = (field: string, message: string) => new BackendError('invalid', message, field);
const conflict = (message: string) => new BackendError('conflict', message);
const HUNDRED: Dec = { m: 100n, s: 0 };
const NONE: T.AmountRule = { kind: 'none', value: '0' };
/** "30.00 EUR", as core's Money displays. */
const plain = (m: T.Money) => `${m.amount} ${m.currency}`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const LABELS: Record<T.FeeReason, string> = { late_cancellation: 'Late cancellation fee', no_show: 'No-show fee' };

/** core's AmountRule::checked. */
function checked(rule: T.AmountRule, field: string, what: string, minPercent: number): T.AmountRule {
  if (rule.kind === 'none') return NONE;
  const v = parseDec(String(rule.value ?? ''));
  if (rule.kind === 'percent') {
    if (!v || cmp(v, { m: BigInt(minPercent), s: 0 }) < 0 || cmp(v, HUNDRED) > 0) {
      throw invalid(field, `${what} must be between ${minPercent}% and 100%.`);
    }
    if (significantDecimals(v) > 2) throw invalid(field, `${what} can have at most 2 decimal places.`);
    return { kind: 'percent', value: decToString(normalize(v)) };
  }
  if (!v || v.m <= 0n || significantDecimals(v) > 3) {
    throw invalid(field, `${what} must be an amount more than zero, like 20 or 12.50.`);
  }
  return { kind: 'fixed', value: decToString(normalize(v)) };
}

/** core's AmountRule::of: what the rule asks of `price`, never more than the price, never negative. */
function ruleOf(rule: T.AmountRule, price: T.Money): T.Money {
  const dp = currencyDecimals(price.currency);
  const p = moneyDec(price);
  const v = parseDec(String(rule.value)) ?? ZERO;
  let asked = rule.kind === 'percent' ? round(percentOf(p, v), dp) : rule.kind === 'fixed' ? round(v, dp) : ZERO;
  if (cmp(asked, p) > 0) asked = p;
  if (asked.m < 0n) asked = ZERO;
  return toMoney(round(asked, dp), price.currency);
}

export function createBookings(deps: BookingsDeps): { api: BookingsApi; linkAmount: (invoiceId: number) => T.Money | null; depositMessage: (invoiceId: number) => string | null } {
  const { db, stamp } = deps;
  let policy: T.BookingPolicy = {
    deposit: NONE,
    deposit_hold_hours: 48,
    unpaid_deposit: 'release',
    auto_charge: false,
    cancel_window_hours: 24,
    cancel_fee: NONE,
  };
  const serviceRules = new Map<number, T.AmountRule>();
  const clientCharge = new Map<number, boolean>();
  const deposits: DepositRow[] = [];
  /** Fee invoices per booking (core's booking_fees). */
  const fees = new Map<number, number>();
  /** When each booking was cancelled (core reads the booking's updated_at). */
  const cancelledAt = new Map<number, number>();

  const booking = (id: number) =>
    db.bookings.find((b) => b.id === id) ?? throwIt(new BackendError('not_found', `Booking ${id} doesn't exist (it may have been deleted).`));
  const service = (id: number) =>
    db.services.find((s) => s.id === id) ?? throwIt(new BackendError('not_found', `Service ${id} doesn't exist (it may have been deleted).`));
  /** A service's price with its tax, rounded to the currency. */
  function gross(s: T.Service): T.Money {
    const t = parseDec(s.tax_rate) ?? ZERO;
    const dp = currencyDecimals(s.price.currency);
    const net = moneyDec(s.price);
    // core's Service::price_with_tax: the tax rounded on its own, like an invoice line.
    return toMoney(round(add(net, round(percentOf(net, t), dp)), dp), s.price.currency);
  }
  function sum(a: T.Money | null, b: T.Money, what: string): T.Money {
    if (!a) return b;
    if (a.currency !== b.currency) throw conflict(what);
    return toMoney(add(moneyDec(a), moneyDec(b)), a.currency);
  }
  /** core's local show_time, e.g. "Mon 23 Nov 2026 10:00". */
  function showTime(at: string): string {
    return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: db.business.time_zone })
      .format(new Date(at))
      .replace(/,/g, '');
  }

  function quote(bookingId: number): T.Money | null {
    return quoteServices(booking(bookingId).service_ids);
  }

  /** core's quote_services: a service with its own rule asks that of its price with tax; the
   * business-wide rule is applied once, to the other services' prices together. */
  function quoteServices(serviceIds: number[]): T.Money | null {
    const mixed = 'These services are priced in different currencies; book them separately to ask a deposit.';
    let own: T.Money | null = null;
    let rest: T.Money | null = null;
    for (const id of serviceIds) {
      const s = service(id);
      const rule = serviceRules.get(s.id);
      if (rule) own = sum(own, ruleOf(rule, gross(s)), mixed);
      else rest = sum(rest, gross(s), mixed);
    }
    let total = own;
    if (rest) total = sum(total, ruleOf(policy.deposit, rest), mixed);
    return total && moneyDec(total).m > 0n ? total : null;
  }

  function view(r: DepositRow): T.Deposit {
    const inv = deps.refresh(deps.invoice(r.invoice_id));
    const state: T.DepositState =
      cmp(moneyDec(inv.paid), moneyDec(r.amount)) >= 0
        ? 'paid'
        : r.released_at
          ? 'released'
          : deps.now().getTime() >= Date.parse(r.due_at)
            ? 'overdue'
            : 'awaiting';
    return {
      booking_id: r.booking_id,
      invoice_id: r.invoice_id,
      invoice_number: inv.number,
      amount: r.amount,
      total: inv.totals.total,
      paid: inv.paid,
      state,
      due_at: r.due_at,
      on_unpaid: r.on_unpaid,
    };
  }

  const rowOf = (bookingId: number) => deposits.find((d) => d.booking_id === bookingId) ?? null;

  function askDeposit(bookingId: number): T.Deposit {
    const existing = rowOf(bookingId);
    if (existing) return view(existing);
    const b = booking(bookingId);
    if (b.status !== 'booked') throw conflict(`This booking is ${b.status.replace('_', '-')}, so it asks for no deposit.`);
    const amount = quote(bookingId);
    if (!amount) throw conflict('No deposit is set for these services. Choose one in Settings → Bookings.');
    const tz = db.business.time_zone;
    const dayOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
    const now = deps.now().getTime();
    const start = Date.parse(b.starts_at);
    const inv = deps.issue({
      client_id: b.client_id,
      currency: amount.currency,
      due_date: [dayOf(start), dayOf(now)].sort()[1],
      lines: b.service_ids.map((id) => {
        const s = service(id);
        return { description: s.name, quantity: '1', unit_price: s.price.amount, tax_rate: s.tax_rate, discount_percent: '0', service_id: s.id };
      }),
      notes: `Booking on ${showTime(b.starts_at)} with ${b.staff_name}.`,
      booking_id: bookingId,
    });
    // Due after the hold, but never after the appointment starts (and not before a minute from now).
    const due = Math.max(Math.min(now + policy.deposit_hold_hours * 3600_000, start), now + 60_000);
    const row: DepositRow = { booking_id: bookingId, invoice_id: inv.id, amount, due_at: iso(due), on_unpaid: policy.unpaid_deposit, released_at: null };
    deposits.push(row);
    return view(row);
  }

  function release(bookingId: number): number | null {
    const b = booking(bookingId);
    const r = deposits.find((d) => d.booking_id === bookingId && !d.released_at);
    if (!r) return null;
    const inv = deps.refresh(deps.invoice(r.invoice_id));
    if (moneyDec(inv.paid).m > 0n) throw conflict(`${plain(inv.paid)} of the deposit was paid, so the booking stays.`);
    if (b.status === 'booked') {
      b.status = 'cancelled';
      cancelledAt.set(b.id, deps.now().getTime());
    }
    if (inv.state === 'open') {
      inv.state = 'void';
      inv.voided_at = stamp();
      deps.refresh(inv);
    }
    r.released_at = stamp();
    deps.stripe.note('booking_released', r.invoice_id, `${b.client_name}'s booking on ${showTime(b.starts_at)} was released: the deposit wasn't paid in time.`);
    deps.syncLink(r.invoice_id);
    return r.invoice_id;
  }

  function proposal(bookingId: number): T.FeeProposal | null {
    const b = booking(bookingId);
    if (fees.has(bookingId)) return null;
    let reason: T.FeeReason;
    if (b.status === 'no_show') reason = 'no_show';
    else if (b.status === 'cancelled') {
      const at = cancelledAt.get(bookingId) ?? deps.now().getTime();
      if (at < Date.parse(b.starts_at) - policy.cancel_window_hours * 3600_000) return null;
      if (deposits.some((d) => d.booking_id === bookingId && d.released_at)) return null;
      reason = 'late_cancellation';
    } else return null;
    let price: T.Money | null = null;
    for (const id of b.service_ids) price = sum(price, gross(service(id)), 'These services are priced in different currencies.');
    if (!price) return null;
    const fee = ruleOf(policy.cancel_fee, price);
    if (moneyDec(fee).m === 0n) return null;
    // Money kept from the booking's own invoices (not its fees): paid less refunded.
    const feeInvoices = new Set(fees.values());
    const own = db.invoices.filter((i) => i.booking_id === bookingId && !feeInvoices.has(i.id)).map(deps.refresh);
    let kept = own.reduce((a, i) => sub(add(a, moneyDec(i.paid)), moneyDec(i.refunded)), ZERO);
    if (kept.m < 0n) kept = ZERO;
    const depositKept = toMoney(round(kept, currencyDecimals(fee.currency)), fee.currency);
    const amount = cmp(moneyDec(depositKept), moneyDec(fee)) >= 0 ? toMoney(ZERO, fee.currency) : toMoney(sub(moneyDec(fee), moneyDec(depositKept)), fee.currency);
    const card = deps.stripe.usableCard(b.client_id);
    const label = LABELS[reason];
    const less = moneyDec(depositKept).m === 0n ? '' : ` less the deposit of ${plain(depositKept)} already paid`;
    const summary =
      moneyDec(amount).m === 0n
        ? `${label} of ${plain(fee)}: the deposit of ${plain(depositKept)} already paid covers it.`
        : card
          ? `${label} of ${plain(fee)}${less}: charge ${plain(amount)} to ${b.client_name}'s ${card}.`
          : `${label} of ${plain(fee)}${less}: ${b.client_name} has no card saved, so a pay link for ${plain(amount)} will be emailed.`;
    return { booking_id: bookingId, reason, fee, deposit_kept: depositKept, amount, card, summary };
  }

  function feeInvoice(bookingId: number, reason: T.FeeReason, amount: T.Money): number {
    const b = booking(bookingId);
    const inv = deps.issue({
      client_id: b.client_id,
      currency: amount.currency,
      due_date: null,
      lines: [{ description: `${LABELS[reason]} — booking on ${showTime(b.starts_at)}`, quantity: '1', unit_price: amount.amount, tax_rate: '0', discount_percent: '0', service_id: null }],
      notes: '',
      booking_id: bookingId,
    });
    fees.set(bookingId, inv.id);
    return inv.id;
  }

  const api: BookingsApi = {
    async bookingPolicy() {
      return policy;
    },
    async setBookingPolicy(p) {
      const deposit = checked(p.deposit, 'deposit', 'The deposit', 10);
      const fee = checked(p.cancel_fee, 'cancel_fee', 'The cancellation fee', 1);
      if (!Number.isInteger(p.deposit_hold_hours) || p.deposit_hold_hours < 1 || p.deposit_hold_hours > 720) {
        throw invalid('deposit_hold_hours', 'Wait between 1 hour and 30 days (720 hours) for a deposit.');
      }
      if (!Number.isInteger(p.cancel_window_hours) || p.cancel_window_hours < 0 || p.cancel_window_hours > 720) {
        throw invalid('cancel_window_hours', 'The cancellation window can be at most 30 days (720 hours).');
      }
      policy = { ...p, deposit, cancel_fee: fee };
      return policy;
    },
    async serviceDeposit(serviceId) {
      return serviceRules.get(serviceId) ?? null;
    },
    async setServiceDeposit(serviceId, rule) {
      service(serviceId);
      if (rule === null) serviceRules.delete(serviceId);
      else serviceRules.set(serviceId, checked(rule, 'deposit', 'The deposit', 10));
      return serviceRules.get(serviceId) ?? null;
    },
    async clientAutoCharge(clientId) {
      return clientCharge.get(clientId) ?? null;
    },
    async setClientAutoCharge(clientId, on) {
      if (!db.clients.some((c) => c.id === clientId)) throw new BackendError('not_found', `Client ${clientId} doesn't exist (it may have been deleted).`);
      if (on === null) clientCharge.delete(clientId);
      else clientCharge.set(clientId, on);
    },
    async depositQuote(bookingId) {
      return quote(bookingId);
    },
    async depositQuoteForServices(serviceIds) {
      if (serviceIds.length > 50) throw invalid('service_ids', 'A booking has at most 50 services.');
      return quoteServices(serviceIds);
    },
    async bookingDeposit(bookingId) {
      booking(bookingId);
      const r = rowOf(bookingId);
      return r ? view(r) : null;
    },
    async sendDepositRequest(bookingId, to) {
      const deposit = askDeposit(bookingId);
      const sent = deps.send(deposit.invoice_id, { to, message: null });
      return { deposit: view(rowOf(bookingId)!), sent };
    },
    async keepBooking(bookingId) {
      const r = deposits.find((d) => d.booking_id === bookingId && !d.released_at);
      if (!r) throw conflict('This booking has no deposit waiting to be paid.');
      r.on_unpaid = 'keep';
      return view(r);
    },
    async releaseBooking(bookingId) {
      return release(bookingId);
    },
    async cancelBooking(bookingId, status) {
      if (status !== 'cancelled' && status !== 'no_show') throw invalid('status', 'A booking is cancelled or marked as a no-show here.');
      const b = booking(bookingId);
      if (b.status !== 'booked') throw conflict(`Booking ${bookingId} is already ${b.status.replace('_', '-')}.`);
      b.status = status;
      cancelledAt.set(bookingId, deps.now().getTime());
      const inv = db.invoices.filter((i) => i.booking_id === bookingId && i.state === 'open').sort((x, y) => x.id - y.id)[0];
      if (inv) {
        deps.refresh(inv);
        if (moneyDec(inv.paid).m === 0n) {
          inv.state = 'void';
          inv.voided_at = stamp();
        } else if (moneyDec(inv.amount_due).m > 0n) {
          inv.state = 'uncollectible';
        }
        deps.refresh(inv);
        deps.syncLink(inv.id);
      }
      return { booking: b, fee: proposal(bookingId) };
    },
    async bookingFeeProposal(bookingId) {
      return proposal(bookingId);
    },
    async chargeBookingFee(bookingId, amount) {
      // The command reads the amount first (empty: as proposed).
      const typed = amount?.trim() ? amount.trim() : null;
      const d = typed === null ? null : parseDec(typed);
      if (typed !== null && !d) throw invalid('amount', `"${typed}" is not an amount. Write it like 45 or 45.50.`);
      let invoiceId = fees.get(bookingId);
      if (invoiceId === undefined) {
        const p = proposal(bookingId);
        if (!p) throw conflict('This booking owes no fee under your cancellation policy.');
        let asked = p.amount;
        if (d && typed !== null) {
          const dp = currencyDecimals(p.amount.currency);
          if (significantDecimals(d) > dp) {
            throw invalid('amount', `${p.amount.currency} amounts can have at most ${dp} decimal places; ${typed} has more.`);
          }
          asked = toMoney(round(d, dp), p.amount.currency);
        }
        if (moneyDec(asked).m <= 0n) throw invalid('amount', 'The fee must be more than zero (the deposit may already cover it).');
        invoiceId = feeInvoice(bookingId, p.reason, asked);
      }
      // A confirmed fee is collected now: the saved card if there is one, else a pay link by email.
      const inv = deps.refresh(deps.invoice(invoiceId));
      let charge: T.CardCharge | undefined;
      if (deps.stripe.usableCard(inv.client_id) && moneyDec(inv.amount_due).m > 0n) charge = await deps.chargeSavedCard(invoiceId);
      const sent = deps.send(invoiceId, {});
      return { invoice_id: invoiceId, sent: charge ? { ...sent, charge } : sent };
    },
    async bookingInvoices(bookingId) {
      return db.invoices
        .filter((i) => i.booking_id === bookingId && i.state !== 'draft')
        .sort((a, b) => a.id - b.id)
        .map(deps.refresh);
    },
  };

  /** What a booking invoice's pay link asks while its deposit is unpaid: the rest of the deposit. */
  function linkAmount(invoiceId: number): T.Money | null {
    const r = deposits.find((d) => d.invoice_id === invoiceId);
    if (!r || r.released_at) return null;
    const inv = deps.invoice(invoiceId);
    if (cmp(moneyDec(inv.paid), moneyDec(r.amount)) >= 0) return null;
    return toMoney(sub(moneyDec(r.amount), moneyDec(inv.paid)), r.amount.currency);
  }

  /** The greeting of an email asking for a deposit still awaited (core's invoice_email_draft). */
  function depositMessage(invoiceId: number): string | null {
    const r = deposits.find((d) => d.invoice_id === invoiceId);
    if (!r) return null;
    const d = view(r);
    if (d.state !== 'awaiting' && d.state !== 'overdue') return null;
    const inv = deps.invoice(invoiceId);
    const c = db.clients.find((x) => x.id === inv.client_id);
    const left = toMoney(sub(moneyDec(d.amount), moneyDec(d.paid)), d.amount.currency);
    return (
      `Hello ${c?.name ?? inv.client_name},\n\nThank you for your booking. To confirm it, please pay the deposit of ${plain(left)} ` +
      `by ${showTime(d.due_at)}. The rest is due after your appointment.`
    );
  }

  return { api, linkAmount, depositMessage };
}

function throwIt(e: Error): never {
  throw e;
}
