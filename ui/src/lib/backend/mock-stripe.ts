// The mock's side of getting paid through Stripe: clients pay at "Stripe" (`clientPays`, as the
// simulator's hosted pay page takes a payment), and Paydesk learns of it only on its next sync pass
// (`syncNow`, or `backgroundPass` as the desktop app's poller), as paydesk-core's sync does:
// payments with fee and net, failures in plain words, unmatched payments, the activity feed.
// "Charge card" charges a saved card at once (`chargeSavedCard`), as core's charge_request does.
// "Ask to save a card" emails the client a Stripe page to save one (`sendCardRequest`), as core's card_request.
import { BackendError, type Backend } from './backend';
import type * as T from './types';
import type { MockDb } from './mock-seed';
import { add, cmp, currencyDecimals, moneyDec, parseDec, percentOf, round, sub, toMoney } from '../money';
import { formatMoney } from '../format';
import { chargeableCard } from '../cards';
import { email as emailRule } from '../validate';

/** A payment a client makes at Stripe. */
export interface ClientPayment {
  /** The invoice whose pay link (or metadata) the payment names; null: it names none (taken in the Dashboard). */
  invoiceId: number | null;
  /** Default: what the invoice's live pay link asks for (else its amount due). Needed without an invoice. */
  amount?: T.Money;
  /** Stripe's test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 9995 is declined (insufficient funds). */
  card?: string;
  /** A SEPA bank debit: processing for a few days. Default: a card. */
  method?: 'card' | 'sepa_debit';
  /** Who paid, as Stripe has it. Default: the invoice's client. */
  name?: string;
  /** The client kept the card on file. */
  saveCard?: { exp_month: number; exp_year: number };
}

/** A card a client keeps on file at Stripe. */
export interface SavedCardInput {
  /** The card number, e.g. 4242 4242 4242 4242. */
  card: string;
  exp_month: number;
  exp_year: number;
  mode?: T.StripeMode;
}

/** What tests (and the browser demo) can do at "Stripe". */
export interface MockStripeWorld {
  /** A client pays at Stripe; nothing changes in Paydesk until its next sync pass. */
  clientPays(payment: ClientPayment): void;
  /** A pass of the background poller: applies what happened at Stripe and tells every `onSyncReport` listener. */
  backgroundPass(): Promise<T.PassReport[]>;
  /** From now on every pass fails with this Stripe error; null: passes go well again. */
  failPasses(error: { code: string; message: string } | null): void;
  /**
   * A client keeps a card on file at Stripe without paying (set up for later), so it can be charged
   * (`chargeSavedCard`): known at once, newest first like a card saved while paying. Default mode:
   * the active one. Charging 4000 0000 0000 9995 is declined; 4000 0000 0000 3184 needs the client to confirm.
   */
  saveCard(clientId: number, card: SavedCardInput): void;
  /** How many times the UI said a payment may be imminent (`expectPayment`). */
  readonly expected: number;
}

export interface StripeWorldDeps {
  db: MockDb;
  stripe: T.StripeStatus;
  now: () => Date;
  stamp: () => string;
  nextId: () => number;
  today: () => string;
  /** Re-reads an invoice's totals, payments and status (the mock's invoice_store::refresh). */
  refresh: (inv: T.Invoice) => T.Invoice;
  invoice: (id: number) => T.Invoice;
  /** In the browser demo, "Sync now" with nothing new finds that a client paid the newest live link. */
  demo: boolean;
  /** The client, or a `not_found` rejection. */
  client: (id: number) => T.Client;
  /** core's Mail::config: rejects with `mail_not_configured` while email isn't set up. */
  mailReady: () => void;
  /** core's Mail::send: hands an email to the mail server, or rejects with the server's refusal. */
  sendMail: (to: string) => void;
}

type SyncApi = Pick<
  Backend,
  | 'syncNow'
  | 'expectPayment'
  | 'syncStatus'
  | 'activityFeed'
  | 'markActivitySeen'
  | 'invoiceStripePayments'
  | 'unmatchedPayments'
  | 'assignStripePayment'
  | 'savedCards'
  | 'chargeSavedCard'
  | 'removeSavedCard'
  | 'expiringCards'
  | 'chargeSavedCards'
  | 'sendCardRequest'
