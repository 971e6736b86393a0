// The job rules of core/src/job.rs, for checking as the owner types and for showing what a request
// will ask for. The backend stays the authority; its messages are the same words.
import type { Job, Money, RequestKind } from '../../lib/backend/types';
import { add, cmp, currencyDecimals, moneyDec, parseDec, percentOf, round, toMoney, type Dec } from '../../lib/money';
import { amount as amountRule, percent as percentRule } from '../../lib/validate';

export const REQUEST_KINDS: [RequestKind, string][] = [
  ['deposit', 'Deposit'],
  ['progress', 'Progress payment'],
  ['final', 'Final payment'],
  ['custom', 'Custom'],
];

export function kindLabel(kind: RequestKind): string {
  return REQUEST_KINDS.find(([k]) => k === kind)?.[1] ?? kind;
}

/** "12000.00 EUR", as the core writes money in its messages. */
export const plainMoney = (m: Money) => `${m.amount} ${m.currency}`;

export type RequestBy = 'amount' | 'percent';

export interface RequestCheck {
  /** The net amount asked for, when it can be worked out. */
  net: Money | null;
  /** What is wrong, next to which field (`amount` or `percent`). */
  error: { field: RequestBy | 'kind'; message: string } | null;
}

/** What a request would ask for (net of tax), and what is wrong with it — job.rs's requested_amount. */
export function checkRequest(job: Job, kind: RequestKind, by: RequestBy, value: string): RequestCheck {
  const remaining = moneyDec(job.remaining);
  if (kind === 'final') {
    if (remaining.m <= 0n) return { net: null, error: { field: 'kind', message: `All of "${job.title}" has been requested already.` } };
    return { net: job.remaining, error: null };
  }
  let net: Dec;
  if (by === 'amount') {
    const e = amountRule(value, 'Amount', job.currency);
    if (e) return { net: null, error: { field: 'amount', message: e } };
    net = parseDec(value)!;
  } else {
    const e = percentRule(value, 'The percentage', 2);
    if (e) return { net: null, error: { field: 'percent', message: e } };
    // Rounded like any amount: half away from zero, to the currency's decimals.
    net = round(percentOf(moneyDec(job.contract_total), parseDec(value)!), currencyDecimals(job.currency));
  }
  const money = toMoney(net, job.currency);
  if (net.m <= 0n) return { net: money, error: { field: by, message: 'A request must be for more than zero.' } };
  if (cmp(net, remaining) > 0) {
    return {
      net: money,
      error: {
        field: by,
        message: `Only ${plainMoney(job.remaining)} of the contract is left to request (of ${plainMoney(job.contract_total)}).`,
      },
    };
  }
  return { net: money, error: null };
}

/** The request invoice's total: its one line of `net` with the job's tax rate (totals.rs). */
export function withTax(net: Money, taxRate: string): Money {
  const n = moneyDec(net);
  const tax = round(percentOf(n, parseDec(taxRate) ?? { m: 0n, s: 0 }), currencyDecimals(net.currency));
  return toMoney(add(n, tax), net.currency);
}
