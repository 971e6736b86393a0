import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoicePage from '../screens/invoices/InvoicePage.svelte';
import { formatMoney } from '../lib/format';
import { noteReports } from '../lib/sync.svelte';
import { renderWith, stripeBackend } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

describe('invoice page → Stripe payments', () => {
  it('lists the attempts: fee and net of the one that went through, the reason of the one that failed, the receipt', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    await backend.syncPayLink(2);
    backend.stripeWorld.clientPays({ invoiceId: 2, card: '4000 0000 0000 9995' });
    backend.stripeWorld.clientPays({ invoiceId: 2 });
    await backend.syncNow();
    const opened: string[] = [];
    renderWith(InvoicePage, { ...backend, openExternal: async (url: string) => void opened.push(url) }, { id: 2 });

    const section = await screen.findByTestId('stripe-payments');
    expect(within(section).getByRole('heading', { name: 'Stripe payments' })).toBeTruthy();
    const [paid, failed] = within(section).getAllByTestId('stripe-payment');
    expect(within(paid).getByTestId('stripe-payment-status').textContent).toBe('Succeeded');
    expect(paid.textContent).toContain(eur('102.00'));
    expect(within(paid).getByTestId('stripe-payment-method').textContent).toBe('Visa •••• 4242');
    // The simulator's 1.5 % + 0.25 of 102.00.
    expect(within(paid).getByTestId('stripe-payment-fee').textContent).toBe(`Fee ${eur('1.78')} · Net ${eur('100.22')}`);
    expect(within(failed).getByTestId('stripe-payment-status').textContent).toBe('Failed');
    expect(within(failed).getByTestId('stripe-payment-failure').textContent).toBe('the card was declined (insufficient funds)');
    expect(within(failed).queryByTestId('stripe-payment-fee')).toBeNull();
    expect(screen.getByTestId('status').textContent).toBe('Paid');

    await user.click(within(paid).getByRole('button', { name: /Stripe receipt for/ }));
    expect(opened).toEqual([expect.stringMatching(/^https:\/\/pay\.stripe\.com\/receipts\//)]);
  });

  it('shows a bank debit as processing, with when Stripe confirms it', async () => {
    const backend = await stripeBackend();
    await backend.syncPayLink(4);
    backend.stripeWorld.clientPays({ invoiceId: 4, method: 'sepa_debit' });
    await backend.syncNow();
    renderWith(InvoicePage, backend, { id: 4 });
    const row = await screen.findByTestId('stripe-payment');
    expect(within(row).getByTestId('stripe-payment-status').textContent).toBe('Processing');
    expect(within(row).getByTestId('stripe-payment-method').textContent).toBe('SEPA bank debit');
    expect(within(row).getByTestId('stripe-payment-note').textContent).toContain('Stripe confirms it in a few days');
  });

  it('tells the poller a payment may come while a live link is on screen or copied, and follows a background pass', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    const stop = backend.onSyncReport((reports) => noteReports(backend, reports));
    try {
      renderWith(InvoicePage, backend, { id: 4 });
      // Opened with Stripe connected, the open invoice gets its link; a live link on screen counts.
      await waitFor(() => expect((screen.getByTestId('pay-link-url') as HTMLInputElement).value).toContain('plink_'));
      await waitFor(() => expect(backend.stripeWorld.expected).toBe(1));
      await user.click(screen.getByTestId('pay-link-copy'));
      expect(backend.stripeWorld.expected).toBe(2);
      expect(screen.queryByTestId('stripe-payments')).toBeNull();

      backend.stripeWorld.clientPays({ invoiceId: 4 });
      await backend.stripeWorld.backgroundPass();
      await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('Paid'));
      expect(within(await screen.findByTestId('stripe-payment')).getByTestId('stripe-payment-status').textContent).toBe('Succeeded');
      await waitFor(() => expect(screen.getByTestId('pay-link-status').textContent).toBe('Used'));
    } finally {
      stop();
    }
  });
});