>;

/** A "save your card" page at Stripe (core's card_requests row). */
interface CardRequestRow {
  id: number;
  client_id: number;
  mode: T.StripeMode;
  status: 'open' | 'complete';
  url: string;
  /** When it was made (ms): Stripe's page lives 24 hours. */
  created: number;
}

/** An open request younger than this is sent again rather than a new one made (core: 12 hours, so a mailed link has half a day left). */
const CARD_REQUEST_FRESH_MS = 12 * 60 * 60 * 1000;
/** Stripe closes a Checkout Session 24 hours after it is made. */
const CARD_REQUEST_LIFE_MS = 24 * 60 * 60 * 1000;

interface Pending extends ClientPayment {
  mode: T.StripeMode;
  at: string;
}

/** core's failure_words for the test cards that fail. */
const DECLINES: Record<string, string> = {
  '4000000000009995': 'the card was declined (insufficient funds)',
  '4000000000000002': 'the card was declined',
  '4000000000000069': 'the card has expired',
  '4000000000000127': "the card's security code was wrong",
};

/** Why charging a saved card with the client away fails, by the test card's last four digits (core's failure_words). */
const OFF_SESSION_FAILURES: Record<string, string> = {
  '9995': 'the card was declined (insufficient funds)',
  '3184': "the bank asked the client to confirm the payment, and it wasn't confirmed",
};

const brandOf = (digits: string) =>
  digits.startsWith('4') ? 'visa' : /^5[1-5]/.test(digits) ? 'mastercard' : /^3[47]/.test(digits) ? 'amex' : 'card';

/** "120.00 EUR": how paydesk-core writes money in error messages. */
const plain = (m: T.Money) => `${m.amount} ${m.currency}`;

/** What the rest of the mock (bookings: fees, releases) asks of "Stripe". */
export interface StripeHooks {
  /** Adds an item to the activity feed (of no Stripe mode, as core's booking release). */
  note(kind: T.ActivityKind, invoiceId: number | null, message: string): void;
  /** core's usable_card: "visa •••• 4242" of the card a charge would use, or null. */
  usableCard(clientId: number): string | null;
}

