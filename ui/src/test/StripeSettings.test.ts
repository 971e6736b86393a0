import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Settings from '../screens/Settings.svelte';
import Sidebar from '../components/Sidebar.svelte';
import { BackendError, type Backend } from '../lib/backend/backend';
import type { Connected } from '../lib/backend/types';
import { freshBackend, renderWith } from './helpers';

const TEST_KEY = 'sk_test_51MockKeyAbCd9876';

const keyField = () => screen.getByTestId('stripe-key') as HTMLInputElement;

async function connectWith(user: ReturnType<typeof userEvent.setup>, pasted: string) {
  await user.click(keyField());
  await user.paste(pasted);
  await user.click(screen.getByTestId('stripe-connect'));
}

describe('settings → Stripe', () => {
  it('refuses a wrong key next to the field, in plain words, keeping what was typed', async () => {
    const user = userEvent.setup();
    renderWith(Settings, await freshBackend());
    await screen.findByTestId('stripe-form');
    expect(keyField().type).toBe('password');

    await connectWith(user, 'pk_test_51AbCdEfGh1234');
    const error = await screen.findByTestId('error-stripe-key');
    expect(error.textContent).toContain("That's the publishable key (pk_test_…)");
    expect(error.textContent).toContain('sk_');
    expect(error.textContent).not.toContain('51AbCdEfGh1234');
    expect(keyField().value).toBe('pk_test_51AbCdEfGh1234');
    expect(keyField().getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('stripe-tile-test')).toBeNull();

    // Editing clears the error; a key broken by a space inside is refused too.
    await user.clear(keyField());
    expect(screen.queryByTestId('error-stripe-key')).toBeNull();
    await connectWith(user, 'sk_test_51AbC dEfGh1234');
    expect((await screen.findByTestId('error-stripe-key')).textContent).toContain('in the middle');
    expect(keyField().value).toBe('sk_test_51AbC dEfGh1234');

    await user.clear(keyField());
    await connectWith(user, 'whsec_abcdefghijklmnop');
    expect((await screen.findByTestId('error-stripe-key')).textContent).toContain('webhook signing secret');
  });

  it('shows progress, then the Connected tile with TEST MODE, says spaces were trimmed and never shows the key back', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: Backend = {
      ...backend,
      stripeConnect: async (key, mode): Promise<Connected> => {
        await gate;
        return backend.stripeConnect(key, mode);
      },
    };
    renderWith(Settings, slow);
    render(Sidebar);
    await screen.findByTestId('stripe-form');
    expect(screen.queryByTestId('test-mode-badge')).toBeNull();

    await user.click(keyField());
    await user.paste(`  ${TEST_KEY} \n`);
    expect(screen.getByTestId('stripe-detected-mode').textContent).toContain('TEST MODE');
    await user.click(screen.getByTestId('stripe-connect'));
    expect(screen.getByTestId('stripe-connect').textContent).toContain('Checking with Stripe…');
    expect(screen.getByTestId('stripe-checking')).toBeTruthy();
    release();

    const tile = await screen.findByTestId('stripe-tile-test');
    expect(within(tile).getByTestId('stripe-test-badge').textContent).toBe('TEST MODE');
    expect(screen.getByTestId('stripe-account-test').textContent).toBe('Salon Demo Ltd');
    expect(screen.getByTestId('stripe-country-test').textContent).toBe('GB');
    expect(screen.getByTestId('stripe-currency-test').textContent).toBe('GBP');
    expect(screen.getByTestId('stripe-charges-test').textContent).toBe('Yes');
    expect(screen.getByTestId('stripe-key-test').textContent).toBe('…9876 (secret key)');
    expect(screen.getByTestId('stripe-trimmed').textContent).toContain('removed spaces around the key');
    expect(tile.textContent).not.toContain(TEST_KEY);
    // The field is emptied: the key is in the keychain now, not on screen.
    expect(keyField().value).toBe('');
    expect(screen.queryByTestId('stripe-checking')).toBeNull();
    // Only test mode is connected, so the sidebar says so too.
    expect((await screen.findByTestId('test-mode-badge')).textContent).toBe('TEST MODE');
  });

  it('disconnects only after confirming, and goes back to the form', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    await screen.findByTestId('stripe-form');
    await connectWith(user, TEST_KEY);
    await screen.findByTestId('stripe-tile-test');

    await user.click(screen.getByTestId('stripe-disconnect-test'));
    await user.click(screen.getByTestId('stripe-cancel-disconnect-test'));
    expect(screen.getByTestId('stripe-tile-test')).toBeTruthy();
    expect((await backend.stripeStatus()).test).not.toBeNull();

    await user.click(screen.getByTestId('stripe-disconnect-test'));
    await user.click(screen.getByTestId('stripe-confirm-disconnect-test'));
    expect((await screen.findByTestId('stripe-disconnected')).textContent).toContain("removed from this computer's keychain");
    expect(screen.queryByTestId('stripe-tile-test')).toBeNull();
    expect(keyField().value).toBe('');
    expect((await backend.stripeStatus()).test).toBeNull();
  });

  it("lists a restricted key's missing permissions next to the field and links to Stripe's API keys page", async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const opened: string[] = [];
    renderWith(Settings, {
      ...backend,
      stripeConnect: async () => {
        throw new BackendError(
          'stripe_permission',
          'This restricted key is missing permissions Paydesk needs: Payouts (read), Refunds (write). Edit the key in the Stripe Dashboard.',
        );
      },
      openExternal: async (url) => void opened.push(url),
    });
    await screen.findByTestId('stripe-form');
    expect(screen.getByTestId('stripe-guide-write').textContent).toContain('Checkout Sessions');
    expect(screen.getByTestId('stripe-guide-read').textContent).toContain('Balance transactions');

    await connectWith(user, 'rk_test_51AbCdEfGh1234');
    expect((await screen.findByTestId('error-stripe-key')).textContent).toContain('Payouts (read), Refunds (write)');
    expect(keyField().value).toBe('rk_test_51AbCdEfGh1234');

    await user.click(screen.getByTestId('stripe-open-dashboard'));
    expect(opened).toEqual(['https://dashboard.stripe.com/test/apikeys']);
  });

  it('keeps test and live apart when both are connected, and switches between them', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    render(Sidebar);
    await screen.findByTestId('stripe-form');
    await connectWith(user, TEST_KEY);
    await screen.findByTestId('stripe-tile-test');
    expect(await screen.findByTestId('test-mode-badge')).toBeTruthy();

    expect(screen.getByTestId('stripe-form').textContent).toContain('Connect the other mode');
    await connectWith(user, 'rk_live_51MockLiveKey1234');
    const live = await screen.findByTestId('stripe-tile-live');
    const test = screen.getByTestId('stripe-tile-test');
    expect(within(live).getByTestId('stripe-live-badge').textContent).toBe('LIVE');
    expect(within(live).queryByTestId('stripe-test-badge')).toBeNull();
    expect(live.textContent).toContain('acct_1MockLive');
    expect(live.textContent).not.toContain('acct_1MockTest');
    expect(test.textContent).not.toContain('acct_1MockLive');
    expect(screen.getByTestId('stripe-key-live').textContent).toBe('…1234 (restricted key)');
    // Both connected: the form is gone, live is in use, and the sidebar's TEST MODE sign goes away.
    expect(screen.queryByTestId('stripe-form')).toBeNull();
    expect(await screen.findByTestId('stripe-in-use-live')).toBeTruthy();
    await expect.poll(() => screen.queryByTestId('test-mode-badge')).toBeNull();

    await user.click(screen.getByTestId('stripe-use-test'));
    expect(await screen.findByTestId('stripe-in-use-test')).toBeTruthy();
    expect(screen.queryByTestId('stripe-in-use-live')).toBeNull();
    expect(screen.getByTestId('stripe-use-live')).toBeTruthy();
    expect((await screen.findByTestId('test-mode-badge')).textContent).toBe('TEST MODE');
    expect((await backend.stripeStatus()).active).toBe('test');
  });
});
