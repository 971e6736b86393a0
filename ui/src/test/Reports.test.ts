import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Reports from '../screens/Reports.svelte';
import { BackendError, type Backend, type ExportProgress } from '../lib/backend/backend';
import type { ExportSummary, ReportPreview, ReportRequest } from '../lib/backend/types';
import { formatCount, formatMoney } from '../lib/format';
import { freezeDate, freshBackend, renderWith } from './helpers';

// The seeded mock, today 2026-11-23 in Paris (fr-FR, EUR): INV-2026-0001 (Zoë Martin, 84.00) paid
// by card on 2026-10-16; INV-2026-0002 (Ana Souza, 102.00) due 2026-11-17, unpaid; INV-2026-0003
// (Léo Bernard, 66.60) due 2026-12-04, 20.00 paid in cash today; INV-2026-0004 (Noah Laurent,
// 54.00) due 2026-12-06, unpaid.

const PAYMENT_COLUMNS = [
  'Date', 'Client', 'Invoice', 'Method', 'Reference', 'Via', 'Gross', 'Stripe fee', 'Other fees', 'Net', 'Refunded',
  'Currency', 'Status', 'Stripe payment', 'Stripe charge', 'Stripe balance transaction',
];

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });
const usd = (amount: string) => formatMoney({ amount, currency: 'USD' });
const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const select = (testid: string) => screen.getByTestId(testid) as HTMLSelectElement;
const columns = () => within(screen.getByTestId('report-table')).getAllByRole('columnheader').map((th) => th.textContent);
const rows = () => screen.queryAllByTestId('report-row').map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
/** The totals of one currency as [label, amount as shown]. */
const totalsOf = (currency: string) =>
  within(screen.getByTestId(`report-totals-${currency}`))
    .getAllByTestId('report-total')
    .map((t) => [t.querySelector('dt')?.textContent, t.querySelector('dd')?.textContent]);
const setDate = (testid: string, value: string) => fireEvent.input(input(testid), { target: { value } });

/** A finalized USD invoice for Ana Souza, paid by bank transfer on 2026-11-12; its number. */
async function usdPayment(backend: Backend): Promise<string> {
  const draft = await backend.createInvoice({
    client_id: 2,
    currency: 'USD',
    issue_date: '2026-11-10',
    lines: [{ description: 'Consulting', quantity: '1', unit_price: '100.00', tax_rate: '0', discount_percent: '0' }],
    notes: '',
  });
  const inv = await backend.finalizeInvoice(draft.id);
  await backend.recordPayment(inv.id, { amount: '100.00', method: 'bank_transfer', received_on: '2026-11-12', reference: 'WIRE-7' });
  return inv.number!;
}

