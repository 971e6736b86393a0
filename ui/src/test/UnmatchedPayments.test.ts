import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Payments from '../screens/Payments.svelte';
import { formatMoney } from '../lib/format';
import { freezeDate, renderWith, stripeBackend } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

describe('payments → unmatched Stripe payments', () => {
  // The screen opens on the current month; the mock's payments are dated by its own clock.
  beforeEach(freezeDate);
  afterEach(() => vi.useRealTimers());

  it('shows why, keeps the choice with the error next to it when the invoice can’t take it, then assigns it', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    backend.stripeWorld.clientPays({ invoiceId: null, amount: { amount: '80.00', currency: 'EUR' }, name: 'Léa Petit' });
    await backend.syncNow();
    renderWith(Payments, backend);

    const row = await screen.findByTestId('unmatched-payment');
    expect(screen.getByRole('heading', { name: 'Unmatched Stripe payments' })).toBeTruthy();
    expect(row.textContent).toContain(eur('80.00'));
    expect(within(row).getByTestId('unmatched-client').textContent).toBe('Léa Petit');
    expect(within(row).getByTestId('unmatched-reason').textContent).toBe(
      'Unmatched because it names no Paydesk invoice (taken in the Stripe Dashboard or through another link).',
    );

    // Open invoices in euros: INV-2026-0002 (102.00 due), INV-2026-0003 (46.60), INV-2026-0004 (54.00).
    const select = within(row).getByRole('combobox', { name: `Assign ${eur('80.00')} to invoice` }) as HTMLSelectElement;
    const options = [...select.options].map((o) => o.textContent);
    expect(options).toHaveLength(4);
    expect(options.some((o) => o?.startsWith('INV-2026-0001'))).toBe(false);
    const assign = within(row).getByRole('button', { name: `Assign ${eur('80.00')} to the chosen invoice` });
    expect(assign).toHaveProperty('disabled', true);

    await user.selectOptions(select, '4');
    await user.click(assign);
    const error = await within(row).findByTestId('assign-error');
    expect(error.textContent).toBe('80.00 EUR is more than the 54.00 EUR still owed on INV-2026-0004.');
    expect(select.value).toBe('4');
    expect(select.getAttribute('aria-invalid')).toBe('true');

    await user.selectOptions(select, '2');
    expect(within(row).queryByTestId('assign-error')).toBeNull();
    await user.click(assign);
    expect((await screen.findByTestId('assign-done')).textContent).toBe(`${eur('80.00')} from Léa Petit is now a payment on INV-2026-0002.`);
    await waitFor(() => expect(screen.queryByTestId('unmatched')).toBeNull());
    await waitFor(() => expect(screen.getAllByTestId('payment-row').some((r) => r.textContent?.includes(eur('80.00')))).toBe(true));
    expect((await backend.getInvoice(2)).status).toBe('partially_paid');
    expect(await backend.unmatchedPayments()).toEqual([]);
  });

  it('shows nothing when every Stripe payment is on an invoice', async () => {
    renderWith(Payments, await stripeBackend());
    await screen.findAllByTestId('payment-row');
    expect(screen.queryByTestId('unmatched')).toBeNull();
  });
});
