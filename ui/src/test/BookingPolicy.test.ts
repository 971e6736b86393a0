import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BookingPolicy from '../screens/settings/BookingPolicy.svelte';
import Settings from '../screens/Settings.svelte';
import Services from '../screens/services/Services.svelte';
import { freshBackend, renderWith } from './helpers';

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const select = (id: string) => screen.getByTestId(id) as HTMLSelectElement;

describe('settings → bookings & payments', () => {
  it('is part of Settings and opens on the saved policy', async () => {
    renderWith(Settings, await freshBackend());
    expect(await screen.findByRole('heading', { name: 'Bookings & payments' })).toBeTruthy();
    expect(select('policy-deposit-kind').value).toBe('none');
    expect(screen.queryByTestId('policy-deposit-value')).toBeNull();
    expect(input('policy-deposit-hold-hours').value).toBe('48');
    expect(select('policy-unpaid-deposit').value).toBe('release');
    expect(input('policy-auto-charge').checked).toBe(false);
    expect(input('policy-cancel-window-hours').value).toBe('24');
    expect(select('policy-fee-kind').value).toBe('none');
  });

  it('saves every part of the policy', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(BookingPolicy, backend);

    await user.selectOptions(await screen.findByTestId('policy-deposit-kind'), 'percent');
    expect(screen.getByLabelText('Percentage (%)')).toBe(input('policy-deposit-value'));
    await user.type(input('policy-deposit-value'), '30');
    await user.clear(input('policy-deposit-hold-hours'));
    await user.type(input('policy-deposit-hold-hours'), '72');
    await user.selectOptions(select('policy-unpaid-deposit'), 'keep');
    await user.click(input('policy-auto-charge'));
    await user.clear(input('policy-cancel-window-hours'));
    await user.type(input('policy-cancel-window-hours'), '12');
    await user.selectOptions(select('policy-fee-kind'), 'fixed');
    expect(screen.getByLabelText('Amount (EUR)')).toBe(input('policy-fee-value'));
    await user.type(input('policy-fee-value'), '15.50');
    await user.click(screen.getByTestId('policy-save'));

    expect((await screen.findByTestId('policy-saved')).textContent).toBe('Saved.');
    expect(await backend.bookingPolicy()).toEqual({
      deposit: { kind: 'percent', value: '30' },
      deposit_hold_hours: 72,
      unpaid_deposit: 'keep',
      auto_charge: true,
      cancel_window_hours: 12,
      cancel_fee: { kind: 'fixed', value: '15.5' },
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows the core's refusals next to their field, keeps what was typed and saves nothing", async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const before = await backend.bookingPolicy();
    renderWith(BookingPolicy, backend);

    await user.selectOptions(await screen.findByTestId('policy-deposit-kind'), 'percent');
    await user.type(input('policy-deposit-value'), '5');
    await user.click(screen.getByTestId('policy-save'));
    expect((await screen.findByTestId('error-policy-deposit')).textContent).toBe('The deposit must be between 10% and 100%.');
    expect(input('policy-deposit-value').value).toBe('5');
    expect(input('policy-deposit-value').getAttribute('aria-invalid')).toBe('true');
    expect(select('policy-deposit-kind').value).toBe('percent');
    expect(await backend.bookingPolicy()).toEqual(before);

    // Typing there clears its error; the next refusal is the hours'.
    await user.clear(input('policy-deposit-value'));
    await user.type(input('policy-deposit-value'), '20');
    expect(screen.queryByTestId('error-policy-deposit')).toBeNull();
    await user.clear(input('policy-deposit-hold-hours'));
    await user.type(input('policy-deposit-hold-hours'), '0');
    await user.click(screen.getByTestId('policy-save'));
    expect((await screen.findByTestId('error-policy-deposit-hold-hours')).textContent).toBe(
      'Wait between 1 hour and 30 days (720 hours) for a deposit.',
    );
    expect(input('policy-deposit-hold-hours').value).toBe('0');
    expect(input('policy-deposit-value').value).toBe('20');
    expect(await backend.bookingPolicy()).toEqual(before);
  });

  it('asks for a number before sending a value that is not one', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const before = await backend.bookingPolicy();
    renderWith(BookingPolicy, backend);
    await user.selectOptions(await screen.findByTestId('policy-fee-kind'), 'fixed');
    await user.type(input('policy-fee-value'), 'ten');
    await user.clear(input('policy-cancel-window-hours'));
    await user.type(input('policy-cancel-window-hours'), 'a day');
    await user.click(screen.getByTestId('policy-save'));
    expect(screen.getByTestId('error-policy-cancel-fee').textContent).toContain('as a number');
    expect(screen.getByTestId('error-policy-cancel-window-hours').textContent).toBe('Write a whole number of hours, like 24.');
    expect(input('policy-fee-value').value).toBe('ten');
    expect(await backend.bookingPolicy()).toEqual(before);
  });
});

describe('services → deposit', () => {
  it("saves a service's own deposit after the service, and goes back to the business default", async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const [haircut] = await backend.listServices();
    renderWith(Services, backend);

    await user.click((await screen.findAllByRole('button', { name: 'Edit' }))[0]);
    await waitFor(() => expect(select('service-deposit-kind').value).toBe('default'));
    await user.selectOptions(select('service-deposit-kind'), 'percent');
    await user.type(input('service-deposit-value'), '50');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.queryByTestId('service-deposit-kind')).toBeNull());
    expect(await backend.serviceDeposit(haircut.id)).toEqual({ kind: 'percent', value: '50' });

    await user.click(screen.getAllByRole('button', { name: 'Edit' })[0]);
    await waitFor(() => expect(select('service-deposit-kind').value).toBe('percent'));
    expect(input('service-deposit-value').value).toBe('50');
    await user.selectOptions(select('service-deposit-kind'), 'default');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.queryByTestId('service-deposit-kind')).toBeNull());
    expect(await backend.serviceDeposit(haircut.id)).toBeNull();
  });

  it('keeps the form open with the error next to the deposit when the core refuses it', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const [haircut] = await backend.listServices();
    renderWith(Services, backend);
    await user.click((await screen.findAllByRole('button', { name: 'Edit' }))[0]);
    await user.selectOptions(select('service-deposit-kind'), 'fixed');
    await user.type(input('service-deposit-value'), '0');
    await user.click(screen.getByTestId('save'));
    expect((await screen.findByTestId('error-service-deposit')).textContent).toBe('The deposit must be an amount more than zero, like 20 or 12.50.');
    expect(input('service-deposit-value').value).toBe('0');
    expect(await backend.serviceDeposit(haircut.id)).toBeNull();
  });
});
