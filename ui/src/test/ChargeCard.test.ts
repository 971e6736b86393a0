import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoicePage from '../screens/invoices/InvoicePage.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import type { MockBackend, SavedCardInput } from '../lib/backend/mock';
import type { CardCharge } from '../lib/backend/types';
import { formatMoney } from '../lib/format';
import { freshBackend, renderWith, stripeBackend } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });

// Invoice 4 is Noah Laurent's (client 5): one haircut, 54.00 EUR, open. Invoice 1 (Zoë Martin, client 1) is paid.
const NOAH = 5;
const VISA = '4242 4242 4242 4242';
const DECLINED = '4000 0000 0000 9995';
const CONFIRM_NEEDED = '4000 0000 0000 3184';
const card = (number: string, extra: Partial<SavedCardInput> = {}): SavedCardInput => ({ card: number, exp_month: 12, exp_year: 2030, ...extra });

/** The backend with every chargeSavedCard call counted, and every savedCards answer noted (the button depends on it). */
function watching(backend: Backend, charge: Backend['chargeSavedCard'] = (id) => backend.chargeSavedCard(id)) {
  const charges: number[] = [];
  const cardReads: number[] = [];
  const spy: Backend = {
    ...backend,
    chargeSavedCard: (id) => (charges.push(id), charge(id)),
    savedCards: async (id) => {
      const got = await backend.savedCards(id);
      cardReads.push(id);
      return got;
    },
  };
  return { spy, charges, cardReads };
}

/** Renders invoice `id` once its client's cards have been read, so a missing button is really missing. */
async function openInvoice(spy: Backend, cardReads: number[], id: number, clientId: number) {
  renderWith(InvoicePage, spy, { id });
  await screen.findByTestId('invoice-number');
  await waitFor(() => expect(cardReads).toContain(clientId));
  // Let the answer reach the screen.
  await new Promise((r) => setTimeout(r, 0));
}

async function noahWith(number: string): Promise<MockBackend> {
  const backend = await stripeBackend();
  backend.stripeWorld.saveCard(NOAH, card(number));
  return backend;
}

