import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import InvoicePage from '../screens/invoices/InvoicePage.svelte';
import Settings from '../screens/Settings.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import { MOCK_WRONG_PASSWORD } from '../lib/backend/mock';
import type { SendInvoiceInput, SmtpInput } from '../lib/backend/types';
import { session } from '../lib/session.svelte';
import { freshBackend, renderWith } from './helpers';

type User = ReturnType<typeof userEvent.setup>;

const SMTP: SmtpInput = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'desk@studio.example',
  from_name: '',
  from_address: 'desk@studio.example',
};
const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const errorOf = (id: string) => screen.queryByTestId(`error-${id}`)?.textContent ?? null;

/** The seeded mock with email set up (and Stripe test mode connected when asked). */
async function mailBackend({ stripe = false, password = 'app-password' } = {}): Promise<Backend> {
  const backend = await freshBackend();
  await backend.configureSmtp(SMTP, password);
  if (stripe) {
    await backend.stripeConnect('sk_test_51MockKeyAbCd9876', null);
    session.stripe = await backend.stripeStatus();
  }
  return backend;
}

/** Keeps what each sendInvoice call was given. */
function recording(backend: Backend) {
  const calls: { id: number; input: SendInvoiceInput }[] = [];
  const spy: Backend = { ...backend, sendInvoice: (id, i) => (calls.push({ id, input: i }), backend.sendInvoice(id, i)) };
  return { spy, calls };
}

/** A draft for Zoë Martin (who has an email address) with one line at `price`, untaxed. */
async function zoeDraft(backend: Backend, price = '60.00') {
  const inv = await backend.createInvoice({
    client_id: 1,
    lines: [{ description: 'Balayage', quantity: '1', unit_price: price, tax_rate: '0', discount_percent: '0' }],
    notes: '',
  });
  return inv.id;
}

async function openDialog(user: User) {
  await user.click(await screen.findByTestId('send-open'));
  await waitFor(() => expect(screen.getByTestId('send-to')).toBeTruthy());
  return screen.getByRole('dialog');
}

async function typeInto(user: User, testid: string, text: string) {
  await user.clear(input(testid));
  if (text) await user.type(input(testid), text);
}

