import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Dashboard from '../screens/Dashboard.svelte';
import { createMockBackend } from '../lib/backend/mock';
import type { Dashboard as DashboardData, MonthTotals } from '../lib/backend/types';
import { session } from '../lib/session.svelte';
import { freshBackend, renderWith } from './helpers';

const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
const height = (month: string) => Number(screen.getByTestId(`chart-bar-${month}`).getAttribute('height'));

describe('dashboard chart', () => {
  it('draws the last 12 months of money in, tallest where the most came in, labelled in the business locale', async () => {
    const backend = await freshBackend(); // fr-FR, EUR, today 2026-11-23; seed: 84.00 in October, 20.00 today
    await backend.refundPayment(2, { amount: '5.00', reason: '', refunded_on: '2026-11-23' });
    const dash = await backend.dashboard();
    expect(dash.months.map((m) => m.month)).toEqual(MONTHS);
    expect(dash.months[10]?.paid).toEqual([{ amount: '84.00', currency: 'EUR' }]);
    expect(dash.months[11]?.paid).toEqual([{ amount: '15.00', currency: 'EUR' }]);
    expect(dash.months[0]?.paid).toEqual([{ amount: '0.00', currency: 'EUR' }]);

    renderWith(Dashboard, backend);
    const chart = await screen.findByTestId('revenue-chart');
    for (const m of MONTHS) expect(screen.getByTestId(`chart-bar-${m}`)).toBeTruthy();
    const tallest = MONTHS.reduce((a, b) => (height(b) > height(a) ? b : a));
    expect(tallest).toBe('2026-10');
    expect(height('2026-11')).toBeGreaterThan(0);
    expect(height('2026-11')).toBeLessThan(height('2026-10'));
    expect(height('2026-01')).toBe(0);

    expect(screen.getByTestId('chart-label-2026-10').textContent).toBe('oct.');
    expect(screen.getByTestId('chart-label-2025-12').textContent).toBe('déc.');
    const oct = screen.getByTestId('chart-bar-2026-10');
    expect(oct.getAttribute('aria-label')).toBe('octobre 2026: 84,00\u00a0€');
    expect(oct.querySelector('title')?.textContent).toBe(oct.getAttribute('aria-label'));
    const table = within(chart).getByTestId('chart-table');
    expect(within(table).getAllByRole('row')).toHaveLength(13);
    expect(within(table).getByRole('rowheader', { name: 'novembre 2026' }).nextElementSibling?.textContent).toBe('15,00\u00a0€');
    expect(screen.queryByTestId('chart-currency')).toBeNull();
  });

  it('shows one currency at a time, with a picker when there are several', async () => {
    const backend = await freshBackend();
    const months: MonthTotals[] = MONTHS.map((month, i) => ({
      month,
      paid: [
        { amount: i === 3 ? '500.00' : '10.00', currency: 'EUR' },
        { amount: i === 7 ? '90000' : '0', currency: 'JPY' },
      ],
    }));
    const data: DashboardData = { outstanding: [], overdue: [], paid_this_month: [], months, recent: [] };
    renderWith(Dashboard, { ...backend, dashboard: async () => data });
    const picker = (await screen.findByTestId('chart-currency')) as HTMLSelectElement;
    expect(picker.value).toBe(session.business.currency);
    expect(MONTHS.reduce((a, b) => (height(b) > height(a) ? b : a))).toBe('2026-03');
    await userEvent.setup().selectOptions(picker, 'JPY');
    expect(MONTHS.reduce((a, b) => (height(b) > height(a) ? b : a))).toBe('2026-07');
    expect(height('2026-03')).toBe(0);
  });

  it('says so when nothing was paid', async () => {
    const backend = createMockBackend({ seeded: false, now: () => new Date('2026-11-23T10:00:00Z') });
    session.business = await backend.getBusiness();
    renderWith(Dashboard, backend);
    const chart = await screen.findByTestId('revenue-chart');
    expect(within(chart).getByTestId('empty-state').textContent).toContain('Nothing paid in the last 12 months');
    expect(screen.queryByTestId('chart-bar-2026-11')).toBeNull();
  });
});
