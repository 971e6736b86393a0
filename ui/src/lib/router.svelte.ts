// Hash routing: "#/invoices/12". Hash URLs work from Tauri's file-based origin and the dev server alike.

export const SCREENS = ['dashboard', 'clients', 'services', 'staff', 'calendar', 'invoices', 'jobs', 'payments', 'reports', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Route {
  screen: Screen;
  /** "new", "edit" or null. */
  action: 'new' | 'edit' | null;
  id: number | null;
}

export function parseRoute(hash: string): Route {
  const [screen = '', second = '', third = ''] = hash.replace(/^#\/?/, '').split('/');
  const s = (SCREENS as readonly string[]).includes(screen) ? (screen as Screen) : 'dashboard';
  if (second === 'new') return { screen: s, action: 'new', id: null };
  const id = /^\d+$/.test(second) ? Number(second) : null;
  return { screen: s, action: id !== null && third === 'edit' ? 'edit' : null, id };
}

export const router = $state({ route: parseRoute(typeof location === 'undefined' ? '' : location.hash) });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    router.route = parseRoute(location.hash);
  });
}

// A one-time note for the screen navigated to ("Draft saved." after the first save of a new draft,
// whose editor is a new component). It belongs to one path, so it can't show up anywhere else.
let flash: { path: string; note: string } | null = null;

export function navigate(path: string, note?: string): void {
  flash = note ? { path, note } : null;
  location.hash = '#' + path;
  router.route = parseRoute(location.hash);
}

/** Takes the note left for the current path by `navigate`, once. */
export function takeFlash(): string | null {
  const f = flash;
  flash = null;
  return f && '#' + f.path === location.hash ? f.note : null;
}

export function href(path: string): string {
  return '#' + path;
}
