import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Settings from '../screens/Settings.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import { createMockBackend, MOCK_WRONG_PASSWORD } from '../lib/backend/mock';
import type { EmailSettings } from '../lib/backend/types';
import { session } from '../lib/session.svelte';
import { freshBackend, renderWith } from './helpers';

const PASSWORD = 'app-password-7g4k';

type User = ReturnType<typeof userEvent.setup>;
const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const errorOf = (id: string) => screen.queryByTestId(`error-${id}`)?.textContent ?? null;

async function typeInto(user: User, testid: string, text: string) {
  await user.clear(input(testid));
  if (text) await user.type(input(testid), text);
}

/** Fills the SMTP form for a provider's server with a login. */
async function fillSmtp(user: User, host = 'smtp.example.com', password = PASSWORD) {
  await typeInto(user, 'email-host', host);
  await typeInto(user, 'email-username', 'zoe@example.com');
  await typeInto(user, 'email-password', password);
  await typeInto(user, 'email-from-address', 'zoe@example.com');
}

/** Nothing on screen carries the password: no text, and no field holds it. */
function passwordNowhere(password = PASSWORD) {
  expect(document.body.textContent).not.toContain(password);
  for (const el of document.querySelectorAll('input')) expect(el.value).not.toBe(password);
}

describe('settings → Email', () => {
  it('checks the SMTP form as it is typed, keeps everything typed when saving fails, then saves and never shows the password back', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    let failOnce = true;
    const flaky: Backend = {
      ...backend,
      configureSmtp: async (i, p) => {
        if (failOnce) {
          failOnce = false;
          throw new BackendError('keychain_unavailable', "Paydesk couldn't open this computer's keychain. Unlock it and try again.");
        }
        return backend.configureSmtp(i, p);
      },
    };
    renderWith(Settings, flaky);
    expect((await screen.findByTestId('email-status')).textContent).toContain('Not set up');
    expect(input('email-port').value).toBe('587');
    expect(input('email-password').type).toBe('password');
    expect(input('email-from-name').placeholder).toBe('Studio Lumière');

    // A pasted URL with its port: named next to the field as it is typed.
    await typeInto(user, 'email-host', 'smtp://smtp.example.com');
    expect(errorOf('email-host')).toBe("Enter just the server's name, like smtp.example.com, without smtp:// in front.");
    expect(input('email-host').getAttribute('aria-invalid')).toBe('true');
    await typeInto(user, 'email-port', '70000');
    expect(errorOf('email-port')).toContain("70000 isn't a port. Ports go from 1 to 65535");
    await typeInto(user, 'email-username', 'zoe@example.com');
    await typeInto(user, 'email-password', PASSWORD);
    await typeInto(user, 'email-from-address', 'zoe@');
    expect(errorOf('email-from-address')).toBeNull(); // judged once the field is left
    await user.tab();
    expect(errorOf('email-from-address')).toContain("isn't an email address");

    // Saving with mistakes sends nothing, says so, and keeps every field (the password too).
    await user.click(screen.getByTestId('email-save'));
    expect(screen.getByTestId('email-form-error').textContent).toContain('Some fields need fixing');
    expect(document.activeElement).toBe(input('email-host'));
    expect(await backend.emailSettings()).toBeNull();
    expect(input('email-password').value).toBe(PASSWORD);

    await typeInto(user, 'email-host', 'SMTP.Example.com');
    await typeInto(user, 'email-port', '587');
    await typeInto(user, 'email-from-address', 'zoe@example.com');
    await typeInto(user, 'email-reply-to', 'bookings@example.com');
    expect(errorOf('email-host')).toBeNull();
    expect(errorOf('email-port')).toBeNull();
    expect(errorOf('email-from-address')).toBeNull();

    // The backend refuses (a locked keychain): the message shows, and what was typed stays.
    await user.click(screen.getByTestId('email-save'));
    expect((await screen.findByTestId('email-form-error')).textContent).toContain("couldn't open this computer's keychain");
    expect(input('email-host').value).toBe('SMTP.Example.com');
    expect(input('email-password').value).toBe(PASSWORD);
    expect(await backend.emailSettings()).toBeNull();

    // Ctrl+S in the form saves it.
    await user.click(input('email-host'));
    await user.keyboard('{Control>}s{/Control}');
    const tile = await screen.findByTestId('email-status');
    expect(screen.queryByTestId('saved')).toBeNull(); // not the business profile's Ctrl+S
    expect(screen.getByTestId('email-saved').textContent).toContain('Saved. Send a test message');
    expect(screen.getByTestId('email-server').textContent).toBe('smtp.example.com:587 · STARTTLS');
    expect(screen.getByTestId('email-login').textContent).toBe('zoe@example.com, password saved in the keychain');
    expect(screen.getByTestId('email-from').textContent).toBe('Studio Lumière <zoe@example.com>');
    expect(screen.getByTestId('email-reply-to-shown').textContent).toBe('bookings@example.com');
    expect(tile.textContent).toContain('Ready to send');
    expect(screen.queryByTestId('email-password')).toBeNull();
    passwordNowhere();
    const saved = (await backend.emailSettings()) as EmailSettings;
    expect(saved).toMatchObject({ host: 'smtp.example.com', port: 587, security: 'starttls', username: 'zoe@example.com', password_stored: true });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);

    // Change: the password field is empty and means "keep it"; saving keeps the saved one.
    await user.click(screen.getByTestId('email-change'));
    expect(document.activeElement).toBe(input('email-host'));
    expect(input('email-host').value).toBe('smtp.example.com');
    expect(input('email-password').value).toBe('');
    expect(input('email-password').placeholder).toContain('leave empty to keep it');
    expect(document.getElementById('email-password-hint')?.textContent).toContain('Password saved in the keychain');
    await typeInto(user, 'email-from-name', 'Salon Zoë');
    await user.click(screen.getByTestId('email-save'));
    expect((await screen.findByTestId('email-from')).textContent).toBe('Salon Zoë <zoe@example.com>');
    expect((await backend.emailSettings())?.password_stored).toBe(true);
    passwordNowhere();
  });

  it('refuses unencrypted SMTP to a server that is not on this computer, next to the security field', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    await screen.findByTestId('email-form');

    await typeInto(user, 'email-host', 'mail.example.com');
    await user.selectOptions(screen.getByTestId('email-security'), 'plain');
    expect(errorOf('email-security')).toContain('Unencrypted connections are only allowed to a mail server on this computer (localhost)');
    expect(screen.getByTestId('email-security').getAttribute('aria-invalid')).toBe('true');
    await typeInto(user, 'email-from-address', 'zoe@example.com');
    await user.click(screen.getByTestId('email-save'));
    expect(document.activeElement).toBe(screen.getByTestId('email-security'));
    expect(await backend.emailSettings()).toBeNull();

    // The backend holds the same rule: a form that skipped the check gets the error on `security`.
    const refused = await backend
      .configureSmtp({ host: 'mail.example.com', port: 25, security: 'plain', username: '', from_name: '', from_address: 'zoe@example.com' }, null)
      .catch((e: unknown) => BackendError.from(e));
    expect(refused).toMatchObject({ code: 'invalid', field: 'security' });

    // A relay on this computer takes plain SMTP without a login.
    await typeInto(user, 'email-host', '127.0.0.1');
    expect(errorOf('email-security')).toBeNull();
    await typeInto(user, 'email-port', '2525');
    await user.click(screen.getByTestId('email-save'));
    expect((await screen.findByTestId('email-server')).textContent).toBe('127.0.0.1:2525 · None (unencrypted)');
    expect(screen.getByTestId('email-login').textContent).toBe('No login (the server takes mail without one)');
  });

  it('puts an error the backend finds next to its field', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, {
      ...backend,
      configureSmtp: async () => {
        throw new BackendError('invalid', 'The mail server name is too long for this test.', 'host');
      },
    });
    await screen.findByTestId('email-form');
    await fillSmtp(user);
    await user.click(screen.getByTestId('email-save'));
    expect(await screen.findByTestId('error-email-host')).toBeTruthy();
    expect(errorOf('email-host')).toBe('The mail server name is too long for this test.');
    expect(document.activeElement).toBe(input('email-host'));
    expect(input('email-password').value).toBe(PASSWORD);
    // Editing the field clears the backend's error.
    await user.type(input('email-host'), 'x');
    expect(errorOf('email-host')).toBeNull();
  });

  it('sends a test message to the business email, and shows the server refusing the login in plain words', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const sentTo: string[] = [];
    renderWith(Settings, { ...backend, sendTestEmail: (to) => (sentTo.push(to), backend.sendTestEmail(to)) });
    await screen.findByTestId('email-form');
    await fillSmtp(user);
    await user.click(screen.getByTestId('email-save'));
    await screen.findByTestId('email-status');

    expect(input('email-test-to').value).toBe(session.business.email);
    await user.click(screen.getByTestId('email-test-send'));
    const ok = await screen.findByTestId('email-test-result');
    expect(ok.dataset.ok).toBe('true');
    expect(ok.getAttribute('role')).toBe('status');
    expect(ok.textContent).toMatch(/^Test message sent to bonjour@studio-lumiere\.example at \d{1,2}[:.h]\d{2}/);
    expect(ok.textContent).toMatch(/Message-ID: <[0-9a-f]+\.\d+@example\.com>/);
    expect(sentTo).toEqual(['bonjour@studio-lumiere.example']);

    // A mistyped address is caught before anything is sent.
    await typeInto(user, 'email-test-to', 'owner@');
    await user.click(screen.getByTestId('email-test-send'));
    expect(errorOf('email-test-to')).toContain("isn't an email address");
    expect(sentTo).toHaveLength(1);

    // The wrong password: saved, then refused by the server when sending.
    await user.click(screen.getByTestId('email-change'));
    await typeInto(user, 'email-password', MOCK_WRONG_PASSWORD);
    await user.click(screen.getByTestId('email-save'));
    await screen.findByTestId('email-status');
    await typeInto(user, 'email-test-to', 'owner@example.com');
    expect(errorOf('email-test-to')).toBeNull();
    await user.click(screen.getByTestId('email-test-send'));
    const failed = await screen.findByTestId('email-test-result');
    expect(failed.dataset.ok).toBe('false');
    expect(failed.getAttribute('role')).toBe('alert');
    expect(failed.textContent).toContain('The mail server refused the username or password for zoe@example.com');
    expect(failed.textContent).toContain('app password');
    expect(failed.textContent).not.toContain('Message-ID');
    expect(sentTo).toEqual(['bonjour@studio-lumiere.example', 'owner@example.com']);
  });

  it('disconnects only after confirming, and goes back to the set-up form', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    await screen.findByTestId('email-form');
    await fillSmtp(user);
    await user.click(screen.getByTestId('email-save'));
    await screen.findByTestId('email-status');

    await user.click(screen.getByTestId('email-disconnect'));
    expect(document.activeElement).toBe(screen.getByTestId('email-cancel-disconnect'));
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('email-confirm-disconnect')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('email-disconnect'));
    await user.click(screen.getByTestId('email-disconnect'));
    await user.click(screen.getByTestId('email-cancel-disconnect'));
    expect(await backend.emailSettings()).not.toBeNull();

    await user.click(screen.getByTestId('email-disconnect'));
    await user.click(screen.getByTestId('email-confirm-disconnect'));
    expect((await screen.findByTestId('email-saved')).textContent).toContain("removed the password (or the sign-in) from this computer's keychain");
    expect(screen.getByTestId('email-status').textContent).toContain('Not set up');
    expect(input('email-host').value).toBe('');
    expect(input('email-password').value).toBe('');
    expect(await backend.emailSettings()).toBeNull();
  });

  it('signs in with Google: asks for the address first, shows it is waiting for the browser, then the settings', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    renderWith(Settings, {
      ...backend,
      signInEmail: async (i) => {
        await gate;
        return backend.signInEmail(i);
      },
    });
    await screen.findByTestId('email-form');
    await user.click(screen.getByTestId('email-method-oauth'));
    expect(screen.queryByTestId('email-form')).toBeNull();

    await user.click(screen.getByTestId('email-sign-in-google'));
    expect(errorOf('email-oauth-address')).toBe('Enter the Gmail or Outlook address to send from.');
    expect(document.activeElement).toBe(input('email-oauth-address'));
    expect(screen.queryByTestId('email-signing-in')).toBeNull();

    await user.type(input('email-oauth-address'), 'zoe.salon@gmail.com');
    await user.click(screen.getByTestId('email-sign-in-google'));
    const waiting = await screen.findByTestId('email-signing-in');
    expect(waiting.textContent).toContain('Waiting for you to finish signing in in your browser…');
    expect(within(waiting).getByRole('progressbar')).toBeTruthy();
    expect((screen.getByTestId('email-sign-in-google') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('email-sign-in-microsoft') as HTMLButtonElement).disabled).toBe(true);
    release();

    expect((await screen.findByTestId('email-login')).textContent).toBe('Signed in with Google as zoe.salon@gmail.com');
    expect(screen.queryByTestId('email-signing-in')).toBeNull();
    expect(screen.getByTestId('email-server').textContent).toBe('smtp.gmail.com:465 · TLS');
    expect(screen.getByTestId('email-from').textContent).toBe('Studio Lumière <zoe.salon@gmail.com>');
    expect(screen.getByTestId('email-saved').textContent).toContain('Signed in with Google');
    expect(await backend.emailSettings()).toMatchObject({ auth: 'oauth_google', password_stored: true });

    // Change opens the sign-in side, with the address filled in.
    await user.click(screen.getByTestId('email-change'));
    expect((screen.getByTestId('email-method-oauth') as HTMLInputElement).checked).toBe(true);
    expect(input('email-oauth-address').value).toBe('zoe.salon@gmail.com');
    await user.click(screen.getByTestId('email-cancel'));
    expect(screen.getByTestId('email-status')).toBeTruthy();
  });

  it('says plainly when this build of Paydesk cannot sign in with Microsoft', async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ oauth: false, now: () => new Date('2026-11-23T10:00:00Z') });
    session.business = await backend.getBusiness();
    renderWith(Settings, backend);
    await screen.findByTestId('email-form');
    await user.click(screen.getByTestId('email-method-oauth'));
    await user.type(input('email-oauth-address'), 'zoe@outlook.com');
    await user.click(screen.getByTestId('email-sign-in-microsoft'));
    const error = await screen.findByTestId('email-sign-in-error');
    expect(error.textContent).toContain("signing in with Microsoft isn't available in this build of Paydesk");
    expect(error.textContent).toContain('app password');
    expect(input('email-oauth-address').value).toBe('zoe@outlook.com');
    expect(screen.getByTestId('email-status').textContent).toContain('Not set up');
  });
});

