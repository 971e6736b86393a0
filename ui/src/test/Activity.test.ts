import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import Dashboard from '../screens/Dashboard.svelte';
import { formatMoney } from '../lib/format';
import { navigate } from '../lib/router.svelte';
import { freezeDate, renderWith, stripeBackend } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

describe('activity', () => {
  beforeEach(freezeDate);
  afterEach(() => vi.useRealTimers());

  it('counts new activity in the sidebar after a background pass, lists it on the Dashboard and opens the invoice', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    await backend.syncPayLink(2);
    navigate('/invoices');
    render(App, { props: { backend } });
    const list = await screen.findByRole('table');
    await within(list).findByText('INV-2026-0002');
    expect(screen.queryByTestId('unread-count')).toBeNull();

    // Clients pay at Stripe; the poller's next pass brings it in and the open screen follows.
    backend.stripeWorld.clientPays({ invoiceId: 4, card: '4000 0000 0000 9995' });
    backend.stripeWorld.clientPays({ invoiceId: 2 });
    await backend.stripeWorld.backgroundPass();
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe(', 2 new'));
    const row = within(list).getByText('INV-2026-0002').closest('tr')!;
    await waitFor(() => expect(within(row).getByTestId('status').textContent).toBe('Paid'));

    navigate('/dashboard');
    const panel = await screen.findByTestId('activity');
    await waitFor(() => expect(within(panel).getAllByTestId('activity-item')).toHaveLength(2));
    const [newest, older] = within(panel).getAllByTestId('activity-message');
    expect(newest.textContent).toBe(`Ana Souza paid INV-2026-0002 — ${eur('102.00')}`);
    expect(older.textContent).toBe(`Payment failed on INV-2026-0004 (${eur('54.00')}, Noah Laurent): the card was declined (insufficient funds)`);
    expect(within(panel).getByTestId('activity-new-count').textContent).toBe('2 new');
    expect(within(panel).getAllByText('just now')).toHaveLength(2);
    // Having it on screen counts as seen.
    await waitFor(() => expect(screen.queryByTestId('unread-count')).toBeNull());
    expect((await backend.activityFeed(10)).every((a) => a.seen)).toBe(true);

    await user.click(within(panel).getByRole('link', { name: /paid INV-2026-0002/ }));
    await waitFor(() => expect(location.hash).toBe('#/invoices/2'));
    expect((await screen.findByTestId('invoice-number')).textContent).toBe('INV-2026-0002');
    expect(screen.getByTestId('status').textContent).toBe('Paid');
  });

  it('says where payments will show up before there are any', async () => {
    renderWith(Dashboard, await stripeBackend());
    expect((await screen.findByTestId('activity-empty')).textContent).toContain('Nothing yet');
  });
});
