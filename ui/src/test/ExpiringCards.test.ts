import { screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Dashboard from '../screens/Dashboard.svelte';
import { freezeDate, renderWith, stripeBackend } from './helpers';

// freezeDate puts "now" at MOCK_NOW (2026-11-23): this month is 11/2026.
describe('dashboard → cards expiring soon', () => {
  beforeEach(freezeDate);
  afterEach(() => vi.useRealTimers());

  it('lists a card that expires this month, linking to its client', async () => {
    const backend = await stripeBackend();
    // Ana Souza (client 2) keeps one card running out this month and one good for years.
    backend.stripeWorld.saveCard(2, { card: '4242 4242 4242 4242', exp_month: 11, exp_year: 2026 });
    backend.stripeWorld.saveCard(2, { card: '5555 5555 5555 4444', exp_month: 3, exp_year: 2029 });
    renderWith(Dashboard, backend);

    const panel = await screen.findByTestId('expiring-cards');
    expect(within(panel).getByRole('heading', { name: 'Cards expiring soon' })).toBeTruthy();
    const rows = within(panel).getAllByTestId('expiring-card-row');
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(within(row).getByRole('link', { name: 'Ana Souza' }).getAttribute('href')).toBe('#/clients/2');
    expect(row.textContent).toContain('Visa •••• 4242');
    expect(row.textContent).toContain('expires 11/2026');
    expect(panel.textContent).toContain('Ask them to save a new card from their page.');
  });

  it('shows nothing when no card is about to expire', async () => {
    const backend = await stripeBackend();
    backend.stripeWorld.saveCard(2, { card: '4242 4242 4242 4242', exp_month: 3, exp_year: 2029 });
    const asked = vi.spyOn(backend, 'expiringCards');
    renderWith(Dashboard, backend);

    await screen.findByTestId('outstanding');
    await waitFor(() => expect(asked).toHaveBeenCalled());
    expect(await asked.mock.results[0].value).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId('expiring-cards')).toBeNull();
    expect(screen.queryByTestId('expiring-card-row')).toBeNull();
  });
});