/** A promise settled from outside. */
function deferred<V>() {
  let resolve!: (v: V) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<V>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

beforeEach(freezeDate);
afterEach(() => vi.useRealTimers());

describe('reports: the preview', () => {
  it("shows this month's payments with every column, and totals per currency never added together", async () => {
    const backend = await freshBackend();
    const number = await usdPayment(backend);
    renderWith(Reports, backend);

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(input('from').value).toBe('2026-11-01');
    expect(input('to').value).toBe('2026-11-23');
    expect(columns()).toEqual(PAYMENT_COLUMNS);
    const [first, second] = rows();
    expect(first?.slice(0, 13)).toEqual([
      '2026-11-12', 'Ana Souza', number, 'bank_transfer', 'WIRE-7', 'Recorded', '100.00', '0.00', '0.00', '100.00', '0.00', 'USD', 'Paid',
    ]);
    expect(second?.slice(0, 13)).toEqual([
      '2026-11-23', 'Léo Bernard', 'INV-2026-0003', 'cash', '', 'Recorded', '20.00', '0.00', '0.00', '20.00', '0.00', 'EUR', 'Paid',
    ]);
    expect(screen.getByTestId('row-count').textContent?.trim()).toBe('2 rows');

    expect(totalsOf('EUR')).toEqual([
      ['Gross', eur('20.00')],
      ['Stripe fees', eur('0.00')],
      ['Other fees', eur('0.00')],
      ['Net', eur('20.00')],
      ['Refunded', eur('0.00')],
    ]);
    expect(totalsOf('USD')).toContainEqual(['Gross', usd('100.00')]);
    expect(totalsOf('USD')).toContainEqual(['Net', usd('100.00')]);
    expect(screen.getByTestId('report-totals-EUR').textContent).not.toContain(usd('100.00'));
    // Every currency with money in the range can be picked.
    expect([...select('currency').options].map((o) => o.textContent)).toEqual(['All currencies', 'EUR', 'USD']);
  });

  it('loads again when the report, the range or the currency changes', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    await usdPayment(backend);
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(2));

    await user.selectOptions(select('currency'), 'EUR');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]?.[1]).toBe('Léo Bernard');
    expect(screen.queryByTestId('report-totals-USD')).toBeNull();

    setDate('from', '2026-10-01');
    await waitFor(() => expect(rows().map((r) => r[1])).toEqual(['Zoë Martin', 'Léo Bernard']));
    expect(rows()[0]?.slice(0, 7)).toEqual(['2026-10-16', 'Zoë Martin', 'INV-2026-0001', 'card', '', 'Recorded', '84.00']);
    expect(totalsOf('EUR')).toContainEqual(['Gross', eur('104.00')]);

    // Aging as of the end date: per client, by how late; the paid invoice owes nothing.
    await user.selectOptions(select('report-kind'), 'aging');
    await waitFor(() => expect(columns()[2]).toBe('Not yet due'));
    expect(columns()).toEqual(['Client', 'Currency', 'Not yet due', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days', 'Total owed', 'Invoices']);
    expect(rows()).toEqual([
      ['Ana Souza', 'EUR', '0.00', '102.00', '0.00', '0.00', '0.00', '102.00', '1'],
      ['Léo Bernard', 'EUR', '46.60', '0.00', '0.00', '0.00', '0.00', '46.60', '1'],
      ['Noah Laurent', 'EUR', '54.00', '0.00', '0.00', '0.00', '0.00', '54.00', '1'],
    ]);
    expect(totalsOf('EUR')).toContainEqual(['Total owed', eur('202.60')]);

    // As of an earlier day: Noah's invoice wasn't issued yet.
    setDate('to', '2026-11-21');
    await waitFor(() => expect(rows().map((r) => r[0])).toEqual(['Ana Souza', 'Léo Bernard']));
    // Léo had paid nothing yet then.
    expect(rows()[1]?.[2]).toBe('66.60');
  });

  it('only shows the answer to the latest choice when an earlier one comes back late', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const slow = deferred<ReportPreview>();
    let calls = 0;
    const racing: Backend = {
      ...backend,
      reportPreview: (r) => (++calls === 1 ? slow.promise : backend.reportPreview(r)),
    };
    renderWith(Reports, racing);
    await user.selectOptions(select('report-kind'), 'aging');
    await waitFor(() => expect(rows()).toHaveLength(3));
    slow.resolve(await backend.reportPreview({ kind: 'payments', from: '2026-11-01', to: '2026-11-23', currency: null }));
    await new Promise((r) => setTimeout(r, 20));
    expect(columns()[0]).toBe('Client');
    expect(rows()).toHaveLength(3);
  });

  it('says how many rows there are when the preview holds only the first 200', async () => {
    const backend = await freshBackend();
    const draft = await backend.createInvoice({
      client_id: 5,
      issue_date: '2026-11-02',
      lines: [{ description: 'Course', quantity: '1', unit_price: '1000.00', tax_rate: '0', discount_percent: '0' }],
      notes: '',
    });
    await backend.finalizeInvoice(draft.id);
    for (let i = 0; i < 205; i++) await backend.recordPayment(draft.id, { amount: '1.00', method: 'cash', received_on: '2026-11-05', reference: `R${i}` });
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(200));
    expect(screen.getByTestId('row-count').textContent?.trim()).toBe(`Showing 200 of ${formatCount(206)} rows`);
    // The totals are the whole report's, not the preview's.
    expect(totalsOf('EUR')).toContainEqual(['Gross', eur('225.00')]);
  });

  it('shows an empty state when the report has no rows', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.selectOptions(select('report-kind'), 'refunds');
    expect((await screen.findByTestId('empty-state')).textContent).toContain('No refunds or disputes in this period');
    expect(screen.queryByTestId('report-table')).toBeNull();
    expect(screen.queryByTestId('report-totals')).toBeNull();
    expect(screen.getByTestId('row-count').textContent?.trim()).toBe('0 rows');

    // A refund shows up in its report.
    await backend.refundPayment(2, { amount: '5.00', reason: 'Goodwill', refunded_on: '2026-11-23' });
    setDate('from', '2026-11-02');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]?.slice(0, 10)).toEqual(['2026-11-23', 'Refund', 'Léo Bernard', 'INV-2026-0003', '5.00', '0.00', '-5.00', 'EUR', 'recorded', 'Goodwill']);
    expect(totalsOf('EUR')).toContainEqual(['Effect on balance', eur('-5.00')]);
  });
});

