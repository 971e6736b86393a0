// Formatting for people, in the business's locale and time zone. Money is formatted exactly:
// the integer part goes through Intl as a BigInt and the decimals are spliced in as digits.
import type { Money, StripePayment } from './backend/types';
import { todayIn } from './dates';
import { currencyDecimals } from './money';
import { session } from './session.svelte';

function locale(): string {
  return session.business.locale || 'en-GB';
}

const nfCache = new Map<string, Intl.NumberFormat>();
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = nfCache.get(key);
  if (!f) {
    f = make();
    nfCache.set(key, f);
  }
  return f;
}

export function formatMoney(m: Money | null | undefined, loc: string = locale()): string {
  if (!m) return '';
  const dp = currencyDecimals(m.currency);
  const negative = m.amount.trim().startsWith('-');
  const [int = '0', frac = ''] = m.amount.replace(/^[+-]/, '').split('.');
  let cur: Intl.NumberFormat;
  try {
    cur = nf(`${loc}|${m.currency}`, () =>
      new Intl.NumberFormat(loc, { style: 'currency', currency: m.currency, minimumFractionDigits: dp, maximumFractionDigits: dp }),
    );
  } catch {
    return `${m.amount} ${m.currency}`;
  }
  const plain = nf(`${loc}|int`, () => new Intl.NumberFormat(loc, { maximumFractionDigits: 0 }));
  const intText = plain.format(BigInt(int || '0'));
  return cur
    .formatToParts(negative ? -1n : 1n)
    .map((p) => (p.type === 'integer' ? intText : p.type === 'fraction' ? frac.padEnd(dp, '0').slice(0, dp) : p.value))
    .join('');
}

/** A count of things, grouped the business locale's way ("12,345" in en-GB). */
export function formatCount(n: number): string {
  return nf(`${locale()}|count`, () => new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 })).format(n);
}

/** A list of per-currency totals, or a dash when there are none. */
export function formatMoneyList(list: Money[]): string {
  return list.length === 0 ? '—' : list.map((m) => formatMoney(m)).join(' · ');
}

/** "2026-11-23" → "23 Nov 2026" (in the business locale). Calendar dates have no time zone. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const [y, mo, d] = date.split('-').map(Number);
  if (!y || !mo || !d) return date;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, d)));
}

/** An RFC 3339 instant shown as wall-clock time where the business is. */
export function formatTime(instant: string): string {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short', timeZone: session.business.time_zone }).format(new Date(instant));
}

export function formatDateTime(instant: string): string {
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: session.business.time_zone,
  }).format(new Date(instant));
}

/**
 * "Tue 24 Nov, 14:00": the short day and the time of an instant where the business is. The day is
 * built from its parts with commas dropped from the separators, so engines whose ICU data writes
 * "Tue, 24 Nov" (WebKitGTK on some distributions) read the same as the others; the order stays the locale's.
 */
export function formatDayTime(instant: string): string {
  const parts = new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: session.business.time_zone,
  }).formatToParts(new Date(instant));
  const day = parts
    .map((p) => (p.type === 'literal' ? p.value.replace(/,/g, ' ') : p.value))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return `${day}, ${formatTime(instant)}`;
}

/**
 * "just now", "2 minutes ago", "3 hours ago", "yesterday": how long ago an instant was, in the
 * words of the UI (English); a week or more back, the date. A moment in the future (a clock a little
 * ahead) is "just now".
 */
export function timeAgo(instant: string, now: number = Date.now()): string {
  const seconds = Math.floor((now - Date.parse(instant)) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return 'just now';
  const words = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return words.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return words.format(-hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 7) return words.format(-days, 'day');
  return formatDate(todayIn(session.business.time_zone, new Date(instant)));
}

export function formatWeekday(date: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, mo - 1, d)),
  );
}

const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  open: 'Open',
  partially_paid: 'Partially paid',
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  void: 'Void',
  uncollectible: 'Uncollectible',
  booked: 'Booked',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

const CARD_BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  cartes_bancaires: 'Cartes Bancaires',
  eftpos_au: 'eftpos',
  interac: 'Interac',
};

/** "Visa •••• 4242": a card as Stripe names its brand (`visa`), with its last four digits. */
export function cardLabel(brand: string | null | undefined, last4: string | null | undefined): string {
  const b = (brand ?? '').trim().toLowerCase();
  const name = CARD_BRANDS[b] ?? (b && b !== 'unknown' ? b[0].toUpperCase() + b.slice(1) : 'Card');
  return last4 ? `${name} •••• ${last4}` : name;
}

/** How a Stripe payment was made: "Visa •••• 4242", "SEPA bank debit". */
export function stripeMethod(p: Pick<StripePayment, 'method_type' | 'card_brand' | 'card_last4'>): string {
  if (p.method_type === 'sepa_debit') return 'SEPA bank debit';
  if (p.method_type === 'card' || p.method_type === '' || p.card_last4) return cardLabel(p.card_brand, p.card_last4);
  return p.method_type.replace(/_/g, ' ');
}
