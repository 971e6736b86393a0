// Client-side field checks, run as the user types. They mirror core/src/validate.rs so the
// messages agree; the backend stays the authority and its errors win when both exist.
import { currencyDecimals, parseDec, significantDecimals } from './money';

export type Errors = Record<string, string>;

export function required(value: string, label: string): string | null {
  return value.trim() === '' ? `${label} is required.` : null;
}

/** One `@`, something before it, a dotted domain after it, no spaces. Empty is fine. */
export function email(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  const bad = `"${v}" isn't an email address. It should look like name@example.com.`;
  if (v.length > 254 || /\s/.test(v)) return bad;
  const at = v.indexOf('@');
  if (at <= 0) return bad;
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  const labelsOk = domain.split('.').every((l) => l !== '' && !l.startsWith('-') && !l.endsWith('-'));
  if (domain.includes('@') || !domain.includes('.') || !labelsOk || local.length > 64) return bad;
  return null;
}

/** A non-negative number with at most `maxDecimals` decimals. */
export function decimal(value: string, label: string, maxDecimals: number): string | null {
  if (value.trim() === '') return `${label} is required.`;
  const d = parseDec(value);
  if (!d) return `Write ${label.toLowerCase()} as a number, like 45 or 45.50.`;
  if (d.m < 0n) return `${label} can't be negative.`;
  if (significantDecimals(d) > maxDecimals) {
    return maxDecimals === 0 ? `${label} can't have decimals.` : `${label} can have at most ${maxDecimals} decimal places.`;
  }
  return null;
}

export function amount(value: string, label: string, currency: string): string | null {
  return decimal(value, label, currencyDecimals(currency));
}

export function percent(value: string, label: string, maxDecimals: number): string | null {
  const e = decimal(value, label, maxDecimals);
  if (e) return e;
  const d = parseDec(value)!;
  const hundred = 100n * 10n ** BigInt(d.s);
  return d.m > hundred ? `${label} must be between 0 and 100%.` : null;
}

/** Keeps only the messages that exist. */
export function collect(entries: Record<string, string | null>): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(entries)) if (v) out[k] = v;
  return out;
}
