import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { createMockBackend } from '../lib/backend/mock';
import { navigate } from '../lib/router.svelte';

describe('app shell', () => {
  it('opens every screen from the sidebar', async () => {
    render(App, { props: { backend: createMockBackend() } });
    await screen.findByTestId('nav-dashboard');
    const screens: [string, string][] = [
      ['clients', 'Clients'],
      ['services', 'Services'],
      ['staff', 'Staff'],
      ['calendar', 'Calendar'],
      ['invoices', 'Invoices'],
      ['jobs', 'Jobs'],
      ['payments', 'Payments'],
      ['reports', 'Reports'],
      ['settings', 'Settings'],
      ['dashboard', 'Dashboard'],
    ];
    for (const [screenName, title] of screens) {
      navigate(`/${screenName}`);
      await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(title));
      expect(screen.getByTestId(`nav-${screenName}`).getAttribute('aria-current')).toBe('page');
    }
  });
});