describe('reports: choosing the range', () => {
  it('sets the dates of each quick range from today where the business is', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByTestId('preset-this-month').getAttribute('aria-pressed')).toBe('true');

    const expected: [string, string, string][] = [
      ['last-month', '2026-10-01', '2026-10-31'],
      ['this-quarter', '2026-10-01', '2026-11-23'],
      ['this-year', '2026-01-01', '2026-11-23'],
      ['last-12-months', '2025-12-01', '2026-11-23'],
      ['this-month', '2026-11-01', '2026-11-23'],
    ];
    for (const [preset, from, to] of expected) {
      await user.click(screen.getByTestId(`preset-${preset}`));
      expect([input('from').value, input('to').value]).toEqual([from, to]);
      expect(screen.getByTestId(`preset-${preset}`).getAttribute('aria-pressed')).toBe('true');
    }
    // And the report follows: last month had Zoë's payment only.
    await user.click(screen.getByTestId('preset-last-month'));
    await waitFor(() => expect(rows().map((r) => r[1])).toEqual(['Zoë Martin']));
  });

  it('shows an end date before the start date next to To, keeping every choice', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.selectOptions(select('currency'), 'EUR');
    setDate('from', '2026-11-30');

    expect((await screen.findByTestId('error-to')).textContent).toBe('The end date is before the start date.');
    expect(input('to').getAttribute('aria-invalid')).toBe('true');
    expect([select('report-kind').value, input('from').value, input('to').value, select('currency').value]).toEqual([
      'payments', '2026-11-30', '2026-11-23', 'EUR',
    ]);
    expect(screen.queryByTestId('report-table')).toBeNull();
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(true);

    setDate('to', '2026-12-31');
    await waitFor(() => expect(screen.queryByTestId('error-to')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('row-count').textContent?.trim()).toBe('0 rows'));
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a currency the backend refuses next to Currency', async () => {
    const backend = await freshBackend();
    const refusing: Backend = {
      ...backend,
      reportPreview: async () => {
        throw new BackendError('invalid', '"XYZ" is not a currency Paydesk knows.', 'currency');
      },
    };
    renderWith(Reports, refusing);
    expect((await screen.findByTestId('error-currency')).textContent).toBe('"XYZ" is not a currency Paydesk knows.');
    expect(screen.queryByTestId('report-error')).toBeNull();
  });
});

