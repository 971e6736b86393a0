// Exact decimal arithmetic for money (scaled BigInt), mirroring paydesk-core's rules.
// Never use floats for amounts: 0.1 + 0.2 is not 0.3 there, and totals must match Rust to the cent.
import type { LineAmounts, Money, TaxRow, Totals } from './backend/types';

/** An exact decimal: value = m / 10^s (s ≥ 0). */
export interface Dec {
  m: bigint;
  s: number;
}

const ZERO_DIGITS = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DIGITS = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** How many decimals amounts in this currency carry (ISO 4217, as paydesk-core has them). */
export function currencyDecimals(currency: string): number {
  const c = currency.toUpperCase();
  if (ZERO_DIGITS.has(c)) return 0;
  if (THREE_DIGITS.has(c)) return 3;
  return 2;
}

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses "45", "45.50", "-0.5", ".5". No grouping, no exponent. Returns null when it isn't a number. */
export function parseDec(text: string): Dec | null {
  const t = text.trim();
  const g = DEC_RE.exec(t);
  if (!g) return null;
  const int = g[2] ?? '';
  const frac = g[3] ?? '';
  if (int === '' && frac === '') return null;
  const m = BigInt((int || '0') + frac);
  return { m: g[1] === '-' ? -m : m, s: frac.length };
}

export const ZERO: Dec = { m: 0n, s: 0 };

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.s, b.s);
  return [a.m * pow10(s - a.s), b.m * pow10(s - b.s), s];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x + y, s };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x - y, s };
}

export function mul(a: Dec, b: Dec): Dec {
  return { m: a.m * b.m, s: a.s + b.s };
}

/** Divides by 100 exactly (percentages). */
export function percentOf(a: Dec, percent: Dec): Dec {
  const p = mul(a, percent);
  return { m: p.m, s: p.s + 2 };
}

export function cmp(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds to `dp` decimals, half away from zero; the result has exactly `dp` decimals. */
export function round(a: Dec, dp: number): Dec {
  if (a.s <= dp) return { m: a.m * pow10(dp - a.s), s: dp };
  const div = pow10(a.s - dp);
  const neg = a.m < 0n;
  const abs = neg ? -a.m : a.m;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return { m: neg ? -q : q, s: dp };
}

/** Drops trailing zeros: 12.300 → 12.3. */
export function normalize(a: Dec): Dec {
  let { m, s } = a;
  while (s > 0 && m % 10n === 0n) {
    m /= 10n;
    s -= 1;
  }
  return { m, s };
}

/** Decimals that matter: "12.300" has 1. */
export function significantDecimals(a: Dec): number {
  return normalize(a).s;
}

export function decToString(a: Dec): string {
  const neg = a.m < 0n;
  const digits = (neg ? -a.m : a.m).toString().padStart(a.s + 1, '0');
  const int = digits.slice(0, digits.length - a.s);
  const frac = a.s > 0 ? '.' + digits.slice(digits.length - a.s) : '';
  return (neg ? '-' : '') + int + frac;
}

/** An exact value rounded to the currency, as the JSON Money shape. */
export function toMoney(a: Dec, currency: string): Money {
  return { amount: decToString(round(a, currencyDecimals(currency))), currency };
}

export function moneyDec(m: Money): Dec {
  return parseDec(m.amount) ?? ZERO;
}

export function zeroMoney(currency: string): Money {
  return toMoney(ZERO, currency);
}

/** Sums amounts of one currency. */
export function sumMoney(items: Money[], currency: string): Money {
  return toMoney(items.reduce((acc, m) => add(acc, moneyDec(m)), ZERO), currency);
}

/** A line as typed in the editor: every number is text. */
export interface PricedLineText {
  quantity: string;
  unit_price: string;
  tax_rate: string;
  discount_percent: string;
}

function num(text: string): Dec {
  return parseDec(text) ?? ZERO;
}

/** One line's amounts — the rule of `core/src/invoice/totals.rs`. Text that isn't a number counts as 0. */
export function lineAmounts(line: PricedLineText, currency: string): LineAmounts {
  const dp = currencyDecimals(currency);
  const gross = round(mul(num(line.quantity), num(line.unit_price)), dp);
  const discount = round(percentOf(gross, num(line.discount_percent)), dp);
  const net = sub(gross, discount);
  const tax = round(percentOf(net, num(line.tax_rate)), dp);
  return {
    gross: toMoney(gross, currency),
    discount: toMoney(discount, currency),
    net: toMoney(net, currency),
    tax: toMoney(tax, currency),
  };
}

/** Invoice totals, exactly as the Rust core computes them. */
export function computeTotals(lines: PricedLineText[], currency: string): Totals {
  const amounts = lines.map((l) => lineAmounts(l, currency));
  const sum = (pick: (a: LineAmounts) => Money) => amounts.reduce((acc, a) => add(acc, moneyDec(pick(a))), ZERO);
  const subtotal = sum((a) => a.gross);
  const discount = sum((a) => a.discount);
  const tax = sum((a) => a.tax);

  const rows: { rate: Dec; net: Dec; tax: Dec }[] = [];
  lines.forEach((line, i) => {
    const rate = normalize(num(line.tax_rate));
    const a = amounts[i];
    const row = rows.find((r) => cmp(r.rate, rate) === 0);
    if (row) {
      row.net = add(row.net, moneyDec(a.net));
      row.tax = add(row.tax, moneyDec(a.tax));
    } else {
      rows.push({ rate, net: moneyDec(a.net), tax: moneyDec(a.tax) });
    }
  });
  rows.sort((x, y) => cmp(x.rate, y.rate));
  const taxes: TaxRow[] = rows.map((r) => ({
    rate: decToString(r.rate),
    net: toMoney(r.net, currency),
    tax: toMoney(r.tax, currency),
  }));

  return {
    subtotal: toMoney(subtotal, currency),
    discount: toMoney(discount, currency),
    tax: toMoney(tax, currency),
    total: toMoney(add(sub(subtotal, discount), tax), currency),
    taxes,
    lines: amounts,
  };
}
