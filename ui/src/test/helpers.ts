import { render } from '@testing-library/svelte';
import { vi } from 'vitest';
import type { Component } from 'svelte';
import { createMockBackend, type MockBackend } from '../lib/backend/mock';
import { BACKEND_CONTEXT_KEY } from '../lib/backend/context';
import { session } from '../lib/session.svelte';
import type { Backend } from '../lib/backend/backend';

/** The moment the mock backend lives at: what it stamps records with. */
export const MOCK_NOW = new Date('2026-11-23T10:00:00Z');

/** Makes `Date` say MOCK_NOW (timers stay real), so "2 minutes ago" is counted from the mock's clock. Undo with vi.useRealTimers(). */
export function freezeDate(): void {
  vi.useFakeTimers({ toFake: ['Date'], now: MOCK_NOW });
}

/** A fresh seeded mock backend; the session takes its business profile (fr-FR, EUR) and Stripe status. */
export async function freshBackend(): Promise<MockBackend> {
  const backend = createMockBackend({ now: () => new Date(MOCK_NOW) });
  session.business = await backend.getBusiness();
  session.stripe = await backend.stripeStatus();
  return backend;
}

/** Renders a component with `backend` in its context, as App provides it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function renderWith<P extends Record<string, any>>(component: Component<P>, backend: Backend, props?: P) {
  const context = new Map<unknown, unknown>([[BACKEND_CONTEXT_KEY, backend]]);
  // Test helper: props are checked by the Component<P> parameter; render's overloads are looser.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return render(component as Component<any>, { props: props ?? {}, context });
}

/** The seeded mock backend with Stripe test mode connected (the session knows). */
export async function stripeBackend(): Promise<MockBackend> {
  const backend = await freshBackend();
  await backend.stripeConnect('sk_test_51MockKeyAbCd9876', null);
  session.stripe = await backend.stripeStatus();
  return backend;
}
