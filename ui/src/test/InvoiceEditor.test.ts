import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoiceEditor from '../screens/invoices/InvoiceEditor.svelte';
import { formatMoney } from '../lib/format';
import { freshBackend, renderWith } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

async function fillLine(user: ReturnType<typeof userEvent.setup>, i: number, values: Record<string, string>) {
  for (const [field, value] of Object.entries(values)) {
    const input = screen.getByTestId(`lines[${i}].${field}`);
    await user.clear(input);
    await user.type(input, value);
  }
}

describe('invoice editor', () => {
  it('shows live totals computed with the exact rounding rule', async () => {
    const user = userEvent.setup();
    renderWith(InvoiceEditor, await freshBackend());

    await fillLine(user, 0, { description: 'Haircut', quantity: '2', unit_price: '19.99', tax_rate: '20' });
    await user.click(screen.getByTestId('add-line'));
    await fillLine(user, 1, { description: 'Colour', quantity: '1.5', unit_price: '33.33', tax_rate: '0' });

    expect(screen.getByTestId('total-subtotal').textContent).toBe(eur('89.98'));
    expect(screen.getByTestId('total-tax').textContent).toBe(eur('8.00'));
    expect(screen.getByTestId('total-total').textContent).toBe(eur('97.98'));
    expect(screen.getByTestId('line-amount-1').textContent).toBe(eur('50.00'));

    await fillLine(user, 0, { discount_percent: '10' });
    expect(screen.getByTestId('total-discount').textContent).toBe('−' + eur('4.00'));
  });

  it('keeps the draft and shows the backend error next to the line price when saving fails', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const before = (await backend.listInvoices({ search: '', statuses: [] })).total_count;
    renderWith(InvoiceEditor, backend);

    await waitFor(() => expect(screen.getByRole('option', { name: 'Zoë Martin' })).toBeTruthy());
    await user.selectOptions(screen.getByTestId('client_id'), 'Zoë Martin');
    await fillLine(user, 0, { description: 'Haircut', quantity: '1', unit_price: '45' });
    await user.click(screen.getByTestId('add-line'));
    await fillLine(user, 1, { description: 'Colour', quantity: '1', unit_price: '33.333' });

    await user.click(screen.getByTestId('save'));

    const error = await screen.findByTestId('error-lines[1].unit_price');
    expect(error.textContent).toBe('Line 2: EUR amounts can have at most 2 decimal places; 33.333 has more.');
    expect(screen.getByTestId('lines[1].unit_price').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('error-lines[0].unit_price')).toBeNull();
    // What was typed is still there, and nothing was saved.
    expect((screen.getByTestId('lines[1].unit_price') as HTMLInputElement).value).toBe('33.333');
    expect((screen.getByTestId('lines[1].description') as HTMLInputElement).value).toBe('Colour');
    expect((screen.getByTestId('lines[0].unit_price') as HTMLInputElement).value).toBe('45');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('New invoice');
    expect((await backend.listInvoices({ search: '', statuses: [] })).total_count).toBe(before);

    // Fixing the price clears the error and the draft saves.
    await fillLine(user, 1, { unit_price: '33.30' });
    expect(screen.queryByTestId('error-lines[1].unit_price')).toBeNull();
    await user.click(screen.getByTestId('save'));
    await screen.findByTestId('saved');
    expect((await backend.listInvoices({ search: '', statuses: ['draft'] })).total_count).toBe(2);
  });

  it('does not send a form whose numbers are not numbers', async () => {
    const user = userEvent.setup();
    renderWith(InvoiceEditor, await freshBackend());
    await waitFor(() => screen.getByRole('option', { name: 'Zoë Martin' }));
    await user.selectOptions(screen.getByTestId('client_id'), 'Zoë Martin');
    await fillLine(user, 0, { description: 'Haircut', unit_price: '4,50' });
    await user.click(screen.getByTestId('save'));
    expect(screen.getByTestId('form-error')).toBeTruthy();
    expect(screen.getByTestId('error-lines[0].unit_price').textContent).toContain('as a number');
  });
});
