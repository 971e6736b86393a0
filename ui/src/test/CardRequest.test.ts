import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ClientPage from '../screens/clients/ClientPage.svelte';
import type { Backend } from '../lib/backend/backend';
import { createMockBackend, type MockBackend } from '../lib/backend/mock';
import type { SmtpInput } from '../lib/backend/types';
import { freshBackend, MOCK_NOW, renderWith, stripeBackend } from './helpers';

// Zoë Martin (client 1) has zoe@example.com saved; Mia Dubois (client 4) has no email address.
const ZOE = 1;
const MIA = 4;
const SMTP: SmtpInput = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'desk@studio.example',
  from_name: '',
  from_address: 'desk@studio.example',
};
const NOTICE = (to: string) => `Emailed ${to} a Stripe page to save a card. The link works for 24 hours.`;

/** The seeded mock with Stripe test mode and email set up. */
async function ready(): Promise<MockBackend> {
  const backend = await stripeBackend();
  await backend.configureSmtp(SMTP, 'app-password');
  return backend;
}

/** The backend with every sendCardRequest call noted. */
function watching(backend: Backend) {
  const calls: [number, string | null][] = [];
  const spy: Backend = { ...backend, sendCardRequest: (id, to) => (calls.push([id, to]), backend.sendCardRequest(id, to)) };
  return { spy, calls };
}

const field = () => screen.getByTestId('card-request-to') as HTMLInputElement;

describe('client page → ask to save a card', () => {
  it('emails the client’s address, prefilled, and says so', async () => {
    const user = userEvent.setup();
    const { spy, calls } = watching(await ready());
    renderWith(ClientPage, spy, { id: ZOE, editing: false });

    await user.click(await screen.findByTestId('card-request'));
    expect(field().value).toBe('zoe@example.com');
    expect(document.activeElement).toBe(field());
    expect(screen.queryByTestId('card-request')).toBeNull();
    await user.click(screen.getByTestId('card-request-send'));

    expect((await screen.findByTestId('card-request-sent')).textContent).toBe(NOTICE('zoe@example.com'));
    expect(calls).toEqual([[ZOE, 'zoe@example.com']]);
    // The form closes; the button asks again.
    expect(screen.queryByTestId('card-request-to')).toBeNull();
    expect(screen.getByTestId('card-request')).toBeTruthy();
  });

  it('sends to another address typed for this email', async () => {
    const user = userEvent.setup();
    const { spy, calls } = watching(await ready());
    renderWith(ClientPage, spy, { id: ZOE, editing: false });

    await user.click(await screen.findByTestId('card-request'));
    await user.clear(field());
    await user.type(field(), 'zoe.work@example.org');
    await user.click(screen.getByTestId('card-request-send'));

    expect((await screen.findByTestId('card-request-sent')).textContent).toBe(NOTICE('zoe.work@example.org'));
    expect(calls).toEqual([[ZOE, 'zoe.work@example.org']]);
  });

  it('for a client without email, says so next to the field and keeps what was typed', async () => {
    const user = userEvent.setup();
    const { spy, calls } = watching(await ready());
    renderWith(ClientPage, spy, { id: MIA, editing: false });

    await user.click(await screen.findByTestId('card-request'));
    expect(field().value).toBe('');
    await user.click(screen.getByTestId('card-request-send'));
    expect((await screen.findByTestId('error-card-request-to')).textContent).toBe(
      'Mia Dubois has no email address saved. Type the address to send to.',
    );
    expect(field().getAttribute('aria-invalid')).toBe('true');

    await user.type(field(), 'mia@dubois');
    // Typing clears the old message.
    expect(screen.queryByTestId('error-card-request-to')).toBeNull();
    await user.click(screen.getByTestId('card-request-send'));
    expect((await screen.findByTestId('error-card-request-to')).textContent).toBe(
      '"mia@dubois" isn\'t an email address. It should look like name@example.com.',
    );
    expect(field().value).toBe('mia@dubois');
    expect(screen.queryByTestId('card-request-sent')).toBeNull();

    await user.type(field(), '.example');
    await user.click(screen.getByTestId('card-request-send'));
    expect((await screen.findByTestId('card-request-sent')).textContent).toBe(NOTICE('mia@dubois.example'));
    expect(calls.map(([, to]) => to)).toEqual(['', 'mia@dubois', 'mia@dubois.example']);
  });

  it('says what to set up first, keeping the address typed', async () => {
    const user = userEvent.setup();
    // Email set up, Stripe not connected.
    const backend = await freshBackend();
    await backend.configureSmtp(SMTP, 'app-password');
    renderWith(ClientPage, backend, { id: ZOE, editing: false });

    await user.click(await screen.findByTestId('card-request'));
    await user.clear(field());
    await user.type(field(), 'zoe.work@example.org');
    await user.click(screen.getByTestId('card-request-send'));
    expect((await screen.findByTestId('error-card-request-to')).textContent).toBe(
      "Stripe test mode isn't connected yet. Connect it with your Stripe key first.",
    );
    expect(field().value).toBe('zoe.work@example.org');
  });

  it('says email needs setting up when it isn’t', async () => {
    const user = userEvent.setup();
    renderWith(ClientPage, await stripeBackend(), { id: ZOE, editing: false });
    await user.click(await screen.findByTestId('card-request'));
    await user.click(screen.getByTestId('card-request-send'));
    expect((await screen.findByTestId('error-card-request-to')).textContent).toBe('Set up email in Settings → Email first.');
    expect(field().value).toBe('zoe@example.com');
  });

  it('Cancel closes the form without asking', async () => {
    const user = userEvent.setup();
    const { spy, calls } = watching(await ready());
    renderWith(ClientPage, spy, { id: ZOE, editing: false });
    await user.click(await screen.findByTestId('card-request'));
    await user.click(screen.getByTestId('card-request-cancel'));
    expect(screen.queryByTestId('card-request-to')).toBeNull();
    expect(calls).toEqual([]);
  });
});

