import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Calendar from '../screens/calendar/Calendar.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import type { BookingInput } from '../lib/backend/types';
import { addDays, startOfDayUtc } from '../lib/dates';
import { session } from '../lib/session.svelte';
import { freshBackend, renderWith } from './helpers';

// The seeded mock on Monday 23 November 2026 (Europe/Paris):
//   booking 2  Ana  · Ana Souza   · Colour      10:00–11:30 on the 23rd
//   booking 3  Hugo · Léo Bernard · Beard trim  11:30–11:50 on the 23rd
//   booking 4  Hugo · Mia Dubois  · Blow-dry    14:00–14:30 on the 24th
const TODAY = '2026-11-23';

/** Booking `id` as the backend has it, if it is on `day`. */
async function booking(backend: Backend, id: number, day: string) {
  const tz = session.business.time_zone;
  return (await backend.listBookings(startOfDayUtc(day, tz), startOfDayUtc(addDays(day, 1), tz), null)).find((b) => b.id === id);
}

/** The calendar's row for a client's booking. */
function row(client: string): HTMLElement {
  const found = screen.getAllByTestId('booking').find((li) => li.textContent?.includes(client));
  if (!found) throw new Error(`no booking of ${client} on screen`);
  return found;
}

/** Date and time inputs take whole values, as a picker gives them. */
const setValue = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } });

async function openCalendar() {
  const backend = await freshBackend();
  // English words for the confirmation; the mock's business is fr-FR.
  session.business = { ...session.business, locale: 'en-GB' };
  renderWith(Calendar, backend);
  await waitFor(() => expect(screen.getAllByTestId('booking')).toHaveLength(2));
  return backend;
}