describe('invoice page → charge card', () => {
  it('is not offered without a saved card', async () => {
    const backend = await stripeBackend();
    const { spy, cardReads } = watching(backend);
    await openInvoice(spy, cardReads, 4, NOAH);
    expect(screen.getByTestId('status').textContent).toBe('Open');
    expect(screen.queryByTestId('charge-card')).toBeNull();
    expect(screen.queryByTestId('charge-panel')).toBeNull();
  });

  it('is not offered on a paid invoice, even with a saved card', async () => {
    const backend = await stripeBackend();
    backend.stripeWorld.saveCard(1, card(VISA));
    const { spy, cardReads } = watching(backend);
    await openInvoice(spy, cardReads, 1, 1);
    expect(screen.getByTestId('status').textContent).toBe('Paid');
    expect(screen.queryByTestId('charge-card')).toBeNull();
  });

  it('is not offered without Stripe connected', async () => {
    const backend = await freshBackend();
    backend.stripeWorld.saveCard(NOAH, card(VISA, { mode: 'test' }));
    const { spy, cardReads } = watching(backend);
    await openInvoice(spy, cardReads, 4, NOAH);
    expect(screen.queryByTestId('charge-card')).toBeNull();
  });

  it('is not offered for an expired card or a card of the other Stripe mode', async () => {
    const backend = await stripeBackend();
    backend.stripeWorld.saveCard(NOAH, card(VISA, { mode: 'live' }));
    backend.stripeWorld.saveCard(NOAH, card('5555 5555 5555 4444', { exp_month: 1, exp_year: 2020 }));
    const { spy, cardReads } = watching(backend);
    await openInvoice(spy, cardReads, 4, NOAH);
    expect(screen.queryByTestId('charge-card')).toBeNull();
    await expect(backend.chargeSavedCard(4)).rejects.toMatchObject({
      code: 'conflict',
      message: 'Noah Laurent has no card saved that can be charged. Send a pay link instead.',
    });
  });

  it('charges only after the confirmation, then shows the invoice paid with the Stripe payment', async () => {
    const user = userEvent.setup();
    const backend = await noahWith(VISA);
    // Stripe answers when the test says so, to see the button while it works.
    let answer!: () => void;
    const gate = new Promise<void>((r) => (answer = r));
    const { spy, charges } = watching(backend, async (id) => {
      await gate;
      return backend.chargeSavedCard(id);
    });
    renderWith(InvoicePage, spy, { id: 4 });

    const button = await screen.findByTestId('charge-card');
    expect(button.textContent?.trim()).toBe('Charge Visa •••• 4242');
    await user.click(button);
    const confirm = screen.getByTestId('charge-confirm');
    expect(confirm.textContent).toContain(`Charge ${eur('54.00')} to Visa •••• 4242 now?`);
    // The safe answer has the focus.
    expect(document.activeElement).toBe(screen.getByTestId('charge-confirm-no'));
    expect(charges).toEqual([]);

    await user.click(within(confirm).getByRole('button', { name: 'Charge' }));
    expect(charges).toEqual([4]);
    const busy = screen.getByTestId('charge-card') as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    expect(busy.textContent?.trim()).toBe('Charging…');

    answer();
    const done = await screen.findByTestId('charge-done');
    expect(done.getAttribute('role')).toBe('status');
    expect(done.textContent).toBe(`Charged ${eur('54.00')} to Visa •••• 4242.`);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('Paid'));
    expect(screen.getByTestId('amount-due').textContent).toBe(eur('0.00'));
    expect(screen.getByTestId('payments').textContent).toContain('Stripe visa •••• 4242');
    const row = await screen.findByTestId('stripe-payment');
    expect(within(row).getByTestId('stripe-payment-status').textContent).toBe('Succeeded');
    expect(within(row).getByTestId('stripe-payment-method').textContent).toBe('Visa •••• 4242');
    // Nothing is owed any more: no second charge, and the pay link is switched off.
    expect(screen.queryByTestId('charge-card')).toBeNull();
    await screen.findByTestId('pay-link-none');
    expect(charges).toEqual([4]);
    expect((await backend.getInvoice(4)).status).toBe('paid');
  });

  it('shows a declined card in plain words, leaves the invoice owed, and offers the send dialog instead', async () => {
    const user = userEvent.setup();
    const backend = await noahWith(DECLINED);
    const { spy, charges } = watching(backend);
    renderWith(InvoicePage, spy, { id: 4 });

    await user.click(await screen.findByTestId('charge-card'));
    await user.click(screen.getByTestId('charge-confirm-yes'));
    const failed = await screen.findByTestId('charge-failed');
    expect(failed.getAttribute('role')).toBe('alert');
    expect(within(failed).getByText(/wasn't charged/).textContent).toBe(
      "Visa •••• 9995 wasn't charged: the card was declined (insufficient funds).",
    );
    expect(charges).toEqual([4]);
    expect(screen.queryByTestId('charge-done')).toBeNull();
    expect(screen.getByTestId('status').textContent).toBe('Open');
    expect(screen.getByTestId('amount-due').textContent).toBe(eur('54.00'));
    expect(screen.queryByTestId('payments')).toBeNull();
    const inv = await backend.getInvoice(4);
    expect([inv.status, inv.payments.length]).toEqual(['open', 0]);
    expect(await backend.invoiceStripePayments(4)).toEqual([]);
    // The card can be tried again later.
    expect(screen.getByTestId('charge-card')).toBeTruthy();

    expect(screen.queryByTestId('send-dialog')).toBeNull();
    await user.click(within(failed).getByRole('button', { name: 'Send a pay link instead' }));
    expect(await screen.findByTestId('send-dialog')).toBeTruthy();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it("says so when the client's bank wants the client to confirm", async () => {
    const user = userEvent.setup();
    renderWith(InvoicePage, await noahWith(CONFIRM_NEEDED), { id: 4 });
    await user.click(await screen.findByTestId('charge-card'));
    await user.click(screen.getByTestId('charge-confirm-yes'));
    expect(within(await screen.findByTestId('charge-failed')).getByText(/wasn't charged/).textContent).toBe(
      "Visa •••• 3184 wasn't charged: the bank asked the client to confirm the payment, and it wasn't confirmed.",
    );
    expect(screen.getByTestId('status').textContent).toBe('Open');
  });

  it('charges nothing when the confirmation is cancelled (button or Escape)', async () => {
    const user = userEvent.setup();
    const backend = await noahWith(VISA);
    const { spy, charges } = watching(backend);
    renderWith(InvoicePage, spy, { id: 4 });

    await user.click(await screen.findByTestId('charge-card'));
    await user.click(within(screen.getByTestId('charge-confirm')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('charge-confirm')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('charge-card'));

    await user.click(screen.getByTestId('charge-card'));
    expect(screen.getByTestId('charge-confirm')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('charge-confirm')).toBeNull();

    expect(charges).toEqual([]);
    expect(screen.queryByTestId('charge-done')).toBeNull();
    expect(screen.getByTestId('status').textContent).toBe('Open');
    expect((await backend.getInvoice(4)).payments).toEqual([]);
  });

  it("shows the backend's refusal, e.g. when the invoice was paid in the meantime", async () => {
    const user = userEvent.setup();
    const backend = await noahWith(VISA);
    renderWith(InvoicePage, backend, { id: 4 });
    await user.click(await screen.findByTestId('charge-card'));
    // Paid in cash behind the screen's back.
    await backend.recordPayment(4, { amount: '54.00', method: 'cash', received_on: null, reference: '' });
    await user.click(screen.getByTestId('charge-confirm-yes'));
    const error = await screen.findByTestId('charge-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe(`${(await backend.getInvoice(4)).number} has nothing left to pay.`);
    expect(screen.queryByTestId('charge-done')).toBeNull();
    expect(await backend.invoiceStripePayments(4)).toEqual([]);
  });

  it('says the bank is still confirming a charge that is processing', async () => {
    const user = userEvent.setup();
    const backend = await noahWith(VISA);
    const processing: CardCharge = {
      id: 9,
      invoice_id: 4,
      status: 'processing',
      amount: { amount: '54.00', currency: 'EUR' },
      card: 'visa •••• 4242',
      failure: null,
      payment_intent: 'pi_123',
    };
    const { spy } = watching(backend, async () => processing);
    renderWith(InvoicePage, spy, { id: 4 });
    await user.click(await screen.findByTestId('charge-card'));
    await user.click(screen.getByTestId('charge-confirm-yes'));
    const banner = await screen.findByTestId('charge-processing');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain(`Visa •••• 4242 is being charged ${eur('54.00')}`);
    expect(banner.textContent).toContain('the bank is still confirming it');
    expect(screen.queryByTestId('charge-done')).toBeNull();
    expect(screen.queryByTestId('charge-failed')).toBeNull();
  });
});

describe('mock backend → chargeSavedCard', () => {
  it('charges the newest card of the active mode that has not expired, for the whole amount due', async () => {
    const backend = await stripeBackend();
    backend.stripeWorld.saveCard(NOAH, card(VISA));
    backend.stripeWorld.saveCard(NOAH, card('5555 5555 5555 4444'));
    backend.stripeWorld.saveCard(NOAH, card('4000 0566 5566 5556', { exp_month: 1, exp_year: 2020 }));
    const charge = await backend.chargeSavedCard(4);
    expect(charge).toMatchObject({ invoice_id: 4, status: 'succeeded', card: 'mastercard •••• 4444', failure: null });
    expect(charge.amount).toEqual({ amount: '54.00', currency: 'EUR' });
    expect(charge.payment_intent).toMatch(/^pi_/);
    const inv = await backend.getInvoice(4);
    expect(inv.status).toBe('paid');
    expect(inv.payments.map((p) => [p.amount.amount, p.method, p.reference])).toEqual([['54.00', 'card', 'Stripe mastercard •••• 4444']]);
    const [row] = await backend.invoiceStripePayments(4);
    expect(row).toMatchObject({ status: 'succeeded', payment_id: inv.payments[0].id, card_last4: '4444', mode: 'test' });
    expect((await backend.activityFeed(10))[0]).toMatchObject({ kind: 'payment_received', invoice_id: 4 });
    await expect(backend.chargeSavedCard(4)).rejects.toMatchObject({ code: 'conflict', message: `${inv.number} has nothing left to pay.` });
  });

  it('charges what is left of a partly paid invoice, and refuses drafts and a disconnected Stripe', async () => {
    const backend = await stripeBackend();
    // Invoice 3 (Léo Bernard, client 3): 20.00 of it paid in cash.
    backend.stripeWorld.saveCard(3, card(VISA));
    const before = await backend.getInvoice(3);
    const charge = await backend.chargeSavedCard(3);
    expect(charge.amount).toEqual(before.amount_due);
    expect((await backend.getInvoice(3)).status).toBe('paid');
    await expect(backend.chargeSavedCard(5)).rejects.toBeInstanceOf(BackendError);
    await backend.stripeDisconnect('test');
    backend.stripeWorld.saveCard(NOAH, card(VISA, { mode: 'test' }));
    await expect(backend.chargeSavedCard(4)).rejects.toMatchObject({ code: 'stripe_not_connected' });
  });
});