describe('reports: charts', () => {
  it('draws collected money and fees per month, and what is owed by age, per currency', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    await usdPayment(backend);
    renderWith(Reports, backend);
    await user.click(screen.getByTestId('preset-this-quarter'));
    const charts = await screen.findByTestId('report-charts');

    await waitFor(() => expect(within(charts).getByTestId('chart-collected-EUR-bar-2026-10')).toBeTruthy());
    const oct = within(charts).getByTestId('chart-collected-EUR-bar-2026-10');
    const nov = within(charts).getByTestId('chart-collected-EUR-bar-2026-11');
    expect(oct.querySelector('title')?.textContent).toBe(`octobre 2026: ${eur('84.00')}`);
    expect(nov.querySelector('title')?.textContent).toBe(`novembre 2026: ${eur('20.00')}`);
    expect(Number(oct.getAttribute('height'))).toBeGreaterThan(Number(nov.getAttribute('height')));
    // USD has its own chart: October had nothing in USD.
    expect(Number(within(charts).getByTestId('chart-collected-USD-bar-2026-10').getAttribute('height'))).toBe(0);
    expect(within(charts).getByTestId('chart-collected-USD-bar-2026-11').querySelector('title')?.textContent).toContain(usd('100.00'));
    expect(within(charts).getByRole('img', { name: 'Collected per month, EUR: payments received less refunds' })).toBeTruthy();
    expect(within(charts).getByTestId('chart-fees-EUR-bar-2026-11')).toBeTruthy();

    // Owed on the end date, by age: Ana's invoice is 6 days late, the others not yet due.
    expect(within(charts).getByTestId('chart-owed-EUR-bar-1-30').querySelector('title')?.textContent).toBe(`1–30 days: ${eur('102.00')}`);
    expect(within(charts).getByTestId('chart-owed-EUR-bar-current').querySelector('title')?.textContent).toBe(`Not yet due: ${eur('100.60')}`);
    expect(Number(within(charts).getByTestId('chart-owed-EUR-bar-over-90').getAttribute('height'))).toBe(0);
    expect(within(charts).getByTestId('owed-total-EUR').textContent).toContain(eur('202.60'));

    // One currency picked: only its charts.
    await user.selectOptions(select('currency'), 'USD');
    await waitFor(() => expect(within(charts).queryByTestId('chart-collected-EUR')).toBeNull());
    expect(within(charts).getByTestId('chart-collected-USD')).toBeTruthy();
    expect(within(charts).getByTestId('chart-owed-empty')).toBeTruthy();
  });
});

