import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import JobForm from '../screens/jobs/JobForm.svelte';
import JobList from '../screens/jobs/JobList.svelte';
import JobPage from '../screens/jobs/JobPage.svelte';
import type { Backend } from '../lib/backend/backend';
import { createMockBackend } from '../lib/backend/mock';
import { formatMoney } from '../lib/format';
import { navigate } from '../lib/router.svelte';
import { freshBackend, renderWith } from './helpers';

const eur = (amount: string) => formatMoney({ amount, currency: 'EUR' });
const field = (id: string) => screen.getByTestId(id) as HTMLInputElement;

/** A 12,000 EUR (net) kitchen job at 20% tax for Zoë Martin. */
async function kitchenJob(backend: Backend) {
  return backend.createJob({ client_id: 1, title: 'Kitchen refit', contract_total: '12000', tax_rate: '20', notes: '' });
}

async function typeInto(user: ReturnType<typeof userEvent.setup>, testid: string, text: string) {
  await user.clear(field(testid));
  await user.type(field(testid), text);
}

describe('jobs', () => {
  it('lists jobs, with an empty state when there are none', async () => {
    const empty = createMockBackend({ seeded: false, now: () => new Date('2026-11-23T10:00:00Z') });
    const { unmount } = renderWith(JobList, empty);
    expect((await screen.findByTestId('empty-state')).textContent).toContain('No jobs yet');
    unmount();

    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    await backend.requestPayment(job.id, { kind: 'deposit', percent: '30' });
    renderWith(JobList, backend);
    const rows = await screen.findAllByTestId('job-row');
    expect(rows).toHaveLength(2);
    // Newest first.
    expect(rows[0].textContent).toContain('Kitchen refit');
    expect(rows[0].textContent).toContain('Zoë Martin');
    for (const amount of ['12000.00', '3600.00', '8400.00', '0.00']) expect(rows[0].textContent).toContain(eur(amount));
  });

  it('checks the new-job form as it is typed, keeps what was typed when saving fails, then saves', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const before = (await backend.listJobs()).length;
    renderWith(JobForm, backend);

    await waitFor(() => screen.getByRole('option', { name: 'Zoë Martin' }));
    await user.selectOptions(screen.getByTestId('client_id'), 'Zoë Martin');
    await user.type(field('title'), 'Kitchen refit');
    await user.type(field('contract_total'), '12000.005');
    // As typed: the same rule as the core (EUR has two decimals).
    expect(screen.getByTestId('error-contract_total').textContent).toBe('Contract total can have at most 2 decimal places.');
    expect(field('contract_total').getAttribute('aria-invalid')).toBe('true');
    await user.click(screen.getByTestId('save'));
    expect(screen.getByTestId('form-error').textContent).toContain('need fixing');
    expect((await backend.listJobs()).length).toBe(before);

    await typeInto(user, 'contract_total', '12000');
    expect(screen.queryByTestId('error-contract_total')).toBeNull();
    await typeInto(user, 'tax_rate', '20');
    // A currency code the core doesn't know: only the backend can tell. Its words go next to the field.
    await typeInto(user, 'currency', 'ABC');
    await user.click(screen.getByTestId('save'));
    expect((await screen.findByTestId('error-currency')).textContent).toBe(
      '"ABC" is not a currency Paydesk knows. Use a three-letter code such as EUR, USD or JPY.',
    );
    expect(field('currency').getAttribute('aria-invalid')).toBe('true');
    expect(field('title').value).toBe('Kitchen refit');
    expect(field('contract_total').value).toBe('12000');
    expect((screen.getByTestId('client_id') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Zoë Martin');
    expect((await backend.listJobs()).length).toBe(before);

    await typeInto(user, 'currency', 'EUR');
    expect(screen.queryByTestId('error-currency')).toBeNull();
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(location.hash).toMatch(/^#\/jobs\/\d+$/));
    const [job] = await backend.listJobs();
    expect(job.title).toBe('Kitchen refit');
    expect(job.contract_total).toEqual({ amount: '12000.00', currency: 'EUR' });
    expect(location.hash).toBe(`#/jobs/${job.id}`);
  });

  it('requests a 30% deposit and opens the new draft with a note; the job then shows what is left', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    render(App, { props: { backend } });
    navigate(`/jobs/${job.id}`);

    expect((await screen.findByTestId('job-remaining')).textContent).toBe(eur('12000.00'));
    expect(screen.getByTestId('no-requests')).toBeTruthy();
    expect((screen.getByTestId('kind') as HTMLSelectElement).value).toBe('deposit');
    await user.click(screen.getByTestId('by-percent'));
    await user.type(field('percent'), '30');
    expect(screen.getByTestId('request-preview').textContent).toContain(eur('3600.00'));
    expect(screen.getByTestId('request-preview').textContent).toContain(eur('4320.00'));
    await user.click(screen.getByTestId('request-payment'));

    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/^Draft invoice \d+$/));
    expect(screen.getByTestId('request-created').textContent).toBe('Draft created — finalize it to send.');
    expect(field('lines[0].description').value).toBe('Deposit — Kitchen refit (30% of 12000.00 EUR)');
    expect(screen.getByTestId('total-total').textContent).toBe(eur('4320.00'));

    navigate(`/jobs/${job.id}`);
    await waitFor(() => expect(screen.getByTestId('job-remaining').textContent).toBe(eur('8400.00')));
    expect(screen.getByTestId('job-requested').textContent).toBe(eur('3600.00'));
    const [row] = screen.getAllByTestId('request-row');
    expect(row.textContent).toContain('Draft');
    expect(row.textContent).toContain('Deposit');
    expect(row.textContent).toContain(eur('4320.00'));
  });

  it('a final request shows the remaining amount and asks for no amount', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    await backend.requestPayment(job.id, { kind: 'deposit', percent: '30' });
    renderWith(JobPage, backend, { id: job.id });

    await user.selectOptions(await screen.findByTestId('kind'), 'final');
    const final = screen.getByTestId('final-remaining');
    expect(final.textContent).toContain('Asks for the remaining');
    expect(final.textContent).toContain(eur('8400.00'));
    expect(final.textContent).toContain(eur('10080.00'));
    expect(screen.queryByTestId('amount')).toBeNull();
    expect(screen.queryByTestId('percent')).toBeNull();

    await user.click(screen.getByTestId('request-payment'));
    await waitFor(() => expect(location.hash).toMatch(/^#\/invoices\/\d+$/));
    const after = await backend.getJob(job.id);
    expect(after.remaining.amount).toBe('0.00');
    expect(after.requests.map((r) => [r.kind, r.amount.amount])).toEqual([
      ['deposit', '3600.00'],
      ['final', '8400.00'],
    ]);
  });

  it('puts "only so much is left" next to the amount, as typed and when the backend says it, keeping the amount', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    navigate(`/jobs/${job.id}`);
    renderWith(JobPage, backend, { id: job.id });
    await screen.findByTestId('request-form');

    await user.type(field('amount'), '12000.01');
    expect(screen.getByTestId('error-amount').textContent).toBe(
      'Only 12000.00 EUR of the contract is left to request (of 12000.00 EUR).',
    );
    await typeInto(user, 'amount', '5000');
    expect(screen.queryByTestId('error-amount')).toBeNull();

    // Meanwhile a progress payment was asked for elsewhere (another window, the command line).
    await backend.requestPayment(job.id, { kind: 'progress', amount: '7600' });
    await user.click(screen.getByTestId('request-payment'));

    expect((await screen.findByTestId('error-amount')).textContent).toBe(
      'Only 4400.00 EUR of the contract is left to request (of 12000.00 EUR).',
    );
    expect(field('amount').value).toBe('5000');
    expect(field('amount').getAttribute('aria-invalid')).toBe('true');
    // The page read the job again.
    await waitFor(() => expect(screen.getByTestId('job-remaining').textContent).toBe(eur('4400.00')));
    expect((await backend.getJob(job.id)).requests).toHaveLength(1);
    expect(location.hash).toBe(`#/jobs/${job.id}`);
  });

  it('shows a too-big percentage next to the percentage', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    await backend.requestPayment(job.id, { kind: 'deposit', amount: '10000' });
    renderWith(JobPage, backend, { id: job.id });
    await user.click(await screen.findByTestId('by-percent'));
    await user.type(field('percent'), '20');
    expect(screen.getByTestId('error-percent').textContent).toBe('Only 2000.00 EUR of the contract is left to request (of 12000.00 EUR).');
    await typeInto(user, 'percent', '101');
    expect(screen.getByTestId('error-percent').textContent).toBe('The percentage must be between 0 and 100%.');
    await typeInto(user, 'percent', '10');
    expect(screen.queryByTestId('error-percent')).toBeNull();
    expect(screen.getByTestId('request-preview').textContent).toContain(eur('1440.00'));
  });
});