describe('mock backend: invoice emails', () => {
  it('drafts the email of a finalized invoice as the core does, refuses drafts, and starts with an empty sent log', async () => {
    const backend = await freshBackend();
    const draft = await backend.invoiceEmailDraft(2);
    const inv = await backend.getInvoice(2);
    const client = await backend.getClient(inv.client_id);
    expect(draft).toEqual({
      to: client.email,
      subject: `Invoice ${inv.number} from Studio Lumière`,
      message: `Hello ${client.name},\n\nHere is your invoice ${inv.number}. Thank you!`,
    });
    await expect(backend.invoiceEmailDraft(5)).rejects.toMatchObject({
      code: 'conflict',
      message: 'Draft 5 is a draft. Finalize it first, so the client gets an invoice with a number.',
    });
    expect(await backend.invoiceEmails(2)).toEqual([]);
    await expect(backend.invoiceEmails(999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('needs email set up, a saved password, and a recipient before a test is sent', async () => {
    const backend = await freshBackend();
    await expect(backend.sendTestEmail('owner@example.com')).rejects.toMatchObject({ code: 'mail_not_configured' });
    await expect(backend.sendTestEmail('')).rejects.toMatchObject({ field: 'to', message: 'Enter the email address to send to.' });
    const input = { host: 'smtp.example.com', port: 587, security: 'starttls' as const, username: 'zoe@example.com', from_name: '', from_address: 'zoe@example.com' };
    await expect(backend.configureSmtp(input, null)).rejects.toMatchObject({ field: 'password', message: 'Enter the password for zoe@example.com.' });
    await expect(backend.configureSmtp({ ...input, username: '' }, 'secret')).rejects.toMatchObject({ field: 'username' });
    await expect(backend.configureSmtp({ ...input, port: 0 }, 'secret')).rejects.toMatchObject({ field: 'port' });
    expect(await backend.configureSmtp(input, 'secret')).toMatchObject({ password_stored: true, reply_to: null });
    // An empty password keeps the saved one; no user name means no login and no password kept.
    expect(await backend.configureSmtp(input, '')).toMatchObject({ password_stored: true });
    expect(await backend.configureSmtp({ ...input, username: '' }, null)).toMatchObject({ password_stored: false });
    await expect(backend.sendTestEmail('owner@example.com')).resolves.toMatch(/^<.+@example\.com>$/);
    expect(await backend.disconnectEmail()).toBe(true);
    expect(await backend.disconnectEmail()).toBe(false);
  });
});
