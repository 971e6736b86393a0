import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

const KEY = Symbol('backend');

/** Makes `backend` available to every component below the caller (App, or a test's render). */
export function provideBackend(backend: Backend): void {
  setContext(KEY, backend);
}

/** The backend given by App (or a test). Call during component initialisation. */
export function useBackend(): Backend {
  const b = getContext<Backend | undefined>(KEY);
  if (!b) throw new Error('No backend: render inside App or pass one in the context.');
  return b;
}

export const BACKEND_CONTEXT_KEY = KEY;
