// The invoice editor's form model: what the user typed, its client-side checks, and the input sent.
import type { Invoice, InvoiceInput } from '../../lib/backend/types';
import { currencyDecimals, parseDec } from '../../lib/money';
import { amount, decimal, percent, required, type Errors } from '../../lib/validate';
import type { LineForm } from './LineRow.svelte';

export interface InvoiceForm {
  client_id: number | null;
  currency: string;
  issue_date: string;
  due_date: string;
  notes: string;
  terms: string;
  lines: LineForm[];
}

let keys = 0;

export function blankLine(): LineForm {
  return { key: ++keys, description: '', quantity: '1', unit_price: '', tax_rate: '0', discount_percent: '0', service_id: null };
}

export function formFromInvoice(inv: Invoice | null, currency: string, today: string, terms: string): InvoiceForm {
  if (!inv) return { client_id: null, currency, issue_date: today, due_date: '', notes: '', terms, lines: [blankLine()] };
  return {
    client_id: inv.client_id,
    currency: inv.currency,
    issue_date: inv.issue_date,
    due_date: inv.due_date,
    notes: inv.notes,
    terms: inv.terms,
    lines: inv.lines.map((l) => ({
      key: ++keys,
      description: l.description,
      quantity: l.quantity,
      unit_price: l.unit_price.amount,
      tax_rate: l.tax_rate,
      discount_percent: l.discount_percent,
      service_id: l.service_id,
    })),
  };
}

/** Checks run as the user types. */
export function checkForm(f: InvoiceForm): Errors {
  const e: Errors = {};
  if (f.client_id === null) e.client_id = 'Choose a client.';
  if (!/^[A-Za-z]{3}$/.test(f.currency.trim())) e.currency = 'Use a three-letter currency code such as EUR.';
  if (f.due_date && f.issue_date && f.due_date < f.issue_date) e.due_date = "The due date can't be before the issue date.";
  const cur = f.currency.trim().toUpperCase();
  f.lines.forEach((l, i) => {
    const put = (field: string, msg: string | null) => {
      if (msg) e[`lines[${i}].${field}`] = msg;
    };
    put('description', required(l.description, 'Description'));
    put('quantity', decimal(l.quantity, 'Quantity', 3) ?? (parseDec(l.quantity)?.m === 0n ? 'Quantity must be more than zero.' : null));
    put('unit_price', /^[A-Za-z]{3}$/.test(cur) ? amount(l.unit_price, 'Price', cur) : decimal(l.unit_price, 'Price', currencyDecimals('')));
    put('tax_rate', l.tax_rate.trim() === '' ? null : percent(l.tax_rate, 'Tax', 3));
    put('discount_percent', l.discount_percent.trim() === '' ? null : percent(l.discount_percent, 'Discount', 2));
  });
  return e;
}

/** Whether the form can be sent at all: a client is chosen and every number parses. */
export function sendable(f: InvoiceForm): boolean {
  const num = (s: string, blankOk: boolean) => (blankOk && s.trim() === '') || parseDec(s) !== null;
  return (
    f.client_id !== null &&
    f.lines.every((l) => num(l.quantity, false) && num(l.unit_price, false) && num(l.tax_rate, true) && num(l.discount_percent, true))
  );
}

export function toInput(f: InvoiceForm): InvoiceInput {
  return {
    client_id: f.client_id ?? 0,
    currency: f.currency.trim().toUpperCase(),
    issue_date: f.issue_date || null,
    due_date: f.due_date || null,
    notes: f.notes,
    terms: f.terms,
    lines: f.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity.trim(),
      unit_price: l.unit_price.trim(),
      tax_rate: l.tax_rate.trim() || '0',
      discount_percent: l.discount_percent.trim() || '0',
      service_id: l.service_id,
    })),
  };
}
