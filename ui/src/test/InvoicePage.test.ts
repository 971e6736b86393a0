import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoicePage from '../screens/invoices/InvoicePage.svelte';
import { formatMoney } from '../lib/format';
import { freshBackend, renderWith } from './helpers';

describe('invoice page', () => {
  it('records a payment, showing an overpayment error next to the amount', async () => {
    const user = userEvent.setup();
    renderWith(InvoicePage, await freshBackend(), { id: 2 });

    await user.click(await screen.findByTestId('record-payment'));
    const amount = screen.getByTestId('amount') as HTMLInputElement;
    expect(amount.value).toBe('102.00');

    await user.clear(amount);
    await user.type(amount, '150');
    await user.click(screen.getByTestId('save-payment'));
    expect((await screen.findByTestId('error-amount')).textContent).toContain('is more than the 102.00 EUR still owed');
    expect(amount.value).toBe('150');

    await user.clear(amount);
    await user.type(amount, '102');
    await user.click(screen.getByTestId('save-payment'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('Paid'));
    expect(screen.getByTestId('amount-due').textContent).toBe(formatMoney({ amount: '0.00', currency: 'EUR' }));
    expect(screen.queryByTestId('record-payment')).toBeNull();
  });

  it('opens drafts in the editor and finalizes them with a number', async () => {
    const user = userEvent.setup();
    renderWith(InvoicePage, await freshBackend(), { id: 5 });
    await user.click(await screen.findByTestId('finalize'));
    expect((await screen.findByTestId('invoice-number')).textContent).toBe('INV-2026-0005');
    expect(screen.getByTestId('status').textContent).toBe('Open');
  });
});