describe('reports: export', () => {
  it('offers bank statements only for payments, refunds and payouts', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Reports, backend);
    await waitFor(() => expect(rows()).toHaveLength(1));
    const disabled = () => [...select('export-format').options].filter((o) => o.disabled).map((o) => o.value);
    expect(disabled()).toEqual([]);
    await user.selectOptions(select('export-format'), 'quickbooks');
    expect(screen.getByText('A bank statement holds one currency: EUR.')).toBeTruthy();

    await user.selectOptions(select('report-kind'), 'aging');
    expect(disabled()).toEqual(['quickbooks', 'xero']);
    expect(select('export-format').value).toBe('csv');
    expect(screen.getByText(/Bank statements are for payments, refunds and payouts/)).toBeTruthy();
    await user.selectOptions(select('report-kind'), 'revenue');
    expect(disabled()).toEqual(['quickbooks', 'xero']);
    await user.selectOptions(select('report-kind'), 'refunds');
    expect(disabled()).toEqual([]);
  });

  it('shows the progress while exporting, then where the file went', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const heard: { listener: ((p: ExportProgress) => void) | null } = { listener: null };
    const pending = deferred<ExportSummary | null>();
    const calls: unknown[][] = [];
    const exporting: Backend = {
      ...backend,
      reportPreview: async (r) => ({ ...(await backend.reportPreview(r)), row_count: 25_000 }),
      onReportExportProgress: (l) => ((heard.listener = l), () => (heard.listener = null)),
      exportReport: (...args) => (calls.push(args), pending.promise),
    };
    renderWith(Reports, exporting);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByTestId('row-count').textContent?.trim()).toBe(`Showing 1 of ${formatCount(25_000)} rows`);
    await user.click(screen.getByTestId('export-bom'));
    await user.click(screen.getByTestId('export'));

    const request: ReportRequest = { kind: 'payments', from: '2026-11-01', to: '2026-11-23', currency: null };
    expect(calls).toEqual([[request, 'csv', true, 25_000]]);
    const bar = (await screen.findByTestId('export-progress')) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([0, 25_000]);
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(true);

    heard.listener?.({ rows: 10_000, expected: 25_000 });
    await waitFor(() => expect((screen.getByTestId('export-progress') as HTMLProgressElement).value).toBe(10_000));
    expect(screen.getByTestId('export-progress-text').textContent).toBe(`${formatCount(10_000)} of ${formatCount(25_000)} rows`);

    pending.resolve({ rows: 25_000, bytes: 3_100_000, totals: [], path: '/home/owner/Exports/november.csv' });
    expect((await screen.findByTestId('export-done')).textContent).toBe(`Exported ${formatCount(25_000)} rows to /home/owner/Exports/november.csv`);
    expect(screen.getByTestId('export-done').getAttribute('role')).toBe('status');
    expect(screen.queryByTestId('export-progress')).toBeNull();
    expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(false);
  });

  it('exports through the mock, and says nothing when the save dialog is cancelled', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const heard: ExportProgress[] = [];
    backend.onReportExportProgress((p) => heard.push(p));
    let calls = 0;
    const cancelling: Backend = {
      ...backend,
      exportReport: (...args) => (++calls === 1 ? backend.exportReport(...args) : Promise.resolve(null)),
    };
    renderWith(Reports, cancelling);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.selectOptions(select('export-format'), 'json');
    await user.click(screen.getByTestId('export'));
    expect((await screen.findByTestId('export-done')).textContent).toBe('Exported 1 row to /home/owner/paydesk-payments-2026-11-01-to-2026-11-23.json');
    expect(heard).toEqual([{ rows: 1, expected: 1 }]);

    await user.click(screen.getByTestId('export'));
    await waitFor(() => expect(calls).toBe(2));
    await waitFor(() => expect((screen.getByTestId('export') as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('export-done')).toBeNull();
    expect(screen.queryByTestId('export-error')).toBeNull();
    expect(screen.queryByTestId('export-progress')).toBeNull();
  });

  it('shows why an export failed, a format problem next to the format', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const failures = [
      new BackendError('io', "Paydesk couldn't write /media/usb/report.csv: the disk is full."),
      new BackendError('invalid', 'Only payments, refunds and payouts can be exported as a bank statement; export this report as CSV or JSON.', 'format'),
    ];
    const failing: Backend = {
      ...backend,
      exportReport: async () => {
        throw failures.shift();
      },
    };
    renderWith(Reports, failing);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.click(screen.getByTestId('export'));
    expect((await screen.findByTestId('export-error')).textContent).toBe("Paydesk couldn't write /media/usb/report.csv: the disk is full.");
    await user.click(screen.getByTestId('export'));
    expect((await screen.findByTestId('error-export-format')).textContent).toContain('Only payments, refunds and payouts');
    expect(screen.queryByTestId('export-error')).toBeNull();
    expect(select('report-kind').value).toBe('payments');
  });

  it('the mock refuses a bank statement of aging, like the core', async () => {
    const backend = await freshBackend();
    const request: ReportRequest = { kind: 'aging', from: '2026-11-01', to: '2026-11-23', currency: null };
    await expect(backend.exportReport(request, 'xero', false, 3)).rejects.toMatchObject({ field: 'format' });
    await expect(backend.reportPreview({ ...request, to: '2026-10-01' })).rejects.toMatchObject({ field: 'to', message: 'The end date is before the start date.' });
    await expect(backend.reportPreview({ ...request, currency: 'XYZ' })).rejects.toMatchObject({ field: 'currency' });
  });
});
