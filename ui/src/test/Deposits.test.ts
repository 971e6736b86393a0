import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Calendar from '../screens/calendar/Calendar.svelte';
import { BackendError } from '../lib/backend/backend';
import type { MockBackend } from '../lib/backend/mock';
import type { BookingPolicy, Money, SmtpInput } from '../lib/backend/types';
import { zonedToUtc } from '../lib/dates';
import { session } from '../lib/session.svelte';
import { noteReports } from '../lib/sync.svelte';
import { freezeDate, renderWith, stripeBackend } from './helpers';

// The mock lives at 10:00 UTC on Monday 23 November 2026 (11:00 in Paris). Zoë Martin (client 1,
// zoe@example.com) is booked with Hugo at 15:00 Paris time that day for a 100.00 EUR untaxed service:
// four hours away, inside a 24-hour cancellation window.
const TODAY = '2026-11-23';
const ZOE = 1;
const SMTP: SmtpInput = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'desk@studio.example',
  from_name: '',
  from_address: 'desk@studio.example',
};
const POLICY: BookingPolicy = {
  deposit: { kind: 'percent', value: '30' },
  deposit_hold_hours: 48,
  unpaid_deposit: 'release',
  auto_charge: false,
  cancel_window_hours: 24,
  cancel_fee: { kind: 'percent', value: '50' },
};

/**
 * The seeded mock with Stripe, email (unless `email` is false) and the policy, Zoë's booking made
 * (outside the form, so no deposit asked yet); the calendar on screen.
 */
async function openCalendar(policy: Partial<BookingPolicy> = {}, { email = true } = {}): Promise<{ backend: MockBackend; bookingId: number }> {
  const backend = await stripeBackend();
  // English words and amounts; the mock's business is fr-FR.
  session.business = { ...session.business, locale: 'en-GB' };
  if (email) await backend.configureSmtp(SMTP, 'app-password');
  await backend.setBookingPolicy({ ...POLICY, ...policy });
  const service = await backend.createService({ name: 'Balayage', duration_minutes: 60, price: '100.00', tax_rate: '0', active: true, currency: null });
  const booking = await backend.createBooking({
    client_id: ZOE,
    staff_id: 2,
    service_ids: [service.id],
    starts_at: zonedToUtc(TODAY, '15:00', 'Europe/Paris'),
    ends_at: null,
    notes: '',
  });
  renderWith(Calendar, backend);
  await waitFor(() => expect(screen.getAllByTestId('booking')).toHaveLength(3));
  return { backend, bookingId: booking.id };
}

function row(client: string): HTMLElement {
  const found = screen.getAllByTestId('booking').find((li) => li.textContent?.includes(client));
  if (!found) throw new Error(`no booking of ${client} on screen`);
  return found;
}

