import { screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ClientPage from '../screens/clients/ClientPage.svelte';
import { todayIn } from '../lib/dates';
import { session } from '../lib/session.svelte';
import { renderWith, stripeBackend } from './helpers';

/** [month, year] `n` months from this month where the business is. */
function monthsAhead(n: number): [number, number] {
  const [y, m] = todayIn(session.business.time_zone).split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return [(i % 12) + 1, Math.floor(i / 12)];
}

describe('client page → saved cards', () => {
  it('lists the cards kept at Stripe, flagging one that runs out this month and one that has expired', async () => {
    const backend = await stripeBackend();
    const pay = (invoiceId: number, card: string, [exp_month, exp_year]: [number, number]) => {
      backend.stripeWorld.clientPays({ invoiceId, card, amount: { amount: '10.00', currency: 'EUR' }, saveCard: { exp_month, exp_year } });
    };
    // Invoice 2 is Ana Souza's (client 2): she keeps each card on file as she pays part of it.
    pay(2, '4242 4242 4242 4242', monthsAhead(24));
    pay(2, '5555 5555 5555 4444', monthsAhead(0));
    pay(2, '4000 0566 5566 5556', monthsAhead(-1));
    await backend.syncNow();
    renderWith(ClientPage, backend, { id: 2, editing: false });

    const section = await screen.findByTestId('saved-cards');
    expect(within(section).getByRole('heading', { name: 'Saved cards' })).toBeTruthy();
    const [expired, soon, fine] = within(section).getAllByTestId('saved-card');
    const mmyyyy = ([m, y]: [number, number]) => `${String(m).padStart(2, '0')}/${y}`;
    expect(fine.textContent).toContain('Visa •••• 4242');
    expect(fine.textContent).toContain(`expires ${mmyyyy(monthsAhead(24))}`);
    expect(within(fine).queryByTestId('saved-card-warning')).toBeNull();
    expect(soon.textContent).toContain('Mastercard •••• 4444');
    expect(within(soon).getByTestId('saved-card-warning').textContent).toBe('Expires soon');
    expect(expired.textContent).toContain('Visa •••• 5556');
    expect(within(expired).getByTestId('saved-card-warning').textContent).toContain('Expired');
  });

  it('shows no section for a client without saved cards', async () => {
    renderWith(ClientPage, await stripeBackend(), { id: 1, editing: false });
    await screen.findByTestId('client-name');
    expect(screen.queryByTestId('saved-cards')).toBeNull();
  });
});