describe('mock backend: job rules', () => {
  it('rounds percentages half away from zero, and the final request takes exactly the rest', async () => {
    const backend = await freshBackend();
    const job = await backend.createJob({ client_id: 2, title: 'Odd', contract_total: '100.01', tax_rate: '0', notes: '' });
    const half = await backend.requestPayment(job.id, { kind: 'deposit', percent: '50' });
    expect(half.lines[0].unit_price.amount).toBe('50.01');
    const rest = await backend.requestPayment(job.id, { kind: 'final' });
    expect(rest.lines[0].unit_price.amount).toBe('50.00');
    await expect(backend.requestPayment(job.id, { kind: 'final' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'All of "Odd" has been requested already.',
    });
  });

  it('takes an amount or a percentage, not both, and a final request neither', async () => {
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    await expect(backend.requestPayment(job.id, { kind: 'custom', amount: '10', percent: '5' })).rejects.toMatchObject({ field: 'amount' });
    await expect(backend.requestPayment(job.id, { kind: 'custom' })).rejects.toMatchObject({
      field: 'amount',
      message: 'Give either an amount or a percentage of the contract.',
    });
    await expect(backend.requestPayment(job.id, { kind: 'final', amount: '10' })).rejects.toMatchObject({ field: 'amount' });
    await expect(backend.requestPayment(job.id, { kind: 'progress', amount: '10.001' })).rejects.toMatchObject({
      field: 'amount',
      message: 'EUR amounts can have at most 2 decimal places; 10.001 has more.',
    });
    await expect(backend.requestPayment(job.id, { kind: 'progress', percent: '0' })).rejects.toMatchObject({
      field: 'amount',
      message: 'A request must be for more than zero.',
    });
  });

  it('gives a void or deleted request’s part back to the job; payments count as paid', async () => {
    const backend = await freshBackend();
    const job = await kitchenJob(backend);
    const deposit = await backend.requestPayment(job.id, { kind: 'deposit', percent: '30' });
    const progress = await backend.requestPayment(job.id, { kind: 'progress', amount: '2000' });
    expect((await backend.getJob(job.id)).remaining.amount).toBe('6400.00');

    await backend.deleteDraft(progress.id);
    expect((await backend.getJob(job.id)).remaining.amount).toBe('8400.00');

    await backend.finalizeInvoice(deposit.id);
    await backend.recordPayment(deposit.id, { amount: '1000', method: 'bank_transfer', reference: '' });
    let now = await backend.getJob(job.id);
    expect(now.paid.amount).toBe('1000.00');
    expect(now.requests[0].invoice_number).toBe('INV-2026-0005');

    const other = await backend.requestPayment(job.id, { kind: 'progress', amount: '1000' });
    await backend.finalizeInvoice(other.id);
    await backend.voidInvoice(other.id);
    now = await backend.getJob(job.id);
    expect(now.remaining.amount).toBe('8400.00');
    expect(now.requests.map((r) => r.status)).toEqual(['partially_paid', 'void']);
  });
});