describe('deposits and cancellation fees in the calendar', () => {
  beforeEach(freezeDate);
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('asks a deposit from the booking: Awaiting with its amount and invoice, and never a second one', async () => {
    const user = userEvent.setup();
    const { backend, bookingId } = await openCalendar();

    await user.click(within(row('Zoë Martin')).getByTestId('move'));
    const ask = await screen.findByTestId('deposit-ask');
    expect(ask.textContent?.trim()).toBe('Ask for deposit (€30.00)');
    await user.click(ask);

    expect((await screen.findByTestId('deposit-state')).textContent).toBe('Awaiting deposit');
    expect(screen.getByTestId('deposit-amount').textContent).toBe('€30.00 of €100.00');
    const deposit = await backend.bookingDeposit(bookingId);
    expect(deposit).toMatchObject({ state: 'awaiting', amount: { amount: '30.00', currency: 'EUR' }, total: { amount: '100.00', currency: 'EUR' } });
    expect(screen.getByTestId('deposit-invoice').textContent).toBe(deposit!.invoice_number);
    expect(screen.getByTestId('deposit-notice').textContent).toContain('zoe@example.com');
    expect(screen.getByTestId('deposit-keep')).toBeTruthy();
    expect(screen.getByTestId('deposit-release')).toBeTruthy();
    expect(screen.queryByTestId('deposit-ask')).toBeNull();
    // The pay link asks just the deposit.
    const links = await backend.invoicePayLinks(deposit!.invoice_id);
    expect(links.filter((l) => l.state === 'active').map((l) => l.amount.amount)).toEqual(['30.00']);

    // Asking again (a second click elsewhere, after a reschedule) returns the same deposit and invoice.
    const again = await backend.sendDepositRequest(bookingId, null);
    expect(again.deposit.invoice_id).toBe(deposit!.invoice_id);
    expect((await backend.bookingInvoices(bookingId)).map((i) => i.id)).toEqual([deposit!.invoice_id]);

    // Closed and opened again, the booking shows the one deposit, not the button.
    await user.click(screen.getByTestId('close-form'));
    await user.click(within(row('Zoë Martin')).getByTestId('move'));
    expect((await screen.findByTestId('deposit-state')).textContent).toBe('Awaiting deposit');
    expect(screen.queryByTestId('deposit-ask')).toBeNull();

    // Paid at Stripe and synced: the badge turns.
    backend.stripeWorld.clientPays({ invoiceId: deposit!.invoice_id });
    noteReports(backend, await backend.syncNow());
    await waitFor(() => expect(screen.getByTestId('deposit-state').textContent).toBe('Deposit paid'));
    expect(screen.queryByTestId('deposit-release')).toBeNull();
  });

  it('a late cancellation proposes the fee, and charging it to the saved card says so', async () => {
    const user = userEvent.setup();
    const { backend, bookingId } = await openCalendar();
    backend.stripeWorld.saveCard(ZOE, { card: '4242 4242 4242 4242', exp_month: 12, exp_year: 2030 });

    await user.click(within(row('Zoë Martin')).getByTestId('cancel'));
    const panel = await screen.findByTestId('fee-panel');
    expect(within(panel).getByTestId('fee-summary').textContent).toBe(
      "Late cancellation fee of 50.00 EUR: charge 50.00 EUR to Zoë Martin's visa •••• 4242.",
    );
    expect((screen.getByTestId('fee-amount') as HTMLInputElement).value).toBe('50.00');
    await waitFor(() => expect(within(row('Zoë Martin')).getByTestId('status').textContent).toBe('Cancelled'));

    await user.click(screen.getByTestId('fee-charge'));
    expect((await screen.findByTestId('fee-outcome')).textContent).toBe('Charged €50.00 to Visa •••• 4242.');
    const invoices = await backend.bookingInvoices(bookingId);
    expect(invoices.map((i) => [i.status, i.totals.total.amount])).toEqual([['paid', '50.00']]);
    // Confirmed once: no fee is proposed any more.
    expect(await backend.bookingFeeProposal(bookingId)).toBeNull();
  });

  it('an early cancellation proposes no fee', async () => {
    const user = userEvent.setup();
    // The window is 2 hours; the booking is 4 hours away.
    const { backend, bookingId } = await openCalendar({ cancel_window_hours: 2 });
    const cancel = vi.spyOn(backend, 'cancelBooking');

    await user.click(within(row('Zoë Martin')).getByTestId('cancel'));
    await waitFor(() => expect(cancel).toHaveBeenCalledWith(bookingId, 'cancelled'));
    await waitFor(() => expect(within(row('Zoë Martin')).getByTestId('status').textContent).toBe('Cancelled'));
    expect(screen.queryByTestId('fee-panel')).toBeNull();
    expect(await backend.bookingFeeProposal(bookingId)).toBeNull();
  });

  it('a bad fee amount shows the error next to it and keeps what was typed', async () => {
    const user = userEvent.setup();
    const { backend, bookingId } = await openCalendar();
    const charge = vi.spyOn(backend, 'chargeBookingFee');

    await user.click(within(row('Zoë Martin')).getByTestId('no-show'));
    const panel = await screen.findByTestId('fee-panel');
    // Zoë has no card: a pay link will be emailed.
    expect(within(panel).getByTestId('fee-summary').textContent).toContain('has no card saved, so a pay link for 50.00 EUR will be emailed');
    const amount = screen.getByTestId('fee-amount') as HTMLInputElement;
    await user.clear(amount);
    await user.type(amount, '12.345');
    await user.click(screen.getByTestId('fee-charge'));

    expect((await screen.findByTestId('error-amount')).textContent).toBe('EUR amounts can have at most 2 decimal places; 12.345 has more.');
    expect(amount.value).toBe('12.345');
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('fee-outcome')).toBeNull();
    expect(await backend.bookingInvoices(bookingId)).toEqual([]);

    // Corrected: the fee invoice goes out with a pay link.
    await user.clear(amount);
    await user.type(amount, '20');
    await user.click(screen.getByTestId('fee-charge'));
    expect((await screen.findByTestId('fee-outcome')).textContent).toBe('Pay link emailed to zoe@example.com.');
    expect(charge).toHaveBeenLastCalledWith(bookingId, '20');
    const [fee] = await backend.bookingInvoices(bookingId);
    expect(fee?.totals.total.amount).toBe('20.00');
  });
});

/** The "ask for a deposit" box of the booking form, and its label's text. */
function askBox(): { box: HTMLInputElement; label: string } {
  const box = screen.getByTestId('booking-ask-deposit') as HTMLInputElement;
  return { box, label: screen.getByTestId('booking-ask-deposit-label').textContent?.replace(/\s+/g, ' ').trim() ?? '' };
}

