import type { Backend } from './backend';

export { BackendError, type Backend } from './backend';

/** Tauri's backend inside the desktop app; the in-memory mock in a plain browser (`npm run dev`). */
export async function pickBackend(): Promise<Backend> {
  if (typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window) {
    return (await import('./tauri')).tauriBackend;
  }
  // In the browser demo "Sign in with…" takes a moment, as if the owner were signing in, and
  // "Sync now" finds that a client paid the newest live pay link.
  return (await import('./mock')).createMockBackend({ signInDelayMs: 2000, demoPayments: true });
}
