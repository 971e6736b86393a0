import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ClientForm from '../screens/clients/ClientForm.svelte';
import { freshBackend, renderWith } from './helpers';

describe('client form', () => {
  it('shows a bad email next to the email field and keeps what was typed', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const before = (await backend.listClients('', 100, 0)).length;
    renderWith(ClientForm, backend);

    await user.type(screen.getByTestId('name'), 'Chloé Petit');
    await user.type(screen.getByTestId('email'), 'chloe@example');
    await user.type(screen.getByTestId('phone'), '+33 6 00 00 00 00');

    // As you type…
    const error = screen.getByTestId('error-email');
    expect(error.textContent).toBe('"chloe@example" isn\'t an email address. It should look like name@example.com.');

    // …and from the backend when saving anyway.
    await user.click(screen.getByTestId('save'));
    await screen.findByTestId('form-error');
    expect(screen.getByTestId('error-email').textContent).toContain("isn't an email address");
    expect(screen.getByTestId('email').getAttribute('aria-describedby')).toBe('email-error');
    expect((screen.getByTestId('name') as HTMLInputElement).value).toBe('Chloé Petit');
    expect((screen.getByTestId('email') as HTMLInputElement).value).toBe('chloe@example');
    expect((screen.getByTestId('phone') as HTMLInputElement).value).toBe('+33 6 00 00 00 00');
    expect((await backend.listClients('', 100, 0)).length).toBe(before);
  });

  it('saves a valid client', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    let saved = '';
    renderWith(ClientForm, backend, { onsaved: (c: { name: string }) => (saved = c.name) });
    await user.type(screen.getByTestId('name'), '  Chloé Petit ');
    await user.type(screen.getByTestId('email'), 'chloe@example.com');
    await user.click(screen.getByTestId('save'));
    await expect.poll(() => saved).toBe('Chloé Petit');
    expect((await backend.listClients('chloé', 10, 0)).map((c) => c.email)).toEqual(['chloe@example.com']);
  });
});