/**
 * Opens "New booking" and fills it in for Noah Laurent (noah.laurent@example.org) with Ana at 16:00
 * today, with `services` ticked; doesn't book yet.
 */
async function fillNewBooking(user: ReturnType<typeof userEvent.setup>, services: RegExp[] = [/Balayage/]) {
  await user.click(screen.getByTestId('new-booking'));
  await user.selectOptions(screen.getByTestId('client_id'), 'Noah Laurent');
  await user.selectOptions(screen.getByTestId('staff_id'), 'Ana');
  fireEvent.input(screen.getByTestId('starts_at'), { target: { value: '16:00' } });
  for (const s of services) await user.click(screen.getByLabelText(s));
}

describe('a new booking asks its deposit', () => {
  beforeEach(freezeDate);
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('offers the quoted deposit, ticked, and quotes again as the services change', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    const quote = vi.spyOn(backend, 'depositQuoteForServices');

    await user.click(screen.getByTestId('new-booking'));
    // No services yet: nothing to ask.
    expect(screen.queryByTestId('booking-ask-deposit')).toBeNull();

    await user.click(screen.getByLabelText(/Balayage/));
    await waitFor(() => expect(askBox().label).toBe('Ask for a deposit of €30.00 and email the pay link'));
    expect(askBox().box.checked).toBe(true);
    expect(quote).toHaveBeenLastCalledWith([expect.any(Number)]);

    // Beard trim: 15.00 EUR + 20 % tax, 30 % of 18.00 is 5.40.
    await user.click(screen.getByLabelText(/Beard trim/));
    await waitFor(() => expect(askBox().label).toBe('Ask for a deposit of €35.40 and email the pay link'));

    await user.click(screen.getByLabelText(/Balayage/));
    await user.click(screen.getByLabelText(/Beard trim/));
    await waitFor(() => expect(screen.queryByTestId('booking-ask-deposit')).toBeNull());
  });

  it('a late answer for services no longer chosen is ignored', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    let answerLate: (m: Money | null) => void = () => {};
    vi.spyOn(backend, 'depositQuoteForServices').mockImplementationOnce(() => new Promise((resolve) => (answerLate = resolve)));

    await user.click(screen.getByTestId('new-booking'));
    await user.click(screen.getByLabelText(/Balayage/)); // this answer is held back
    await user.click(screen.getByLabelText(/Beard trim/));
    await waitFor(() => expect(askBox().label).toBe('Ask for a deposit of €35.40 and email the pay link'));

    answerLate({ amount: '30.00', currency: 'EUR' });
    await new Promise((r) => setTimeout(r, 20));
    expect(askBox().label).toBe('Ask for a deposit of €35.40 and email the pay link');
  });

  it('booking with the box ticked asks the deposit once and emails its pay link', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    const create = vi.spyOn(backend, 'createBooking');
    const ask = vi.spyOn(backend, 'sendDepositRequest');

    await fillNewBooking(user);
    await waitFor(() => expect(askBox().box.checked).toBe(true));
    await user.click(screen.getByTestId('save'));

    expect((await screen.findByTestId('booking-saved')).textContent).toBe('Booking saved. Deposit request emailed to noah.laurent@example.org.');
    expect(screen.queryByTestId('booking-form')).toBeNull();
    expect(create).toHaveBeenCalledTimes(1);
    const made = await create.mock.results[0]!.value;
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith(made.id, null);
    expect(await backend.bookingDeposit(made.id)).toMatchObject({ state: 'awaiting', amount: { amount: '30.00', currency: 'EUR' } });
    await waitFor(() => expect(row('Noah Laurent')).toBeTruthy());

    // Opened, the booking shows the deposit asked, not the button.
    await user.click(within(row('Noah Laurent')).getByTestId('move'));
    expect((await screen.findByTestId('deposit-state')).textContent).toBe('Awaiting deposit');
    expect(screen.queryByTestId('deposit-ask')).toBeNull();
    // Moving a booking offers no deposit box and asks nothing.
    expect(screen.queryByTestId('booking-ask-deposit')).toBeNull();
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('booking with the box unticked asks no deposit', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    const create = vi.spyOn(backend, 'createBooking');
    const ask = vi.spyOn(backend, 'sendDepositRequest');

    await fillNewBooking(user);
    await waitFor(() => expect(askBox().box.checked).toBe(true));
    await user.click(askBox().box);
    expect(askBox().box.checked).toBe(false);
    await user.click(screen.getByTestId('save'));

    await waitFor(() => expect(screen.queryByTestId('booking-form')).toBeNull());
    expect(create).toHaveBeenCalledTimes(1);
    const made = await create.mock.results[0]!.value;
    expect(ask).not.toHaveBeenCalled();
    expect(await backend.bookingDeposit(made.id)).toBeNull();
    expect(screen.queryByTestId('booking-saved')).toBeNull();
  });

  it('a deposit request that fails leaves the booking saved, says why and can be sent again', async () => {
    const user = userEvent.setup();
    // The mail server can't be reached: the deposit's invoice is issued but the request isn't emailed.
    const { backend } = await openCalendar({}, { email: false });
    await backend.configureSmtp({ ...SMTP, host: 'smtp.example.invalid' }, 'app-password');
    const ask = vi.spyOn(backend, 'sendDepositRequest');

    await fillNewBooking(user);
    await waitFor(() => expect(askBox().box.checked).toBe(true));
    await user.click(screen.getByTestId('save'));

    expect((await screen.findByTestId('deposit-error')).textContent).toMatch(
      /^Booking saved, but the deposit request wasn't sent: Couldn't reach smtp\.example\.invalid:587: no such host\./,
    );
    expect(ask).toHaveBeenCalledTimes(1);
    // The booking stands, and its side panel is open on it.
    await waitFor(() => expect(row('Noah Laurent')).toBeTruthy());
    expect(within(screen.getByTestId('booking-form')).getByRole('heading').textContent).toBe('Move booking');
    const [made] = (await backend.listBookings('2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z', null)).filter((b) => b.client_name === 'Noah Laurent');
    expect(made?.status).toBe('booked');
    expect((await screen.findByTestId('deposit-state')).textContent).toBe('Awaiting deposit');

    // The server fixed, the request goes out: the same deposit, no second invoice.
    await backend.configureSmtp(SMTP, 'app-password');
    await user.click(screen.getByTestId('deposit-resend'));
    expect((await screen.findByTestId('deposit-notice')).textContent).toBe('Deposit request emailed to noah.laurent@example.org.');
    expect(screen.queryByTestId('deposit-error')).toBeNull();
    expect(screen.queryByTestId('deposit-resend')).toBeNull();
    expect(ask).toHaveBeenCalledTimes(2);
    expect(await backend.bookingInvoices(made!.id)).toHaveLength(1);
  });

  it('a deposit request refused before anything was asked offers the Ask button', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    const ask = vi
      .spyOn(backend, 'sendDepositRequest')
      .mockRejectedValueOnce(new BackendError('stripe_not_connected', 'Connect Stripe in Settings → Stripe first.'));

    await fillNewBooking(user);
    await waitFor(() => expect(askBox().box.checked).toBe(true));
    await user.click(screen.getByTestId('save'));

    expect((await screen.findByTestId('deposit-error')).textContent).toBe(
      "Booking saved, but the deposit request wasn't sent: Connect Stripe in Settings → Stripe first.",
    );
    await waitFor(() => expect(row('Noah Laurent')).toBeTruthy());
    const retry = await screen.findByTestId('deposit-ask');
    expect(retry.textContent?.trim()).toBe('Ask for deposit (€30.00)');
    await user.click(retry);
    expect((await screen.findByTestId('deposit-state')).textContent).toBe('Awaiting deposit');
    expect(screen.getByTestId('deposit-notice').textContent).toBe('Deposit request emailed to noah.laurent@example.org.');
    expect(screen.queryByTestId('deposit-error')).toBeNull();
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('a refused booking keeps everything typed and asks no deposit', async () => {
    const user = userEvent.setup();
    const { backend } = await openCalendar();
    const create = vi.spyOn(backend, 'createBooking');
    const ask = vi.spyOn(backend, 'sendDepositRequest');

    await fillNewBooking(user);
    // Hugo has Zoë at 15:00–16:00: 15:30 clashes.
    await user.selectOptions(screen.getByTestId('staff_id'), 'Hugo');
    fireEvent.input(screen.getByTestId('starts_at'), { target: { value: '15:30' } });
    await user.type(screen.getByTestId('notes'), 'Sensitive scalp');
    await waitFor(() => expect(askBox().box.checked).toBe(true));
    await user.click(askBox().box);
    await user.click(screen.getByTestId('save'));

    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    await expect(create.mock.results[0]!.value).rejects.toThrow(/Hugo already has a booking/);
    expect((await screen.findByTestId('error-starts_at')).textContent).toContain('Hugo already has a booking');
    expect(screen.getByTestId('booking-form')).toBeTruthy();
    expect(ask).not.toHaveBeenCalled();
    expect((screen.getByTestId('starts_at') as HTMLInputElement).value).toBe('15:30');
    expect((screen.getByTestId('notes') as HTMLTextAreaElement).value).toBe('Sensitive scalp');
    expect((screen.getByLabelText(/Balayage/) as HTMLInputElement).checked).toBe(true);
    expect(askBox().box.checked).toBe(false);
    expect(askBox().label).toBe('Ask for a deposit of €30.00 and email the pay link');
  });
});
