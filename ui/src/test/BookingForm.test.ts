import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BookingForm from '../screens/calendar/BookingForm.svelte';
import { freshBackend, renderWith } from './helpers';

describe('booking form', () => {
  it('shows a clash next to the start time before saving', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const [clients, staff, services] = await Promise.all([backend.listClients('', 100, 0), backend.listStaff(), backend.listServices()]);
    renderWith(BookingForm, backend, { clients, staff, services, date: '2026-11-23', onsaved: () => {}, oncancel: () => {} });

    await user.selectOptions(screen.getByTestId('client_id'), 'Zoë Martin');
    await user.selectOptions(screen.getByTestId('staff_id'), 'Ana');
    await user.click(screen.getByLabelText(/Haircut/));

    const error = await screen.findByTestId('error-starts_at');
    expect(error.textContent).toMatch(/^Ana already has a booking from .* \(booking 2\)\.$/);
    expect(screen.getByTestId('starts_at').getAttribute('aria-invalid')).toBe('true');
  });
});
