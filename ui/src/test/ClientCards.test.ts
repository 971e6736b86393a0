import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ClientPage from '../screens/clients/ClientPage.svelte';
import SavedCards from '../screens/clients/SavedCards.svelte';
import { BackendError } from '../lib/backend/backend';
import type { MockBackend } from '../lib/backend/mock';
import { freezeDate, renderWith, stripeBackend } from './helpers';

// Noah Laurent is client 5.
const NOAH = 5;

async function noahWithCards(): Promise<MockBackend> {
  const backend = await stripeBackend();
  // Saved cards come newest first: the last saved is listed first.
  backend.stripeWorld.saveCard(NOAH, { card: '4000 0566 5566 5556', exp_month: 10, exp_year: 2026 });
  backend.stripeWorld.saveCard(NOAH, { card: '4242 4242 4242 4242', exp_month: 1, exp_year: 2027 });
  backend.stripeWorld.saveCard(NOAH, { card: '5555 5555 5555 4444', exp_month: 12, exp_year: 2026 });
  backend.stripeWorld.saveCard(NOAH, { card: '3782 822463 10005', exp_month: 11, exp_year: 2026 });
  return backend;
}

const texts = () =>
  screen.getAllByTestId('saved-card').map((li) => [
    li.querySelector('strong')?.textContent,
    within(li).getByTestId('saved-card-expiry').textContent,
    within(li).queryByTestId('saved-card-warning')?.textContent ?? null,
  ]);

describe('client page → saved cards', () => {
  // Today is 23 November 2026 (the mock's clock).
  beforeEach(freezeDate);
  afterEach(() => vi.useRealTimers());

  it('shows brand, last four and expiry, flagging this month and next as soon and past months as expired', async () => {
    renderWith(ClientPage, await noahWithCards(), { id: NOAH, editing: false });
    await waitFor(() => expect(screen.getAllByTestId('saved-card')).toHaveLength(4));
    expect(texts()).toEqual([
      ['American Express •••• 0005', 'expires 11/2026', 'Expires soon'],
      ['Mastercard •••• 4444', 'expires 12/2026', 'Expires soon'],
      ['Visa •••• 4242', 'expires 01/2027', null],
      ['Visa •••• 5556', 'expires 10/2026', 'Expired'],
    ]);
  });

  it('takes today from its caller when given', async () => {
    renderWith(SavedCards, await noahWithCards(), { clientId: NOAH, today: '2027-01-05' });
    await waitFor(() => expect(screen.getAllByTestId('saved-card')).toHaveLength(4));
    expect(texts().map(([, , warning]) => warning)).toEqual(['Expired', 'Expired', 'Expires soon', 'Expired']);
  });

  it('removes a card only after the confirmation, and lists what is left', async () => {
    const user = userEvent.setup();
    const backend = await noahWithCards();
    const removed: string[] = [];
    const spy = { ...backend, removeSavedCard: (id: number, card: string) => (removed.push(card), backend.removeSavedCard(id, card)) };
    renderWith(ClientPage, spy, { id: NOAH, editing: false });
    await waitFor(() => expect(screen.getAllByTestId('saved-card')).toHaveLength(4));
    const visa = (await backend.savedCards(NOAH)).find((c) => c.last4 === '4242')!;

    await user.click(screen.getByRole('button', { name: 'Remove Visa •••• 4242' }));
    const confirm = screen.getByTestId('saved-card-confirm');
    expect(confirm.textContent).toContain('Remove Visa •••• 4242?');
    expect(document.activeElement).toBe(screen.getByTestId('saved-card-remove-no'));
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('saved-card-confirm')).toBeNull();
    expect(removed).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Remove Visa •••• 4242' }));
    await user.click(screen.getByTestId('saved-card-remove-yes'));
    expect((await screen.findByTestId('saved-card-removed')).textContent).toBe('Visa •••• 4242 is removed.');
    expect(removed).toEqual([visa.id]);
    await waitFor(() => expect(screen.getAllByTestId('saved-card')).toHaveLength(3));
    expect(screen.getAllByTestId('saved-card').some((li) => li.textContent?.includes('4242'))).toBe(false);
    expect((await backend.savedCards(NOAH)).map((c) => c.last4)).toEqual(['0005', '4444', '5556']);
  });

  it('says why a card could not be removed and keeps it listed', async () => {
    const user = userEvent.setup();
    const backend = await noahWithCards();
    const failing = {
      ...backend,
      removeSavedCard: async () => {
        throw new BackendError('stripe', 'Stripe could not be reached. Check the internet connection and try again.');
      },
    };
    renderWith(ClientPage, failing, { id: NOAH, editing: false });
    await waitFor(() => expect(screen.getAllByTestId('saved-card')).toHaveLength(4));
    await user.click(screen.getByRole('button', { name: 'Remove American Express •••• 0005' }));
    await user.click(screen.getByTestId('saved-card-remove-yes'));
    expect((await screen.findByTestId('saved-cards-error')).textContent).toBe(
      'Stripe could not be reached. Check the internet connection and try again.',
    );
    expect(screen.getAllByTestId('saved-card')).toHaveLength(4);
  });
});

describe('client page → auto-charge invoices', () => {
  it('follows the business default until a choice is made, and saves each choice', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    renderWith(ClientPage, backend, { id: NOAH, editing: false });
    const select = (await screen.findByLabelText('Auto-charge invoices')) as HTMLSelectElement;
    expect(select.value).toBe('default');
    await waitFor(() => expect(select.selectedOptions[0].textContent).toBe("Business default (don't charge)"));

    await user.selectOptions(select, 'always');
    expect((await screen.findByTestId('auto-charge-saved')).textContent).toBe('Saved.');
    expect(await backend.clientAutoCharge(NOAH)).toBe(true);

    await user.selectOptions(select, 'never');
    await waitFor(async () => expect(await backend.clientAutoCharge(NOAH)).toBe(false));

    await user.selectOptions(select, 'default');
    await waitFor(async () => expect(await backend.clientAutoCharge(NOAH)).toBeNull());
  });

  it('opens on the client’s own choice, and puts it back when saving fails', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    await backend.setClientAutoCharge(NOAH, false);
    const failing = {
      ...backend,
      setClientAutoCharge: async () => {
        throw new BackendError('database', 'The books are busy; try again in a moment.');
      },
    };
    renderWith(ClientPage, failing, { id: NOAH, editing: false });
    const select = (await screen.findByLabelText('Auto-charge invoices')) as HTMLSelectElement;
    expect(select.value).toBe('never');
    await user.selectOptions(select, 'always');
    expect((await screen.findByTestId('auto-charge-error')).textContent).toBe('The books are busy; try again in a moment.');
    expect(select.value).toBe('never');
    expect(await backend.clientAutoCharge(NOAH)).toBe(false);
  });
});
