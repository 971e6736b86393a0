// What the Stripe payments sync tells every screen. The background poller's passes (the
// `sync-report` event) and "Sync now" both come through `noteReports`: `passes` goes up after every
// pass (Settings → Stripe shows when Paydesk last checked), `changes` after a pass that changed
// something (screens showing invoices, payments or activity load them again), and `unread` counts
// activity the owner hasn't looked at (the sidebar's badge).
import type { Backend } from './backend/backend';
import type { PassReport } from './backend/types';

/** How far back the unread count looks: the feed's newest items. */
const UNREAD_WINDOW = 100;

export const live = $state({ passes: 0, changes: 0, unread: 0 });

/** Whether a pass applied something or wrote activity: what is on screen may be out of date. */
export function hasNews(reports: PassReport[]): boolean {
  return reports.some((r) => r.news.length > 0 || r.applied > 0);
}

/** After a pass, from the poller or "Sync now". */
export function noteReports(backend: Backend, reports: PassReport[]): void {
  live.passes += 1;
  if (hasNews(reports)) {
    live.changes += 1;
    void refreshUnread(backend);
  }
}

// Only the latest count counts: one read before "seen" may come back after it.
let unreadSeq = 0;

export async function refreshUnread(backend: Backend): Promise<void> {
  const mine = ++unreadSeq;
  try {
    const feed = await backend.activityFeed(UNREAD_WINDOW);
    if (mine === unreadSeq) live.unread = feed.filter((a) => !a.seen).length;
  } catch {
    // The badge is a convenience: the feed itself says what went wrong.
  }
}

/** The owner has the feed in front of them. */
export async function markSeen(backend: Backend): Promise<void> {
  ++unreadSeq;
  live.unread = 0;
  try {
    await backend.markActivitySeen();
  } catch {
    // They stay unread; the next look marks them.
  }
  ++unreadSeq;
}

/** A payment may be imminent: the poller checks every few seconds for a while. A failure changes nothing for the owner. */
export function expectPayment(backend: Backend): void {
  backend.expectPayment().catch(() => {});
}