export function createStripeWorld(deps: StripeWorldDeps): {
  api: SyncApi;
  world: MockStripeWorld;
  onSyncReport: Backend['onSyncReport'];
  hooks: StripeHooks;
} {
  const { db, stripe, stamp } = deps;
  const activity: T.Activity[] = [];
  const payments: T.StripePayment[] = [];
  const cards = new Map<number, T.SavedCard[]>();
  const cardRequests: CardRequestRow[] = [];
  const states = new Map<T.StripeMode, T.SyncStatus>();
  const listeners = new Set<(r: T.PassReport[]) => void>();
  let pending: Pending[] = [];
  let failure: { code: string; message: string } | null = null;
  let expected = 0;

  const show = (m: T.Money) => formatMoney(m, db.business.locale);
  const label = (inv: T.Invoice) => inv.number ?? `Draft ${inv.id}`;
  const liveLink = (invoiceId: number) =>
    db.payLinks.filter((l) => l.invoice_id === invoiceId && l.state === 'active').sort((a, b) => b.id - a.id)[0] ?? null;

  function state(mode: T.StripeMode): T.SyncStatus {
    let s = states.get(mode);
    if (!s) {
      s = { mode, watermark: null, last_pass_at: null, last_success_at: null, last_error: null, last_error_code: null, reads_today: 0, catch_up: null };
      states.set(mode, s);
    }
    return s;
  }

  function note(kind: T.ActivityKind, mode: T.StripeMode | null, invoiceId: number | null, message: string): string {
    activity.push({ id: deps.nextId(), at: stamp(), kind, mode, invoice_id: invoiceId, message, notified: false, seen: false });
    return message;
  }

  /** core's match_invoice: the invoice a succeeded payment goes on, or why it can't. */
  function match(p: Pending, amount: T.Money): { inv: T.Invoice | null; reason: string | null } {
    if (p.invoiceId === null) {
      return { inv: null, reason: 'it names no Paydesk invoice (taken in the Stripe Dashboard or through another link).' };
    }
    const inv = db.invoices.find((i) => i.id === p.invoiceId);
    if (!inv) return { inv: null, reason: `invoice ${p.invoiceId} it names no longer exists.` };
    deps.refresh(inv);
    if (inv.currency !== amount.currency) return { inv, reason: `it is in ${amount.currency}, and ${label(inv)} is in ${inv.currency}.` };
    if (inv.state === 'void' || inv.state === 'draft') return { inv, reason: `${label(inv)} was void or a draft when it arrived.` };
    if (cmp(moneyDec(amount), moneyDec(inv.amount_due)) > 0) return { inv, reason: `it is more than the ${plain(inv.amount_due)} still owed on ${label(inv)}.` };
    return { inv, reason: null };
  }

  function recordPayment(inv: T.Invoice, amount: T.Money, method: T.PaymentMethod, reference: string): number {
    const id = deps.nextId();
    db.payments.push({ id, invoice_id: inv.id, amount, method, received_on: deps.today(), reference, created_at: stamp() });
    deps.refresh(inv);
    return id;
  }

  /** A succeeded card payment's fee (the simulator's 1.5 % + 0.25, rounded to the currency), net and receipt. */
  function settle(row: T.StripePayment) {
    const { amount } = row;
    const fee = round(add(percentOf(moneyDec(amount), parseDec('1.5')!), parseDec('0.25')!), currencyDecimals(amount.currency));
    row.fee = toMoney(fee, amount.currency);
    row.net = toMoney(sub(moneyDec(amount), fee), amount.currency);
    row.receipt_url = `https://pay.stripe.com/receipts/payment/mock_${row.id}`;
  }

  function keepCard(clientId: number, card: T.SavedCard) {
    cards.set(clientId, [card, ...(cards.get(clientId) ?? [])]);
  }

  /** core's card_request: the client's open "save your card" page in the active mode, made now if there is none fresh. */
  function cardRequest(clientId: number): CardRequestRow {
    const mode = stripe.active;
    if (!mode) throw new BackendError('stripe_not_connected', "Stripe test mode isn't connected yet. Connect it with your Stripe key first.");
    const fresh = deps.now().getTime() - CARD_REQUEST_FRESH_MS;
    const existing = cardRequests
      .filter((r) => r.client_id === clientId && r.mode === mode && r.status === 'open' && r.created >= fresh)
      .sort((a, b) => b.id - a.id)[0];
    if (existing) return existing;
    const id = deps.nextId();
    const row: CardRequestRow = {
      id,
      client_id: clientId,
      mode,
      status: 'open',
      url: `https://checkout.stripe.com/c/pay/cs_${mode}_mock${String(id).padStart(8, '0')}`,
      created: deps.now().getTime(),
    };
    cardRequests.push(row);
    return row;
  }

  /** Applies one payment the way core's ledger does; the activity messages it wrote. */
  function apply(p: Pending): string[] {
    const inv = p.invoiceId === null ? null : (db.invoices.find((i) => i.id === p.invoiceId) ?? null);
    const link = inv ? liveLink(inv.id) : null;
    const amount = p.amount ?? link?.amount ?? inv?.amount_due ?? null;
    if (!amount) throw new Error('clientPays: give the amount of a payment that names no invoice');
    const digits = (p.card ?? '4242 4242 4242 4242').replace(/\s/g, '');
    const debit = p.method === 'sepa_debit';
    const decline = debit ? null : (DECLINES[digits] ?? null);
    const clientName = p.name ?? inv?.client_name ?? '';
    const who = clientName || 'A client';
    const id = deps.nextId();
    const row: T.StripePayment = {
      id,
      mode: p.mode,
      invoice_id: inv?.id ?? null,
      payment_id: null,
      status: debit ? 'processing' : decline ? 'failed' : 'succeeded',
      amount,
      fee: null,
      net: null,
      method_type: debit ? 'sepa_debit' : 'card',
      card_brand: debit ? null : brandOf(digits),
      card_last4: debit ? null : digits.slice(-4),
      receipt_url: null,
      client_name: clientName,
      failure_message: decline,
      unmatched_reason: null,
      payment_intent: `pi_mock${String(id).padStart(8, '0')}`,
      created: p.at,
    };
    payments.push(row);
    const useLink = () => {
      if (link) {
        link.state = 'used';
        link.retired_at = stamp();
      }
    };
    if (decline) {
      const on = inv ? ` on ${label(inv)}` : '';
      return [note('payment_failed', p.mode, row.invoice_id, `Payment failed${on} (${show(amount)}, ${who}): ${decline}`)];
    }
    if (debit) {
      useLink();
      const on = inv ? ` for ${label(inv)}` : '';
      return [note('payment_processing', p.mode, row.invoice_id, `${who} is paying ${show(amount)}${on} by bank debit. Stripe confirms it in a few days.`)];
    }
    settle(row);
    const { inv: target, reason } = match(p, amount);
    if (!target || reason) {
      row.unmatched_reason = reason;
      return [note('unmatched_payment', p.mode, target?.id ?? null, `${who} paid ${show(amount)} through Stripe, but ${reason} Assign it to an invoice.`)];
    }
    useLink();
    row.payment_id = recordPayment(target, amount, 'card', `Stripe ${row.card_brand} •••• ${row.card_last4}`);
    if (p.saveCard) {
      keepCard(target.client_id, { id: `pm_mock${id}`, mode: p.mode, brand: row.card_brand ?? 'card', last4: row.card_last4 ?? '', ...p.saveCard });
    }
    return [note('payment_received', p.mode, target.id, `${who} paid ${label(target)} — ${show(amount)}`)];
  }

  /** One pass over every connected mode, as core's Sync::pass. */
  function pass(): T.PassReport[] {
    if (deps.demo && pending.length === 0 && stripe.active) {
      const newest = db.payLinks.filter((l) => l.state === 'active').sort((a, b) => b.id - a.id)[0];
      if (newest) world.clientPays({ invoiceId: newest.invoice_id });
    }
    return (['test', 'live'] as const)
      .filter((mode) => stripe[mode])
      .map((mode) => {
        const s = state(mode);
        const report: T.PassReport = { mode, listed: 0, applied: 0, duplicates: 0, pages: 1, swept: 0, rebuilt: false, reads: 1, news: [], error: null, error_code: null };
        s.last_pass_at = stamp();
        if (failure) {
          s.reads_today += 1;
          s.last_error = report.error = failure.message;
          s.last_error_code = report.error_code = failure.code;
          return report;
        }
        const mine = pending.filter((p) => p.mode === mode);
        pending = pending.filter((p) => p.mode !== mode);
        for (const p of mine) {
          report.news.push(...apply(p));
          report.listed += 1;
          report.applied += 1;
          report.reads += 1;
        }
        s.reads_today += report.reads;
        s.last_success_at = s.last_pass_at;
        s.last_error = s.last_error_code = null;
        s.watermark = Math.floor(deps.now().getTime() / 1000);
        return report;
      });
  }

  const world: MockStripeWorld = {
    clientPays(payment) {
      const mode = (payment.invoiceId !== null ? liveLink(payment.invoiceId)?.mode : null) ?? stripe.active;
      if (!mode) throw new Error("clientPays: Stripe isn't connected");
      pending.push({ ...structuredClone(payment), mode, at: stamp() });
    },
    async backgroundPass() {
      const reports = pass();
      for (const listener of listeners) listener(structuredClone(reports));
      return reports;
    },
    failPasses(error) {
      failure = error;
    },
    saveCard(clientId, { card, exp_month, exp_year, mode }) {
      const m = mode ?? stripe.active;
      if (!m) throw new Error("saveCard: Stripe isn't connected");
      const digits = card.replace(/\s/g, '');
      keepCard(clientId, { id: `pm_mock${deps.nextId()}`, mode: m, brand: brandOf(digits), last4: digits.slice(-4), exp_month, exp_year });
      // A card saved on a "save your card" page completes that request (core's mark_complete).
      for (const r of cardRequests) if (r.client_id === clientId && r.mode === m && r.status === 'open') r.status = 'complete';
    },
    get expected() {
      return expected;
    },
  };

  const api: SyncApi = {
    async syncNow() {
      return pass();
    },
    async expectPayment() {
      expected += 1;
    },
    async syncStatus() {
      // Like the core, a mode has a status once the sync has looked at it.
      return (['test', 'live'] as const).filter((m) => stripe[m] && states.has(m)).map(state);
    },
    async activityFeed(limit) {
      return [...activity].sort((a, b) => b.id - a.id).slice(0, Math.min(Math.max(limit, 1), 500));
    },
    async markActivitySeen() {
      for (const a of activity) a.seen = true;
    },
    async invoiceStripePayments(invoiceId) {
      deps.invoice(invoiceId);
      return payments.filter((p) => p.invoice_id === invoiceId).sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id);
    },
    async unmatchedPayments() {
      return payments.filter((p) => p.status === 'succeeded' && p.payment_id === null).sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id);
    },
    async assignStripePayment(stripePaymentId, invoiceId) {
      // core's assign_unmatched.
      const row = payments.find((p) => p.id === stripePaymentId);
      if (!row) throw new BackendError('not_found', `Stripe payment ${stripePaymentId} doesn't exist (it may have been deleted).`);
      if (row.payment_id !== null || row.status !== 'succeeded') {
        throw new BackendError('conflict', "Only a received Stripe payment that isn't on an invoice yet can be assigned.");
      }
      const inv = deps.refresh(deps.invoice(invoiceId));
      const bad = (message: string) => new BackendError('invalid', message, 'invoice_id');
      if (inv.currency !== row.amount.currency) throw bad(`${label(inv)} is in ${inv.currency}, this payment in ${row.amount.currency}.`);
      if (inv.state !== 'open' && inv.state !== 'uncollectible') throw bad(`${label(inv)} isn't open, so it can't take a payment.`);
      if (cmp(moneyDec(row.amount), moneyDec(inv.amount_due)) > 0) {
        throw bad(`${plain(row.amount)} is more than the ${plain(inv.amount_due)} still owed on ${label(inv)}.`);
      }
      const reference = row.card_brand && row.card_last4 ? `Stripe ${row.card_brand} •••• ${row.card_last4}` : `Stripe ${row.payment_intent}`;
      row.payment_id = recordPayment(inv, row.amount, 'card', reference);
      row.invoice_id = inv.id;
      row.unmatched_reason = null;
      row.client_name = inv.client_name;
      return row;
    },
    async savedCards(clientId) {
      return cards.get(clientId) ?? [];
    },
    async chargeSavedCard(invoiceId) {
      // core's charge_saved_card: the whole amount due, on the newest card of the active mode that hasn't expired.
      const inv = deps.refresh(deps.invoice(invoiceId));
      if ((inv.status !== 'open' && inv.status !== 'partially_paid') || moneyDec(inv.amount_due).m <= 0n) {
        throw new BackendError('conflict', `${inv.number ?? 'This invoice'} has nothing left to pay.`);
      }
      const mode = stripe.active;
      if (!mode) throw new BackendError('stripe_not_connected', "Stripe live mode isn't connected yet. Connect it with your Stripe key first.");
      const card = chargeableCard(cards.get(inv.client_id) ?? [], mode, deps.today());
      if (!card) throw new BackendError('conflict', `${inv.client_name} has no card saved that can be charged. Send a pay link instead.`);
      const id = deps.nextId();
      const amount = inv.amount_due;
      const intent = `pi_mock${String(id).padStart(8, '0')}`;
      const charge: T.CardCharge = {
        id,
        invoice_id: inv.id,
        status: 'succeeded',
        amount,
        card: `${card.brand} •••• ${card.last4}`,
        failure: null,
        payment_intent: intent,
      };
      const failed = OFF_SESSION_FAILURES[card.last4];
      if (failed) return { ...charge, status: 'failed', failure: failed };
      const row: T.StripePayment = {
        id,
        mode,
        invoice_id: inv.id,
        payment_id: null,
        status: 'succeeded',
        amount,
        fee: null,
        net: null,
        method_type: 'card',
        card_brand: card.brand,
        card_last4: card.last4,
        receipt_url: null,
        client_name: inv.client_name,
        failure_message: null,
        unmatched_reason: null,
        payment_intent: intent,
        created: stamp(),
      };
      settle(row);
      payments.push(row);
      row.payment_id = recordPayment(inv, amount, 'card', `Stripe ${card.brand} •••• ${card.last4}`);
      note('payment_received', mode, inv.id, `${inv.client_name} paid ${label(inv)} — ${show(amount)}`);
      return charge;
    },
    async removeSavedCard(clientId, card) {
      // core's remove_card: detached at Stripe, gone from the client page.
      const list = cards.get(clientId) ?? [];
      if (!list.some((c) => c.id === card)) throw new BackendError('not_found', `Saved card ${clientId} doesn't exist (it may have been deleted).`);
      cards.set(clientId, list.filter((c) => c.id !== card));
    },
    async expiringCards() {
      // core's expiring_cards: cards whose last month is this one or the next, soonest first.
      const [y, m] = deps.today().split('-').map(Number) as [number, number];
      const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
      const out: T.ExpiringCard[] = [];
      for (const [clientId, list] of cards) {
        const c = db.clients.find((x) => x.id === clientId);
        if (!c) continue;
        for (const card of list) {
          if ((card.exp_year === y && card.exp_month === m) || (card.exp_year === ny && card.exp_month === nm)) {
            out.push({ client_id: clientId, client_name: c.name, card: card.id, label: `${card.brand} •••• ${card.last4}`, exp_month: card.exp_month, exp_year: card.exp_year });
          }
        }
      }
      return out.sort((a, b) => a.exp_year - b.exp_year || a.exp_month - b.exp_month || a.client_name.localeCompare(b.client_name));
    },
    async chargeSavedCards(invoiceIds) {
      if (invoiceIds.length === 0 || invoiceIds.length > 500) {
        throw new BackendError('invalid', 'Choose between 1 and 500 invoices to charge.', 'invoice_ids');
      }
      const out: T.BulkCharge[] = [];
      for (const invoiceId of invoiceIds) {
        try {
          out.push({ invoice_id: invoiceId, charge: await api.chargeSavedCard(invoiceId), error: null });
        } catch (e) {
          out.push({ invoice_id: invoiceId, charge: null, error: BackendError.from(e).message });
        }
      }
      return out;
    },
    async sendCardRequest(clientId, to) {
      // core's send_card_request: the address first, then email, then Stripe's page, then the email.
      const c = deps.client(clientId);
      let address = c.email;
      if (to !== null) {
        const bad = emailRule(to);
        if (bad) throw new BackendError('invalid', bad, 'to');
        address = to.trim();
      }
      if (address === '') throw new BackendError('invalid', `${c.name} has no email address saved. Type the address to send to.`, 'to');
      deps.mailReady();
      const row = cardRequest(clientId);
      deps.sendMail(address);
      return {
        id: row.id,
        client_id: row.client_id,
        status: row.status,
        url: row.url,
        emailed_to: address,
        expires_at: new Date(row.created + CARD_REQUEST_LIFE_MS).toISOString(),
      };
    },
  };

  const hooks: StripeHooks = {
    note(kind, invoiceId, message) {
      note(kind, null, invoiceId, message);
    },
    usableCard(clientId) {
      const card = chargeableCard(cards.get(clientId) ?? [], stripe.active, deps.today());
      return card ? `${card.brand} •••• ${card.last4}` : null;
    },
  };

  const onSyncReport: Backend['onSyncReport'] = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return { api, world, onSyncReport, hooks };
}
