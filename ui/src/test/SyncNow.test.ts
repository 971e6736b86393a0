import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import StripeSettings from '../screens/settings/StripeSettings.svelte';
import Dashboard from '../screens/Dashboard.svelte';
import type { Backend } from '../lib/backend/backend';
import type { PassReport } from '../lib/backend/types';
import { freezeDate, renderWith, stripeBackend } from './helpers';

const AUTH = "Stripe didn't accept this key: it may have been deleted or rolled, or belongs to another account.";

/** A backend whose syncNow waits until released: the running state can be seen. */
function gated(backend: Backend) {
  let release: () => void = () => {};
  const slow: Backend = {
    ...backend,
    syncNow: async (): Promise<PassReport[]> => {
      await new Promise<void>((r) => (release = r));
      return backend.syncNow();
    },
  };
  return { slow, release: () => release() };
}

describe('settings → Stripe → payments sync', () => {
  beforeEach(freezeDate);
  afterEach(() => vi.useRealTimers());

  it('Sync now is disabled while it runs, then says what it applied and when Paydesk last checked', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    await backend.syncPayLink(2);
    backend.stripeWorld.clientPays({ invoiceId: 2 });
    const { slow, release } = gated(backend);
    renderWith(StripeSettings, slow);

    const sync = await screen.findByTestId('stripe-sync');
    expect(within(sync).getByRole('heading', { name: 'Payments sync' })).toBeTruthy();
    expect(await within(sync).findByText('Not checked yet')).toBeTruthy();
    expect(screen.getByTestId('sync-reads-test').textContent).toBe('Stripe requests today: 0');

    const button = screen.getByRole('button', { name: 'Sync now' });
    await user.click(button);
    expect(button).toHaveProperty('disabled', true);
    expect(screen.getByTestId('sync-result').textContent).toContain('Checking Stripe for new payments…');
    release();

    await waitFor(() => expect(screen.getByTestId('sync-result').textContent?.trim()).toBe('1 new event applied.'));
    expect(button).toHaveProperty('disabled', false);
    await waitFor(() => expect(screen.getByTestId('sync-last-checked-test').textContent).toContain('Last checked just now'));
    expect(screen.getByTestId('sync-reads-test').textContent).toBe('Stripe requests today: 2');
    expect((await backend.getInvoice(2)).status).toBe('paid');

    // Nothing new the second time.
    await user.click(button);
    release();
    await waitFor(() => expect(screen.getByTestId('sync-result').textContent?.trim()).toBe('Up to date: nothing new at Stripe.'));
  });

  it('shows why a pass failed, with the Reconnect Stripe hint for a key Stripe refuses', async () => {
    const user = userEvent.setup();
    const backend = await stripeBackend();
    backend.stripeWorld.failPasses({ code: 'stripe_auth', message: AUTH });
    renderWith(StripeSettings, backend);

    await user.click(await screen.findByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(screen.getByTestId('sync-result').textContent).toContain(AUTH));
    const problem = await screen.findByTestId('sync-problem-test');
    expect(problem.textContent).toContain(AUTH);
    expect(within(problem).getByTestId('sync-reconnect-test').textContent).toContain('Reconnect Stripe');

    // Fixed: the next pass clears the problem.
    backend.stripeWorld.failPasses(null);
    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(screen.queryByTestId('sync-problem-test')).toBeNull());
    expect(screen.getByTestId('sync-result').textContent?.trim()).toBe('Up to date: nothing new at Stripe.');
  });

  it('shows a catch-up in progress and the permission a restricted key lacks', async () => {
    const backend = await stripeBackend();
    const missing =
      'This restricted key is missing permissions Paydesk needs: Events (rak_event_read). Edit the key in the Stripe Dashboard (Developers → API keys), allow these, and connect again.';
    renderWith(StripeSettings, {
      ...backend,
      syncStatus: async () => [
        {
          mode: 'test',
          watermark: null,
          last_pass_at: new Date(Date.now() - 125_000).toISOString(),
          last_success_at: new Date(Date.now() - 3_700_000).toISOString(),
          last_error: missing,
          last_error_code: 'stripe_permission',
          reads_today: 7,
          catch_up: 'Catching up: 120 of 480 events applied…',
        },
      ],
    });
    expect((await screen.findByTestId('sync-last-checked-test')).textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Last checked 2 minutes ago · last successful check 1 hour ago',
    );
    expect(screen.getByTestId('sync-catch-up-test').textContent).toBe('Catching up: 120 of 480 events applied…');
    expect(screen.getByTestId('sync-problem-test').textContent).toContain('Events (rak_event_read)');
    expect(screen.getByTestId('sync-permission-test')).toBeTruthy();
    expect(screen.getByTestId('sync-reads-test').textContent).toBe('Stripe requests today: 7');
  });

  it('on the Dashboard, a failing sync links to Settings → Stripe to reconnect', async () => {
    const backend = await stripeBackend();
    backend.stripeWorld.failPasses({ code: 'stripe_auth', message: AUTH });
    await backend.syncNow();
    renderWith(Dashboard, backend);
    const problem = await screen.findByTestId('sync-problem-test');
    expect(problem.textContent).toContain(`Paydesk can't check Stripe (test mode) for payments: ${AUTH}`);
    expect(problem.textContent).toContain('Reconnect Stripe: disconnect test mode in Settings → Stripe');
    expect(within(problem).getByRole('link', { name: 'Reconnect Stripe' }).getAttribute('href')).toBe('#/settings/stripe');
  });
});