describe('mock backend → sendCardRequest', () => {
  it('asking twice within half a day gives the same open page; a day later a new one', async () => {
    let clock = new Date(MOCK_NOW);
    const backend = createMockBackend({ now: () => new Date(clock) });
    await backend.stripeConnect('sk_test_51MockKeyAbCd9876', null);
    await backend.configureSmtp(SMTP, 'app-password');

    const first = await backend.sendCardRequest(ZOE, null);
    expect(first).toMatchObject({ client_id: ZOE, status: 'open', emailed_to: 'zoe@example.com' });
    expect(first.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(first.expires_at).toBe(new Date(MOCK_NOW.getTime() + 24 * 3600_000).toISOString());

    clock = new Date(MOCK_NOW.getTime() + 3 * 3600_000);
    const again = await backend.sendCardRequest(ZOE, ' zoe.work@example.org ');
    expect(again).toMatchObject({ id: first.id, status: 'open', url: first.url, emailed_to: 'zoe.work@example.org' });

    // Another client gets a page of their own.
    const other = await backend.sendCardRequest(2, null);
    expect(other.url).not.toBe(first.url);

    // Stripe's page lives 24 hours: the next day's request is a new one.
    clock = new Date(MOCK_NOW.getTime() + 24 * 3600_000);
    const later = await backend.sendCardRequest(ZOE, null);
    expect(later.url).not.toBe(first.url);
    expect(later.status).toBe('open');
  });

  it('rejects like the core: no address, a wrong one, no email set up, no Stripe, an unknown client', async () => {
    const backend = await freshBackend();
    await expect(backend.sendCardRequest(ZOE, null)).rejects.toMatchObject({
      code: 'mail_not_configured',
      message: 'Set up email in Settings → Email first.',
    });
    await backend.configureSmtp(SMTP, 'app-password');
    await expect(backend.sendCardRequest(ZOE, null)).rejects.toMatchObject({
      code: 'stripe_not_connected',
      message: "Stripe test mode isn't connected yet. Connect it with your Stripe key first.",
    });
    await backend.stripeConnect('sk_test_51MockKeyAbCd9876', null);
    await expect(backend.sendCardRequest(MIA, null)).rejects.toMatchObject({
      code: 'invalid',
      field: 'to',
      message: 'Mia Dubois has no email address saved. Type the address to send to.',
    });
    await expect(backend.sendCardRequest(MIA, '  ')).rejects.toMatchObject({ code: 'invalid', field: 'to' });
    await expect(backend.sendCardRequest(MIA, 'mia')).rejects.toMatchObject({
      code: 'invalid',
      field: 'to',
      message: '"mia" isn\'t an email address. It should look like name@example.com.',
    });
    await expect(backend.sendCardRequest(999, null)).rejects.toMatchObject({ code: 'not_found' });
    expect(await backend.sendCardRequest(MIA, 'mia@example.com')).toMatchObject({ client_id: MIA, status: 'open', emailed_to: 'mia@example.com' });
  });
});