describe('invoice page → send', () => {
  it('sends a draft: it is finalized with its number, the log has a row, and the dialog says where it went', async () => {
    const user = userEvent.setup();
    const { spy, calls } = recording(await mailBackend({ stripe: true }));
    renderWith(InvoicePage, spy, { id: 5 });

    const send = await screen.findByTestId('send-open');
    expect(send.textContent).toBe('Send');
    expect(send.classList.contains('primary')).toBe(true);
    expect(screen.getByTestId('finalize').classList.contains('primary')).toBe(false);

    const dialog = await openDialog(user);
    expect(within(dialog).getByRole('heading').textContent).toBe('Send draft invoice 5');
    // Mia Dubois has no address saved: the field is empty and says so.
    expect(input('send-to').value).toBe('');
    expect(document.activeElement).toBe(input('send-to'));
    expect(document.getElementById('send-to-hint')?.textContent).toBe('Mia Dubois has no email address saved. Type the address to send to.');
    expect(input('send-subject').readOnly).toBe(true);
    expect(input('send-message').value).toBe('Hello Mia Dubois,\n\nHere is your invoice. Thank you!');
    expect(screen.getByTestId('send-finalize-note').textContent).toContain('Sending finalizes this draft');
    expect(screen.getByTestId('send-attachment').textContent).toContain('with the pay link');

    // Nothing to send to: said next to the field, nothing sent, still a draft.
    await user.click(screen.getByTestId('send-submit'));
    expect(errorOf('send-to')).toBe('Mia Dubois has no email address saved. Type the address to send to.');
    expect(calls).toHaveLength(0);

    // Checked as it is typed once it has been judged.
    await user.type(input('send-to'), 'mia@example');
    expect(errorOf('send-to')).toBe('"mia@example" isn\'t an email address. It should look like name@example.com.');
    await user.type(input('send-to'), '.com');
    expect(errorOf('send-to')).toBeNull();
    await user.type(input('send-message'), '\nSee you soon.');

    // Ctrl+Enter sends.
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to mia@example.com');
    expect(screen.getByTestId('send-result-detail').textContent).toContain('The draft is now invoice INV-2026-0005.');
    expect(screen.getByTestId('send-result-detail').textContent).toContain('INV-2026-0005.pdf was attached, with the pay link.');
    expect(screen.queryByTestId('send-link-warning')).toBeNull();
    expect(calls).toEqual([{ id: 5, input: { to: 'mia@example.com', message: 'Hello Mia Dubois,\n\nHere is your invoice. Thank you!\nSee you soon.' } }]);

    // Underneath, the view of the finalized invoice, its link and its history.
    expect((await screen.findByTestId('invoice-number')).textContent).toBe('INV-2026-0005');
    await waitFor(() => expect(screen.getAllByTestId('sent-log-row')).toHaveLength(1));
    const [row] = screen.getAllByTestId('sent-log-row');
    expect(row.textContent).toContain('Sent');
    expect(row.textContent).toContain('to mia@example.com');
    await waitFor(() => expect(input('pay-link-url').value).toContain('plink_'));

    expect(document.activeElement).toBe(screen.getByTestId('send-done'));
    await user.click(screen.getByTestId('send-done'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('send-open').textContent).toBe('Resend');
    // Sent: taking the payment is the next step.
    expect(screen.getByTestId('record-payment').classList.contains('primary')).toBe(true);
    expect(screen.getByTestId('send-open').classList.contains('primary')).toBe(false);

    const [email] = await spy.invoiceEmails(5);
    expect(email).toMatchObject({ status: 'sent', to: 'mia@example.com', subject: 'Invoice INV-2026-0005 from Studio Lumière', error: null });
    const [pdf] = await spy.issuedPdfs(5);
    expect(pdf).toMatchObject({ version: 1, file_name: 'INV-2026-0005.pdf' });
    expect(pdf.pay_link_id).not.toBeNull();
  });

  it('resends an open invoice with the core’s words, issuing a new PDF version only when the balance changed', async () => {
    const user = userEvent.setup();
    const backend = await mailBackend();
    renderWith(InvoicePage, backend, { id: 2 });

    expect((await screen.findByTestId('send-open')).classList.contains('primary')).toBe(true);
    await openDialog(user);
    await waitFor(() => expect(input('send-to').value).toBe('ana.souza@example.com'));
    expect(input('send-subject').value).toBe('Invoice INV-2026-0002 from Studio Lumière');
    expect(input('send-message').value).toBe('Hello Ana Souza,\n\nHere is your invoice INV-2026-0002. Thank you!');
    expect(screen.getByTestId('send-attachment').textContent).toContain("INV-2026-0002.pdf without a pay link: Stripe isn't connected.");
    expect(screen.queryByTestId('send-finalize-note')).toBeNull();
    await user.click(screen.getByTestId('send-submit'));
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to ana.souza@example.com');
    expect(screen.getByTestId('send-result-detail').textContent).toContain('without a pay link');
    await user.click(screen.getByTestId('send-done'));

    await waitFor(() => expect(screen.getByTestId('send-open').textContent).toBe('Resend'));
    const dialog = await openDialog(user);
    expect(within(dialog).getByRole('heading').textContent).toBe('Resend invoice INV-2026-0002');
    expect(screen.getByTestId('send-submit').textContent?.trim()).toBe('Resend');
    await user.click(screen.getByTestId('send-submit'));
    await screen.findByTestId('send-result');
    await user.click(screen.getByTestId('send-done'));
    await waitFor(() => expect(screen.getAllByTestId('sent-log-row')).toHaveLength(2));
    // Nothing on the invoice changed between the two: the same PDF went twice.
    expect((await backend.issuedPdfs(2)).map((p) => p.file_name)).toEqual(['INV-2026-0002.pdf']);

    // A partial payment changes what the PDF says: the next send issues version 2.
    await user.click(screen.getByTestId('record-payment'));
    await typeInto(user, 'amount', '40');
    await user.click(screen.getByTestId('save-payment'));
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('Partially paid'));
    await openDialog(user);
    await user.click(screen.getByTestId('send-submit'));
    await screen.findByTestId('send-result');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    await waitFor(() => expect(screen.getAllByTestId('sent-log-row')).toHaveLength(3));
    const versions = screen.getByTestId('pdf-versions') as HTMLDetailsElement;
    expect(versions.open).toBe(false);
    await user.click(screen.getByTestId('pdf-versions-toggle'));
    await waitFor(() => expect(screen.getAllByTestId('pdf-version-row')).toHaveLength(2));
    const rows = screen.getAllByTestId('pdf-version-row').map((r) => r.textContent ?? '');
    expect(rows[0]).toContain('v2');
    expect(rows[0]).toContain('INV-2026-0002-v2.pdf');
    expect(rows[1]).toContain('INV-2026-0002.pdf');
  });

  it('keeps a mistyped address with its error next to the field, and puts the backend’s error there too', async () => {
    const user = userEvent.setup();
    const { spy, calls } = recording(await mailBackend());
    let refuse = true;
    const strict: Backend = {
      ...spy,
      sendInvoice: async (id, i) => {
        if (refuse) {
          refuse = false;
          throw new BackendError('invalid', '"ana@exämple.com" isn\'t an email address. It should look like name@example.com.', 'to');
        }
        return spy.sendInvoice(id, i);
      },
    };
    renderWith(InvoicePage, strict, { id: 2 });
    await openDialog(user);
    await waitFor(() => expect(input('send-to').value).toBe('ana.souza@example.com'));

    await typeInto(user, 'send-to', 'ana.souza@example');
    expect(errorOf('send-to')).toBeNull(); // judged once the field is left…
    await typeInto(user, 'send-message', 'Hi Ana, here it is.');
    expect(errorOf('send-to')).toBe('"ana.souza@example" isn\'t an email address. It should look like name@example.com.');
    // …and Send sends nothing while it is wrong.
    await user.click(screen.getByTestId('send-submit'));
    expect(errorOf('send-to')).toBe('"ana.souza@example" isn\'t an email address. It should look like name@example.com.');
    expect(input('send-to').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input('send-to'));
    expect(input('send-to').value).toBe('ana.souza@example');
    expect(input('send-message').value).toBe('Hi Ana, here it is.');
    expect(calls).toHaveLength(0);

    // The core is the authority: its refusal goes next to the field, and what was typed stays.
    await typeInto(user, 'send-to', 'ana@exämple.com');
    await user.click(screen.getByTestId('send-submit'));
    expect(await screen.findByTestId('error-send-to')).toBeTruthy();
    expect(errorOf('send-to')).toContain('"ana@exämple.com" isn\'t an email address');
    expect(screen.queryByTestId('send-error')).toBeNull();
    expect(input('send-to').value).toBe('ana@exämple.com');
    expect(input('send-message').value).toBe('Hi Ana, here it is.');

    await typeInto(user, 'send-to', 'ana@example.com');
    expect(errorOf('send-to')).toBeNull();
    await user.click(screen.getByTestId('send-submit'));
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to ana@example.com');
    expect(calls).toEqual([{ id: 2, input: { to: 'ana@example.com', message: 'Hi Ana, here it is.' } }]);
  });

  it('without email set up, points to Settings → Email instead of a form that can only fail', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(InvoicePage, backend, { id: 2 });
    await user.click(await screen.findByTestId('send-open'));
    const error = await screen.findByTestId('send-error');
    expect(error.textContent).toContain("Paydesk can't email invoices until email is set up.");
    const link = within(error).getByRole('link');
    expect(link.textContent).toBe('Set up email in Settings → Email');
    expect(link.getAttribute('href')).toBe('#/settings/email');
    expect(document.activeElement).toBe(link);
    expect(screen.queryByTestId('send-submit')).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    // The backend refuses the same way, before it finalizes anything.
    await expect(backend.sendInvoice(5, { to: 'mia@example.com' })).rejects.toMatchObject({
      code: 'mail_not_configured',
      message: 'Set up email in Settings → Email first.',
    });
    expect((await backend.getInvoice(5)).state).toBe('draft');
  });

  it('says so with the link when email was disconnected while the dialog was open', async () => {
    const user = userEvent.setup();
    const backend = await mailBackend();
    renderWith(InvoicePage, backend, { id: 2 });
    await openDialog(user);
    await waitFor(() => expect(input('send-to').value).toBe('ana.souza@example.com'));
    await backend.disconnectEmail();
    await user.click(screen.getByTestId('send-submit'));
    const error = await screen.findByTestId('send-error');
    expect(error.textContent).toContain('Set up email in Settings → Email first.');
    expect(within(error).getByRole('link').getAttribute('href')).toBe('#/settings/email');
    expect(input('send-to').value).toBe('ana.souza@example.com');
    expect(await backend.invoiceEmails(2)).toEqual([]);
  });

  it('when the mail server refuses: the draft stays finalized, the reason shows at the top and in a failed log row, and sending again works', async () => {
    const user = userEvent.setup();
    const backend = await mailBackend({ password: MOCK_WRONG_PASSWORD });
    const id = await zoeDraft(backend);
    renderWith(InvoicePage, backend, { id });
    await openDialog(user);
    await waitFor(() => expect(input('send-to').value).toBe('zoe@example.com'));
    await typeInto(user, 'send-message', 'Hello Zoë, your invoice.');
    await user.click(screen.getByTestId('send-submit'));

    const error = await screen.findByTestId('send-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('The mail server refused the username or password for desk@studio.example');
    expect(within(error).getByRole('link').getAttribute('href')).toBe('#/settings/email');
    expect(screen.queryByTestId('send-result')).toBeNull();
    // Finalized all the same (the core finalizes before it reaches the server): the page shows it.
    expect((await screen.findByTestId('invoice-number')).textContent).toBe('INV-2026-0005');
    expect((await screen.findByTestId('send-finalized')).textContent).toContain('The draft was finalized as INV-2026-0005, but not sent.');
    expect(screen.queryByTestId('send-finalize-note')).toBeNull();
    expect(input('send-to').value).toBe('zoe@example.com');
    expect(input('send-message').value).toBe('Hello Zoë, your invoice.');
    expect((await backend.getInvoice(id)).state).toBe('open');

    await waitFor(() => expect(screen.getAllByTestId('sent-log-row')).toHaveLength(1));
    const failed = screen.getByTestId('sent-log-row');
    expect(failed.dataset.status).toBe('failed');
    expect(failed.textContent).toContain('Failed');
    expect(within(failed).getByTestId('sent-log-error').textContent).toContain('refused the username or password');

    // Fixed in Settings: the same dialog sends, with what was typed.
    await backend.configureSmtp(SMTP, 'app-password');
    await user.click(screen.getByTestId('send-submit'));
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to zoe@example.com');
    expect(screen.getByTestId('send-result-detail').textContent).not.toContain('The draft is now');
    await waitFor(() => expect(screen.getAllByTestId('sent-log-row')).toHaveLength(2));
    expect(screen.getAllByTestId('sent-log-row').map((r) => r.dataset.status)).toEqual(['sent', 'failed']);
  });

  it('warns when the PDF went without a pay link, and why', async () => {
    const user = userEvent.setup();
    const backend = await mailBackend({ stripe: true });
    const id = await zoeDraft(backend, '0.30');
    renderWith(InvoicePage, backend, { id });
    await openDialog(user);
    await waitFor(() => expect(input('send-to').value).toBe('zoe@example.com'));
    await user.click(screen.getByTestId('send-submit'));
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to zoe@example.com');
    const warning = screen.getByTestId('send-link-warning');
    expect(warning.textContent).toContain("The PDF went without a pay link: Stripe can't take less than 0.50 EUR online");
    expect(screen.getByTestId('send-result-detail').textContent).toContain('without a pay link');
    expect((await backend.invoiceEmails(id))[0]?.status).toBe('sent');
  });

  it('refuses a draft whose client has no address when none is typed, before finalizing (mock, like the core)', async () => {
    const backend = await mailBackend();
    await expect(backend.sendInvoice(5, {})).rejects.toMatchObject({
      field: 'to',
      message: 'Mia Dubois has no email address saved. Type the address to send to.',
    });
    await expect(backend.sendInvoice(5, { to: '  ' })).rejects.toMatchObject({ field: 'to', message: 'Type the address to send the invoice to.' });
    await expect(backend.sendInvoice(5, { to: 'mia@' })).rejects.toMatchObject({ field: 'to' });
    expect((await backend.getInvoice(5)).state).toBe('draft');
    expect(await backend.invoiceEmails(5)).toEqual([]);
    // An open invoice goes to the client's saved address with the usual greeting.
    const sent = await backend.sendInvoice(2, {});
    expect(sent.email).toMatchObject({ to: 'ana.souza@example.com', status: 'sent' });
    expect(sent.email.message_id).toMatch(/^<.+@studio\.example>$/);
    expect(sent.pdf.file_name).toBe('INV-2026-0002.pdf');
  });
});

