import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoiceList from '../screens/invoices/InvoiceList.svelte';
import type { Backend } from '../lib/backend/backend';
import type { MockBackend } from '../lib/backend/mock';
import { formatMoney } from '../lib/format';
import { renderWith, stripeBackend } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

// Open or partly paid: INV-2026-0002 (Ana Souza, 102.00 due), INV-2026-0003 (Léo Bernard, client 3,
// 46.60 due), INV-2026-0004 (Noah Laurent, client 5, 54.00 due). INV-2026-0001 is paid, invoice 5 a draft.
async function withCards(): Promise<MockBackend> {
  const backend = await stripeBackend();
  backend.stripeWorld.saveCard(5, { card: '4242 4242 4242 4242', exp_month: 12, exp_year: 2030 });
  backend.stripeWorld.saveCard(3, { card: '4000 0000 0000 9995', exp_month: 12, exp_year: 2030 });
  return backend;
}

function counting(backend: Backend) {
  const calls: number[][] = [];
  const spy: Backend = { ...backend, chargeSavedCards: (ids) => (calls.push([...ids]), backend.chargeSavedCards(ids)) };
  return { spy, calls };
}

const pick = (number: string) => screen.getByRole('checkbox', { name: `Charge the saved card for ${number}` });
const rowOf = (number: string) => screen.getAllByTestId('invoice-row').find((r) => r.textContent?.includes(number))!;

describe('invoice list → charge saved cards', () => {
  it('offers a box only on open and partly paid invoices', async () => {
    renderWith(InvoiceList, await withCards());
    await waitFor(() => expect(screen.getAllByTestId('invoice-row')).toHaveLength(5));
    expect(screen.getAllByTestId('invoice-pick')).toHaveLength(3);
    expect(within(rowOf('INV-2026-0001')).queryByRole('checkbox')).toBeNull();
    expect(within(rowOf('Draft')).queryByRole('checkbox')).toBeNull();
    expect(screen.queryByTestId('bulk-charge')).toBeNull();
  });

  it('charges the ticked invoices after the confirmation and says how each went, in plain words', async () => {
    const user = userEvent.setup();
    const backend = await withCards();
    const { spy, calls } = counting(backend);
    renderWith(InvoiceList, spy);
    await waitFor(() => expect(screen.getAllByTestId('invoice-pick')).toHaveLength(3));

    await user.click(pick('INV-2026-0004'));
    await user.click(pick('INV-2026-0003'));
    await user.click(pick('INV-2026-0002'));
    const button = screen.getByTestId('bulk-charge-button');
    expect(button.textContent?.trim()).toBe('Charge saved cards (3)');
    await user.click(button);
    expect(screen.getByTestId('bulk-charge-confirm').textContent).toContain('Charge the saved cards of 3 invoices now?');
    expect(document.activeElement).toBe(screen.getByTestId('bulk-charge-no'));
    expect(calls).toEqual([]);

    await user.click(screen.getByTestId('bulk-charge-yes'));
    const results = await screen.findByTestId('bulk-results');
    expect(calls).toEqual([[4, 3, 2]]);
    expect(within(results).getAllByTestId('bulk-result').map((li) => li.textContent)).toEqual([
      `INV-2026-0004: Charged ${eur('54.00')} to Visa •••• 4242.`,
      "INV-2026-0003: Visa •••• 9995 wasn't charged: the card was declined (insufficient funds).",
      'INV-2026-0002: Ana Souza has no card saved that can be charged. Send a pay link instead.',
    ]);

    // The list is read again: the charged invoice is paid and can't be ticked any more; the selection is gone.
    await waitFor(() => expect(within(rowOf('INV-2026-0004')).getByTestId('status').textContent).toBe('Paid'));
    expect(within(rowOf('INV-2026-0004')).queryByRole('checkbox')).toBeNull();
    expect(screen.getAllByTestId('invoice-pick').every((b) => !(b as HTMLInputElement).checked)).toBe(true);
    expect(screen.queryByTestId('bulk-charge')).toBeNull();
    expect((await backend.getInvoice(4)).status).toBe('paid');
    expect((await backend.getInvoice(3)).status).toBe('partially_paid');
    expect((await backend.getInvoice(2)).status).toBe('open');

    await user.click(within(results).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('bulk-results')).toBeNull();
  });

  it('charges nothing when the confirmation is cancelled (button or Escape), and counts what is ticked', async () => {
    const user = userEvent.setup();
    const backend = await withCards();
    const { spy, calls } = counting(backend);
    renderWith(InvoiceList, spy);
    await waitFor(() => expect(screen.getAllByTestId('invoice-pick')).toHaveLength(3));

    await user.click(pick('INV-2026-0004'));
    await user.click(pick('INV-2026-0002'));
    await user.click(pick('INV-2026-0002'));
    expect(screen.getByTestId('bulk-charge-button').textContent?.trim()).toBe('Charge saved cards (1)');

    await user.click(screen.getByTestId('bulk-charge-button'));
    expect(screen.getByTestId('bulk-charge-confirm').textContent).toContain('Charge the saved cards of 1 invoice now?');
    await user.click(screen.getByTestId('bulk-charge-no'));
    expect(screen.queryByTestId('bulk-charge-confirm')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('bulk-charge-button'));

    await user.click(screen.getByTestId('bulk-charge-button'));
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('bulk-charge-confirm')).toBeNull();

    expect(calls).toEqual([]);
    expect(screen.queryByTestId('bulk-results')).toBeNull();
    expect((await backend.getInvoice(4)).status).toBe('open');
  });

  it('says so when the bank is still confirming a charge', async () => {
    const user = userEvent.setup();
    const backend = await withCards();
    const spy: Backend = {
      ...backend,
      chargeSavedCards: async (ids) =>
        ids.map((invoice_id) => ({
          invoice_id,
          charge: {
            id: 9,
            invoice_id,
            status: 'processing',
            amount: { amount: '54.00', currency: 'EUR' },
            card: 'visa •••• 4242',
            failure: null,
            payment_intent: 'pi_123',
          },
          error: null,
        })),
    };
    renderWith(InvoiceList, spy);
    await waitFor(() => expect(screen.getAllByTestId('invoice-pick')).toHaveLength(3));
    await user.click(pick('INV-2026-0004'));
    await user.click(screen.getByTestId('bulk-charge-button'));
    await user.click(screen.getByTestId('bulk-charge-yes'));
    expect((await screen.findByTestId('bulk-result-text')).textContent).toBe(
      `Visa •••• 4242 is being charged ${eur('54.00')}; the bank is still confirming it.`,
    );
  });
});
