import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoicePage from '../screens/invoices/InvoicePage.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import type { PayLink } from '../lib/backend/types';
import { formatMoney } from '../lib/format';
import { session } from '../lib/session.svelte';
import { freshBackend, renderWith } from './helpers';

const TEST_KEY = 'sk_test_51MockKeyAbCd9876';
const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });
const urlField = () => screen.getByTestId('pay-link-url') as HTMLInputElement;

/** The seeded mock backend with Stripe test mode connected. */
async function connectedBackend(): Promise<Backend> {
  const backend = await freshBackend();
  await backend.stripeConnect(TEST_KEY, null);
  session.stripe = await backend.stripeStatus();
  return backend;
}

/** A backend whose syncPayLink waits until released: the progress can be seen. */
function gated(backend: Backend) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const slow: Backend = {
    ...backend,
    syncPayLink: async (id): Promise<PayLink | null> => {
      await gate;
      return backend.syncPayLink(id);
    },
  };
  return { slow, release: () => release() };
}

async function recordPayment(user: ReturnType<typeof userEvent.setup>, amount: string) {
  await user.click(await screen.findByTestId('record-payment'));
  const field = screen.getByTestId('amount');
  await user.clear(field);
  await user.type(field, amount);
  await user.click(screen.getByTestId('save-payment'));
}