describe('moving a booking', () => {
  beforeEach(() => {
    // Only Date is mocked, so "today" in the calendar is the seed's day; timers stay real.
    vi.setSystemTime(new Date(`${TODAY}T09:00:00Z`));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('moves a booking to a free slot on another day and shows it there', async () => {
    const user = userEvent.setup();
    const backend = await openCalendar();

    await user.click(within(row('Ana Souza')).getByTestId('move'));
    const form = screen.getByTestId('booking-form');
    expect(within(form).getByRole('heading').textContent).toBe('Move booking');
    // Pre-filled with the booking as it stands.
    expect((screen.getByTestId('date') as HTMLInputElement).value).toBe(TODAY);
    expect((screen.getByTestId('starts_at') as HTMLInputElement).value).toBe('10:00');
    expect((screen.getByTestId('ends_at') as HTMLInputElement).value).toBe('11:30');
    expect((screen.getByTestId('staff_id') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Ana');
    expect((screen.getByTestId('client_id') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Ana Souza');
    expect((screen.getByLabelText(/Colour/) as HTMLInputElement).checked).toBe(true);
    // Its own slot is no clash: the preview (after the form's 300 ms pause) stays quiet.
    await new Promise((r) => setTimeout(r, 450));
    expect(screen.queryByTestId('error-starts_at')).toBeNull();

    setValue('date', '2026-11-24');
    setValue('starts_at', '14:00');
    // The end follows the start: the booking keeps its 90 minutes.
    expect((screen.getByTestId('ends_at') as HTMLInputElement).value).toBe('15:30');
    await user.click(screen.getByTestId('save'));

    expect((await screen.findByTestId('booking-moved')).textContent).toBe('Booking moved to Tue 24 Nov, 14:00');
    expect(screen.queryByTestId('booking-form')).toBeNull();
    // The calendar went to the new day and shows the booking at its new time.
    await waitFor(() => expect(within(row('Ana Souza')).getByTestId('booking-time').textContent).toBe('14:00–15:30'));
    const moved = await booking(backend, 2, '2026-11-24');
    expect(moved).toMatchObject({ starts_at: '2026-11-24T13:00:00Z', ends_at: '2026-11-24T14:30:00Z', staff_id: 1, status: 'booked' });
    expect(await booking(backend, 2, TODAY)).toBeUndefined();
  });

  it('shows a clash with the same staff member before saving, and keeps the draft when saving is refused', async () => {
    const user = userEvent.setup();
    const backend = await openCalendar();
    const update = vi.spyOn(backend, 'updateBooking');

    await user.click(within(row('Léo Bernard')).getByTestId('move'));
    setValue('date', '2026-11-24');
    setValue('starts_at', '14:10');
    await user.type(screen.getByTestId('notes'), 'Bring the photos');

    // Hugo has Mia Dubois 14:00–14:30 that day: flagged next to the start time, nothing sent yet.
    const clash = await screen.findByTestId('error-starts_at');
    expect(clash.textContent).toMatch(/^Hugo already has a booking from .*14:00 to .*14:30 \(booking 4\)\.$/);
    expect(screen.getByTestId('starts_at').getAttribute('aria-invalid')).toBe('true');
    expect(update).not.toHaveBeenCalled();

    // Saving anyway: the backend refuses, the message stays by the time, everything typed stays.
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(update).toHaveBeenCalledTimes(1));
    await expect(update.mock.results[0]?.value).rejects.toMatchObject({ code: 'booking_clash' });
    expect(screen.getByTestId('error-starts_at').textContent).toContain('Hugo already has a booking');
    expect((screen.getByTestId('date') as HTMLInputElement).value).toBe('2026-11-24');
    expect((screen.getByTestId('starts_at') as HTMLInputElement).value).toBe('14:10');
    expect((screen.getByTestId('notes') as HTMLTextAreaElement).value).toBe('Bring the photos');
    expect(screen.getByTestId('booking-form')).toBeTruthy();
    expect(screen.queryByTestId('booking-moved')).toBeNull();

    // Nothing moved.
    expect(await booking(backend, 3, TODAY)).toMatchObject({ starts_at: '2026-11-23T10:30:00Z', notes: '' });
    expect(within(row('Léo Bernard')).getByTestId('booking-time').textContent).toBe('11:30–11:50');
  });

  it('opens from the keyboard, and Escape closes the form without changing anything', async () => {
    const user = userEvent.setup();
    const backend = await openCalendar();
    const update = vi.spyOn(backend, 'updateBooking');

    const opener = within(row('Ana Souza')).getByTestId('booking-time');
    opener.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('booking-form')).toBeTruthy();
    // Focus lands on the start time, the field a move is about.
    expect(document.activeElement).toBe(screen.getByTestId('starts_at'));

    setValue('starts_at', '16:00');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('booking-form')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(update).not.toHaveBeenCalled();
    expect(await booking(backend, 2, TODAY)).toMatchObject({ starts_at: '2026-11-23T09:00:00Z', ends_at: '2026-11-23T10:30:00Z' });
    expect(within(row('Ana Souza')).getByTestId('booking-time').textContent).toBe('10:00–11:30');
  });

  it('offers no move for a booking that is no longer scheduled', async () => {
    const user = userEvent.setup();
    await openCalendar();
    expect(within(row('Ana Souza')).queryByTestId('move')).not.toBeNull();

    await user.click(within(row('Ana Souza')).getByTestId('cancel'));
    await waitFor(() => expect(within(row('Ana Souza')).queryByTestId('move')).toBeNull());
    expect(within(row('Ana Souza')).queryByTestId('booking-time')).toBeNull();
    // The other booking of the day still moves.
    expect(within(row('Léo Bernard')).queryByTestId('move')).not.toBeNull();
  });
});

describe("the mock's updateBooking", () => {
  const input = (over: Partial<BookingInput>): BookingInput => ({
    client_id: 3,
    staff_id: 2,
    service_ids: [4],
    starts_at: '2026-11-23T10:30:00Z',
    ends_at: null,
    notes: '',
    ...over,
  });

  it("refuses a same-staff clash as the core does, and ignores the booking's own slot", async () => {
    const backend = await freshBackend();
    // Overlapping its own old time is fine (only 10 minutes later).
    await expect(backend.updateBooking(3, input({ starts_at: '2026-11-23T10:40:00Z' }))).resolves.toMatchObject({
      starts_at: '2026-11-23T10:40:00Z',
    });
    // Onto Hugo's 14:00 on the 24th: a typed clash, and nothing changes.
    const refused = await backend.updateBooking(3, input({ starts_at: '2026-11-24T13:15:00Z' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendError);
    expect(refused).toMatchObject({ code: 'booking_clash', field: null });
    expect(await booking(backend, 3, TODAY)).toMatchObject({ starts_at: '2026-11-23T10:40:00Z' });
    // Another staff member is free then.
    await expect(backend.updateBooking(3, input({ staff_id: 1, starts_at: '2026-11-24T13:15:00Z' }))).resolves.toMatchObject({
      staff_name: 'Ana',
    });
  });

  it('refuses to move a booking that is cancelled, completed or a no-show', async () => {
    const backend = await freshBackend();
    await backend.setBookingStatus(3, 'no_show');
    await expect(backend.updateBooking(3, input({ starts_at: '2026-11-23T15:00:00Z' }))).rejects.toMatchObject({
      code: 'conflict',
      message: "This booking is no-show, so it can't be moved.",
    });
  });
});
