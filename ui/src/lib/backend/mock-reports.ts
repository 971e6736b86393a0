// The mock's Reports, after paydesk-core's report module (core/src/report) but simpler: payments and
// refunds recorded in Paydesk (the mock's Stripe fees aren't reported), no payouts, aging as of the
// last day, revenue by month and by service. The same columns, totals labels and errors.
import { BackendError, type Backend, type ExportProgress } from './backend';
import type * as T from './types';
import type { MockDb } from './mock-seed';
import { add, cmp, moneyDec, sub, toMoney, ZERO, type Dec } from '../money';

export interface ReportDeps {
  db: MockDb;
  /** Re-reads an invoice's totals, payments and status. */
  refresh: (inv: T.Invoice) => T.Invoice;
  /** The mock's currency check: the code in capitals, or an `invalid` error for `field`. */
  knownCurrency: (field: string, code: string) => string;
}

type ReportsApi = Pick<Backend, 'reportPreview' | 'reportCharts' | 'exportReport'>;

const COLUMNS: Record<T.ReportKind, string[]> = {
  payments: [
    'Date', 'Client', 'Invoice', 'Method', 'Reference', 'Via', 'Gross', 'Stripe fee', 'Other fees', 'Net', 'Refunded',
    'Currency', 'Status', 'Stripe payment', 'Stripe charge', 'Stripe balance transaction',
  ],
  refunds: [
    'Date', 'Type', 'Client', 'Invoice', 'Amount', 'Fee', 'Effect on balance', 'Currency', 'Status', 'Reason',
    'Stripe refund or dispute', 'Stripe payment',
  ],
  payouts: [
    'Payout', 'Arrival date', 'Payout amount', 'Payout status', 'Date', 'Type', 'Description', 'Client', 'Invoice', 'Gross',
    'Fee', 'Net', 'Currency', 'Stripe source', 'Stripe balance transaction',
  ],
  aging: ['Client', 'Currency', 'Not yet due', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days', 'Total owed', 'Invoices'],
  revenue: ['Section', 'Name', 'Currency', 'Invoiced (net of tax)', 'Tax', 'Collected', 'Stripe fees', 'Count'],
};

const BUCKETS = ['Not yet due', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days'];

const TOTALS: Record<T.ReportKind, string[]> = {
  payments: ['Gross', 'Stripe fees', 'Other fees', 'Net', 'Refunded'],
  refunds: ['Refunded', 'Disputed', 'Dispute reversed', 'Fees', 'Effect on balance'],
  payouts: ['Paid out', 'Gross', 'Fees', 'Net'],
  aging: [...BUCKETS, 'Total owed'],
  revenue: ['Invoiced', 'Tax', 'Collected', 'Stripe fees'],
};

const PREVIEW_ROWS = 200;
const PROGRESS_EVERY = 10_000;

interface Period {
  from: string;
  to: string;
  currency: string | null;
}

/** A report row: its cells as the preview reads them, and what it adds to the totals. */
interface Row {
  cells: string[];
  currency: string;
  totals: [string, Dec][];
}

const invalid = (field: string, message: string) => new BackendError('invalid', message, field);
const amount = (d: Dec, currency: string) => toMoney(d, currency).amount;
const sum = (items: T.Money[]) => items.reduce((a, m) => add(a, moneyDec(m)), ZERO);
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const bucket = (late: number) => (late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4);

/** Sums per currency and label, sorted by currency and then in the report's order of labels. */
function totalsOf(kind: T.ReportKind, rows: Row[]): T.ReportTotal[] {
  const sums = new Map<string, Dec>();
  for (const r of rows) for (const [label, d] of r.totals) sums.set(`${r.currency}|${label}`, add(sums.get(`${r.currency}|${label}`) ?? ZERO, d));
  const rank = (label: string) => TOTALS[kind].indexOf(label);
  return [...sums]
    .map(([key, d]) => {
      const [currency = '', label = ''] = key.split('|');
      return { label, amount: toMoney(d, currency) };
    })
    .sort((a, b) => a.amount.currency.localeCompare(b.amount.currency) || rank(a.label) - rank(b.label));
}

export function createReports(deps: ReportDeps): { api: ReportsApi; onReportExportProgress: Backend['onReportExportProgress'] } {
  const { db } = deps;
  const listeners = new Set<(p: ExportProgress) => void>();
  const clientName = (inv: T.Invoice) => db.clients.find((c) => c.id === inv.client_id)?.name ?? inv.client_name;
  const inRange = (date: string, p: Period) => date >= p.from && date <= p.to;
  const ofCurrency = (currency: string, p: Period) => p.currency === null || currency === p.currency;

  function period(req: T.ReportRequest, statement: boolean): Period {
    const code = (req.currency ?? '').trim();
    const currency = code ? deps.knownCurrency('currency', code) : statement ? db.business.currency : null;
    if (req.to < req.from) throw invalid('to', 'The end date is before the start date.');
    return { from: req.from, to: req.to, currency };
  }

  function payments(p: Period): Row[] {
    return db.payments
      .filter((x) => inRange(x.received_on, p) && ofCurrency(x.amount.currency, p))
      .sort((a, b) => a.received_on.localeCompare(b.received_on) || a.id - b.id)
      .map((x): Row => {
        const inv = deps.refresh(db.invoices.find((i) => i.id === x.invoice_id)!);
        const c = x.amount.currency;
        const gross = moneyDec(x.amount);
        const refunded = sum(db.refunds.filter((r) => r.payment_id === x.id).map((r) => r.amount));
        const status = cmp(refunded, gross) >= 0 ? 'Refunded' : refunded.m > 0n ? 'Partially refunded' : 'Paid';
        const zero = amount(ZERO, c);
        const cells = [x.received_on, clientName(inv), inv.number ?? '', x.method, x.reference, 'Recorded'];
        cells.push(amount(gross, c), zero, zero, amount(gross, c), amount(refunded, c), c, status, '', '', '');
        return { cells, currency: c, totals: [['Gross', gross], ['Stripe fees', ZERO], ['Other fees', ZERO], ['Net', gross], ['Refunded', refunded]] };
      });
  }

  function refunds(p: Period): Row[] {
    return db.refunds
      .filter((r) => inRange(r.refunded_on, p) && ofCurrency(r.amount.currency, p))
      .sort((a, b) => a.refunded_on.localeCompare(b.refunded_on) || a.id - b.id)
      .map((r): Row => {
        const inv = db.invoices.find((i) => i.id === r.invoice_id)!;
        const c = r.amount.currency;
        const size = moneyDec(r.amount);
        const effect = sub(ZERO, size);
        const cells = [r.refunded_on, 'Refund', clientName(inv), inv.number ?? '', amount(size, c), amount(ZERO, c), amount(effect, c), c];
        cells.push('recorded', r.reason, '', '');
        return { cells, currency: c, totals: [['Refunded', size], ['Fees', ZERO], ['Effect on balance', effect]] };
      });
  }

  function aging(p: Period): Row[] {
    const by = new Map<string, { name: string; id: number; currency: string; buckets: Dec[]; invoices: number }>();
    for (const inv of db.invoices.map(deps.refresh)) {
      if (inv.state !== 'open' || inv.issue_date > p.to || !ofCurrency(inv.currency, p)) continue;
      const paid = sum(db.payments.filter((x) => x.invoice_id === inv.id && x.received_on <= p.to).map((x) => x.amount));
      const due = sub(moneyDec(inv.totals.total), paid);
      if (due.m <= 0n) continue;
      const key = `${inv.client_id}|${inv.currency}`;
      const e = by.get(key) ?? { name: clientName(inv), id: inv.client_id, currency: inv.currency, buckets: BUCKETS.map(() => ZERO), invoices: 0 };
      const i = bucket(days(inv.due_date, p.to));
      e.buckets[i] = add(e.buckets[i]!, due);
      e.invoices += 1;
      by.set(key, e);
    }
    return [...by.values()]
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id || a.currency.localeCompare(b.currency))
      .map((e): Row => {
        const total = e.buckets.reduce(add, ZERO);
        const cells = [e.name, e.currency, ...e.buckets.map((d) => amount(d, e.currency)), amount(total, e.currency), String(e.invoices)];
        return { cells, currency: e.currency, totals: [...BUCKETS.map((l, i): [string, Dec] => [l, e.buckets[i]!]), ['Total owed', total]] };
      });
  }

  /** Revenue per month of the period and currency: invoiced net of tax, tax, collected less refunds. */
  function byMonth(p: Period): T.RevenueRow[] {
    const sums = new Map<string, { invoiced: Dec; tax: Dec; collected: Dec; count: number }>();
    const entry = (month: string, currency: string) => {
      const key = `${month}|${currency}`;
      const e = sums.get(key) ?? { invoiced: ZERO, tax: ZERO, collected: ZERO, count: 0 };
      sums.set(key, e);
      return e;
    };
    for (const inv of db.invoices.map(deps.refresh)) {
      if ((inv.state !== 'open' && inv.state !== 'uncollectible') || !inRange(inv.issue_date, p) || !ofCurrency(inv.currency, p)) continue;
      const e = entry(inv.issue_date.slice(0, 7), inv.currency);
      e.invoiced = add(e.invoiced, sub(moneyDec(inv.totals.total), moneyDec(inv.totals.tax)));
      e.tax = add(e.tax, moneyDec(inv.totals.tax));
      e.count += 1;
    }
    for (const x of db.payments.filter((x) => inRange(x.received_on, p) && ofCurrency(x.amount.currency, p))) {
      const e = entry(x.received_on.slice(0, 7), x.amount.currency);
      e.collected = add(e.collected, moneyDec(x.amount));
    }
    for (const r of db.refunds.filter((r) => inRange(r.refunded_on, p) && ofCurrency(r.amount.currency, p))) {
      const e = entry(r.refunded_on.slice(0, 7), r.amount.currency);
      e.collected = sub(e.collected, moneyDec(r.amount));
    }
    // Every month of the period, with zeros, in each currency that had any money.
    const currencies = [...new Set([...sums.keys()].map((k) => k.split('|')[1]!))];
    for (let m = p.from.slice(0, 7); m <= p.to.slice(0, 7); m = nextMonth(m)) for (const c of currencies) entry(m, c);
    return [...sums]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, e]): T.RevenueRow => {
        const [name = '', c = ''] = key.split('|');
        const m = (d: Dec) => toMoney(d, c);
        return { section: 'month', name, invoiced: m(e.invoiced), tax: m(e.tax), collected: m(e.collected), stripe_fees: m(ZERO), count: e.count };
      });
  }

  /** Invoiced per service (lines without one are "Other items"). */
  function byService(p: Period): T.RevenueRow[] {
    const sums = new Map<string, { name: string; currency: string; invoiced: Dec; tax: Dec; count: number }>();
    for (const inv of db.invoices.map(deps.refresh)) {
      if ((inv.state !== 'open' && inv.state !== 'uncollectible') || !inRange(inv.issue_date, p) || !ofCurrency(inv.currency, p)) continue;
      inv.lines.forEach((line, i) => {
        const name = db.services.find((s) => s.id === line.service_id)?.name ?? 'Other items';
        const e = sums.get(`${name}|${inv.currency}`) ?? { name, currency: inv.currency, invoiced: ZERO, tax: ZERO, count: 0 };
        const a = inv.totals.lines[i]!;
        e.invoiced = add(e.invoiced, moneyDec(a.net));
        e.tax = add(e.tax, moneyDec(a.tax));
        e.count += 1;
        sums.set(`${name}|${inv.currency}`, e);
      });
    }
    return [...sums.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.currency.localeCompare(b.currency))
      .map((e): T.RevenueRow => ({ section: 'service', name: e.name, invoiced: toMoney(e.invoiced, e.currency), tax: toMoney(e.tax, e.currency), collected: null, stripe_fees: null, count: e.count }));
  }

  function revenue(p: Period): Row[] {
    const section: Record<T.Section, string> = { month: 'Month', service: 'Service', staff: 'Staff member', deposits_held: 'Deposits held' };
    return [...byMonth(p), ...byService(p)].map((r): Row => {
      const figures = [r.invoiced, r.tax, r.collected, r.stripe_fees];
      const currency = figures.find((m) => m)?.currency ?? '';
      const cells = [section[r.section], r.name, currency, ...figures.map((m) => m?.amount ?? ''), String(r.count)];
      // Only the month rows add up to the period; services are another cut of the same money.
      const totals: [string, Dec][] =
        r.section === 'month' ? TOTALS.revenue.map((label, i) => [label, moneyDec(figures[i]!)] as [string, Dec]) : [];
      return { cells, currency, totals };
    });
  }

  function rows(kind: T.ReportKind, p: Period): Row[] {
    switch (kind) {
      case 'payments':
        return payments(p);
      case 'refunds':
        return refunds(p);
      case 'aging':
        return aging(p);
      case 'revenue':
        return revenue(p);
      case 'payouts':
        return [];
    }
  }

  const api: ReportsApi = {
    async reportPreview(request) {
      const all = rows(request.kind, period(request, false));
      return { columns: COLUMNS[request.kind], rows: all.slice(0, PREVIEW_ROWS).map((r) => r.cells), row_count: all.length, totals: totalsOf(request.kind, all) };
    },
    async reportCharts(from, to) {
      const p = period({ kind: 'revenue', from, to, currency: null }, false);
      return { months: byMonth(p), outstanding: totalsOf('aging', aging(p)) };
    },
    async exportReport(request, format, bom, expectedRows) {
      const statement = format === 'quickbooks' || format === 'xero';
      if (statement && (request.kind === 'aging' || request.kind === 'revenue')) {
        throw invalid('format', 'Only payments, refunds and payouts can be exported as a bank statement; export this report as CSV or JSON.');
      }
      const all = rows(request.kind, period(request, statement));
      for (let n = PROGRESS_EVERY; n <= all.length; n += PROGRESS_EVERY) emit({ rows: n, expected: expectedRows });
      emit({ rows: all.length, expected: expectedRows });
      // Roughly what the CSV holds (the mock writes no file).
      const csv = [COLUMNS[request.kind], ...all.map((r) => r.cells)].map((cells) => cells.join(',') + '\r\n').join('');
      const suffix = statement ? `-${format}` : '';
      return {
        rows: all.length,
        bytes: new TextEncoder().encode(csv).length + (bom ? 3 : 0),
        totals: totalsOf(request.kind, all),
        path: `/home/owner/paydesk-${request.kind}-${request.from}-to-${request.to}${suffix}.${format === 'json' ? 'json' : 'csv'}`,
      };
    },
  };

  function emit(progress: ExportProgress) {
    for (const listener of listeners) listener({ ...progress });
  }

  const onReportExportProgress: Backend['onReportExportProgress'] = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return { api, onReportExportProgress };
}

function nextMonth(month: string): string {
  const [y = 1970, m = 1] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
