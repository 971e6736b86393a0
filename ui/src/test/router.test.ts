import { describe, expect, it } from 'vitest';
import { navigate, parseRoute, takeFlash } from '../lib/router.svelte';

describe('router', () => {
  it('parses screens, ids and actions, and falls back to the dashboard', () => {
    expect(parseRoute('#/invoices/12')).toEqual({ screen: 'invoices', action: null, id: 12 });
    expect(parseRoute('#/clients/3/edit')).toEqual({ screen: 'clients', action: 'edit', id: 3 });
    expect(parseRoute('#/services/new')).toEqual({ screen: 'services', action: 'new', id: null });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'dashboard', action: null, id: null });
  });

  it('hands a navigation note to the screen it was left for, once', () => {
    navigate('/invoices/7', 'draft-saved');
    expect(takeFlash()).toBe('draft-saved');
    expect(takeFlash()).toBeNull();
  });

  it('drops a note when the owner went somewhere else first', () => {
    navigate('/invoices/8', 'draft-saved');
    location.hash = '#/clients';
    expect(takeFlash()).toBeNull();
    navigate('/invoices/9');
    expect(takeFlash()).toBeNull();
  });
});