describe('invoice page → pay online', () => {
  it('shows progress after finalizing, then the active link for the total, and copies it', async () => {
    const user = userEvent.setup();
    const { slow, release } = gated(await connectedBackend());
    renderWith(InvoicePage, slow, { id: 5 });

    await user.click(await screen.findByTestId('finalize'));
    expect((await screen.findByTestId('pay-link-working')).textContent).toContain('Creating pay link…');
    release();

    await waitFor(() => expect(urlField().value).toMatch(/^https:\/\/buy\.stripe\.com\/test_plink_/));
    expect(screen.getByTestId('invoice-number').textContent).toBe('INV-2026-0005');
    expect(screen.getByTestId('pay-link-status').textContent).toBe('Active');
    expect(screen.getByTestId('pay-link-amount').textContent).toBe(eur('30.00'));
    expect(urlField().readOnly).toBe(true);
    expect(screen.queryByTestId('pay-link-working')).toBeNull();
    expect(screen.queryByTestId('pay-link-history')).toBeNull();

    await user.click(screen.getByTestId('pay-link-copy'));
    expect(screen.getByTestId('pay-link-copy').textContent).toBe('Copied');
    expect(screen.getByTestId('pay-link-copied')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(urlField().value);
  });

  it('falls back to selecting the address when the clipboard is out of reach', async () => {
    const user = userEvent.setup();
    renderWith(InvoicePage, await connectedBackend(), { id: 2 });
    await waitFor(() => expect(urlField().value).toContain('plink_'));
    const writeText = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.reject(new Error('not allowed'));
    try {
      await user.click(screen.getByTestId('pay-link-copy'));
      expect(await screen.findByTestId('pay-link-select-hint')).toBeTruthy();
      expect(document.activeElement).toBe(urlField());
      expect([urlField().selectionStart, urlField().selectionEnd]).toEqual([0, urlField().value.length]);
    } finally {
      navigator.clipboard.writeText = writeText;
    }
  });

  it('replaces the link after a partial payment and keeps the old one in the history', async () => {
    const user = userEvent.setup();
    const backend = await connectedBackend();
    renderWith(InvoicePage, backend, { id: 2 });

    // An open invoice without a link gets one when it is opened with Stripe connected.
    await waitFor(() => expect(urlField().value).toContain('plink_'));
    const first = urlField().value;
    expect(screen.getByTestId('pay-link-amount').textContent).toBe(eur('102.00'));

    await recordPayment(user, '40');
    await waitFor(() => expect(screen.getByTestId('pay-link-amount').textContent).toBe(eur('62.00')));
    expect(urlField().value).not.toBe(first);
    expect(screen.getByTestId('pay-link-status').textContent).toBe('Active');
    expect(screen.getByTestId('status').textContent).toBe('Partially paid');

    const history = screen.getByTestId('pay-link-history') as HTMLDetailsElement;
    expect(history.open).toBe(false);
    await user.click(screen.getByTestId('pay-link-history-toggle'));
    expect(history.open).toBe(true);
    const [row] = screen.getAllByTestId('pay-link-history-row');
    expect(row.textContent).toContain('Deactivated');
    expect(row.textContent).toContain(eur('102.00'));
    expect(row.textContent).toContain(first);

    // Paid in full: no live link is left.
    await recordPayment(user, '62');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('Paid'));
    await screen.findByTestId('pay-link-none');
    expect(screen.queryByTestId('pay-link-url')).toBeNull();
    expect(screen.getAllByTestId('pay-link-history-row')).toHaveLength(2);
    expect((await backend.invoicePayLinks(2)).every((l) => l.state === 'deactivated')).toBe(true);
  });

  it('says what went wrong with Try again, and the invoice stays finalized', async () => {
    const user = userEvent.setup();
    const backend = await connectedBackend();
    let down = true;
    const flaky: Backend = {
      ...backend,
      syncPayLink: async (id) => {
        if (down) throw new BackendError('stripe_unreachable', "Paydesk couldn't reach Stripe. Check the internet connection and try again.");
        return backend.syncPayLink(id);
      },
    };
    renderWith(InvoicePage, flaky, { id: 5 });

    await user.click(await screen.findByTestId('finalize'));
    const problem = await screen.findByTestId('pay-link-problem');
    expect(problem.textContent).toContain("couldn't reach Stripe");
    expect(screen.getByTestId('invoice-number').textContent).toBe('INV-2026-0005');
    expect(screen.getByTestId('status').textContent).toBe('Open');
    expect(screen.queryByTestId('pay-link-url')).toBeNull();

    down = false;
    await user.click(within(problem).getByTestId('pay-link-retry'));
    await waitFor(() => expect(urlField().value).toContain('plink_'));
    expect(screen.queryByTestId('pay-link-problem')).toBeNull();
    expect(screen.getByTestId('pay-link-status').textContent).toBe('Active');
  });

  it('switches the link off and explains when what is left is below Stripe’s minimum', async () => {
    const user = userEvent.setup();
    renderWith(InvoicePage, await connectedBackend(), { id: 2 });
    await waitFor(() => expect(urlField().value).toContain('plink_'));

    await recordPayment(user, '101.70');
    expect((await screen.findByTestId('pay-link-problem')).textContent).toContain(
      "Stripe can't take less than 0.50 EUR online — record a manual payment instead.",
    );
    expect(screen.queryByTestId('pay-link-url')).toBeNull();
    expect(screen.getByTestId('amount-due').textContent).toBe(eur('0.30'));
    await user.click(screen.getByTestId('pay-link-history-toggle'));
    expect(screen.getByTestId('pay-link-history-row').textContent).toContain('Deactivated');
  });

  it('without Stripe, points to Settings instead of a link', async () => {
    const backend = await freshBackend();
    renderWith(InvoicePage, backend, { id: 2 });
    const empty = await screen.findByTestId('pay-link-empty');
    expect(empty.textContent).toContain('Connect Stripe in Settings to add a pay link');
    expect(within(empty).getByRole('link').getAttribute('href')).toBe('#/settings');
    expect(screen.queryByTestId('pay-link-url')).toBeNull();
    expect(screen.queryByTestId('pay-link-problem')).toBeNull();
    expect(await backend.invoicePayLinks(2)).toEqual([]);
  });

  it('adds a link to a draft when asked, and keeps it when the draft is finalized', async () => {
    const user = userEvent.setup();
    const backend = await connectedBackend();
    renderWith(InvoicePage, backend, { id: 5 });

    await user.click(await screen.findByTestId('pay-link-add'));
    await waitFor(() => expect(urlField().value).toContain('plink_'));
    const url = urlField().value;
    expect(screen.getByTestId('pay-link-amount').textContent).toBe(eur('30.00'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Draft invoice 5');

    await user.click(screen.getByTestId('finalize'));
    await screen.findByTestId('invoice-number');
    await waitFor(() => expect(screen.queryByTestId('pay-link-working')).toBeNull());
    expect(urlField().value).toBe(url);
    expect(screen.queryByTestId('pay-link-history')).toBeNull();
  });

  it('shows the empty state when a draft asks for a link but Stripe was disconnected meanwhile', async () => {
    const user = userEvent.setup();
    const backend = await connectedBackend();
    renderWith(InvoicePage, backend, { id: 5 });
    const add = await screen.findByTestId('pay-link-add');
    await backend.stripeDisconnect('test');
    await user.click(add);
    expect((await screen.findByTestId('pay-link-empty')).textContent).toContain('Connect Stripe in Settings');
    await expect(backend.addPayLink(5)).rejects.toMatchObject({ code: 'stripe_not_connected' });
  });
});