describe('invoice page → PDF and receipts', () => {
  it('opens the PDF in the viewer, saves it where the owner chose, and lists the versions', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const calls: string[] = [];
    let cancel = false;
    renderWith(InvoicePage, {
      ...backend,
      openInvoicePdf: (id) => (calls.push(`open ${id}`), backend.openInvoicePdf(id)),
      saveInvoicePdf: async (id) => (calls.push(`save ${id}`), cancel ? null : backend.saveInvoicePdf(id)),
    }, { id: 2 });

    await user.click(await screen.findByTestId('pdf-versions-toggle'));
    expect(await screen.findByText(/None yet/)).toBeTruthy();

    await user.click(screen.getByTestId('pdf-preview'));
    expect(await screen.findByText('Opened INV-2026-0002.pdf in your PDF viewer.')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId('pdf-version-row')).toHaveLength(1));
    expect(screen.getByTestId('pdf-version-row').textContent).toContain('INV-2026-0002.pdf');
    expect(screen.getByTestId('pdf-version-row').textContent).toContain('no pay link');

    await user.click(screen.getByTestId('pdf-save'));
    expect(await screen.findByText('Saved to /home/owner/Documents/INV-2026-0002.pdf')).toBeTruthy();
    // Cancelling the save dialog needs no words.
    cancel = true;
    await user.click(screen.getByTestId('pdf-save'));
    await waitFor(() => expect(screen.getByTestId('pdf-note').textContent?.trim()).toBe(''));
    expect(screen.queryByTestId('pdf-error')).toBeNull();
    expect(calls).toEqual(['open 2', 'save 2', 'save 2']);
    expect(screen.getAllByTestId('pdf-version-row')).toHaveLength(1);
  });

  it('says why the PDF could not be opened', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(InvoicePage, {
      ...backend,
      openInvoicePdf: async () => {
        throw new BackendError('io', 'No PDF viewer could open it: no application for application/pdf');
      },
    }, { id: 2 });
    await user.click(await screen.findByTestId('pdf-preview'));
    expect((await screen.findByTestId('pdf-error')).textContent).toBe('No PDF viewer could open it: no application for application/pdf');
  });

  it('previews a draft as typed: saves it first, and keeps no version', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(InvoicePage, backend, { id: 5 });
    const description = (await screen.findByTestId('lines[0].description')) as HTMLInputElement;
    await user.clear(description);
    await user.type(description, 'Blow-dry, long hair');
    await user.click(screen.getByTestId('pdf-preview'));
    expect(await screen.findByText('Opened Invoice-draft-5.pdf in your PDF viewer.')).toBeTruthy();
    expect((await backend.getInvoice(5)).lines[0]?.description).toBe('Blow-dry, long hair');
    expect(screen.queryByTestId('pdf-versions')).toBeNull();
    expect(await backend.issuedPdfs(5)).toEqual([]);
  });

  it('saves a payment’s receipt', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const asked: number[] = [];
    renderWith(InvoicePage, { ...backend, saveReceiptPdf: (id) => (asked.push(id), backend.saveReceiptPdf(id)) }, { id: 1 });
    const [receipt] = await screen.findAllByTestId('receipt-save');
    expect(receipt.textContent).toBe('Receipt…');
    await user.click(receipt);
    expect((await screen.findByTestId('receipt-note')).textContent).toBe('Receipt saved to /home/owner/Documents/Receipt-1.pdf');
    expect(asked).toEqual([1]);
    await expect(backend.saveReceiptPdf(999)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('settings → Email, opened from the send dialog', () => {
  it('puts the focus on the Email section', async () => {
    const backend = await freshBackend();
    location.hash = '#/settings/email';
    try {
      renderWith(Settings, backend);
      await waitFor(() => expect(document.activeElement?.id).toBe('email-heading'));
    } finally {
      location.hash = '';
    }
  });
});

describe('invoice page → send → payments sync', () => {
  it('tells the payments poller a payment may come once the invoice went out with its pay link', async () => {
    const user = userEvent.setup();
    const backend = await mailBackend({ stripe: true });
    const events: string[] = [];
    const spy: Backend = {
      ...backend,
      sendInvoice: async (id, i) => {
        const sent = await backend.sendInvoice(id, i);
        events.push('sent');
        return sent;
      },
      expectPayment: async () => void events.push('expect'),
    };
    renderWith(InvoicePage, spy, { id: 2 });
    await user.click(await screen.findByTestId('send-open'));
    await waitFor(() => expect(input('send-to').value).toBe('ana.souza@example.com'));
    await user.click(screen.getByTestId('send-submit'));
    expect((await screen.findByTestId('send-result')).textContent).toBe('Sent to ana.souza@example.com');
    expect(events.slice(events.indexOf('sent'))).toContain('expect');
  });
});
