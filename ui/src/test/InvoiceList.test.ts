import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoiceList from '../screens/invoices/InvoiceList.svelte';
import { freshBackend, renderWith } from './helpers';

const rows = () => screen.queryAllByTestId('invoice-row');

describe('invoice list', () => {
  it('searches the backend as you type and filters by status', async () => {
    const user = userEvent.setup();
    renderWith(InvoiceList, await freshBackend());
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(screen.getByTestId('page-info').textContent).toBe('1–5 of 5');

    await user.type(screen.getByTestId('search'), 'ana');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain('Ana Souza');

    await user.clear(screen.getByTestId('search'));
    await user.type(screen.getByTestId('search'), '0003');
    await waitFor(() => expect(rows().map((r) => r.textContent?.slice(0, 13))).toEqual(['INV-2026-0003']));

    await user.clear(screen.getByTestId('search'));
    await waitFor(() => expect(rows()).toHaveLength(5));
    await user.click(screen.getByTestId('chip-draft'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain('Draft');
  });

  it('says what to do when nothing matches', async () => {
    const user = userEvent.setup();
    renderWith(InvoiceList, await freshBackend());
    await user.type(screen.getByTestId('search'), 'nobody at all');
    expect((await screen.findByTestId('empty-state')).textContent).toContain('No invoices match');
  });

  it('focuses the search box on "/"', async () => {
    const user = userEvent.setup();
    renderWith(InvoiceList, await freshBackend());
    await user.keyboard('/');
    expect(document.activeElement).toBe(screen.getByTestId('search'));
  });
});
