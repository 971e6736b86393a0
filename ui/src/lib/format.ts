// Formatting for people, in the business's locale and time zone. Money is formatted exactly:
// the integer part goes through Intl as a BigInt and the decimals are spliced in as digits.
import type { Money } from './backend/types';
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
