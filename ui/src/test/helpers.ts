import { render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { createMockBackend } from '../lib/backend/mock';
import { BACKEND_CONTEXT_KEY } from '../lib/backend/context';
import { session } from '../lib/session.svelte';
import type { Backend } from '../lib/backend/backend';

/** A fresh seeded mock backend; the session takes its business profile (fr-FR, EUR) and Stripe status. */
export async function freshBackend(): Promise<Backend> {
  const backend = createMockBackend({ now: () => new Date('2026-11-23T10:00:00Z') });
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
