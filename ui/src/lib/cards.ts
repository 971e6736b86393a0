// Saved cards: which one the core would charge, and how a charged card is named.
import type { SavedCard, StripeMode } from './backend/types';
import { addDays } from './dates';
import { cardLabel } from './format';

/** A card's last valid day (YYYY-MM-DD): the end of its expiry month. */
export function cardLastDay(c: Pick<SavedCard, 'exp_month' | 'exp_year'>): string {
  const next = c.exp_month === 12 ? `${c.exp_year + 1}-01-01` : `${c.exp_year}-${String(c.exp_month + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
}

/**
 * The card "Charge card" charges, as the core picks it: the most recently saved one (saved cards come
 * newest first) of the active Stripe mode that hasn't expired by `today` (YYYY-MM-DD). Null: none.
 */
export function chargeableCard(cards: SavedCard[], mode: StripeMode | null, today: string): SavedCard | null {
  if (!mode) return null;
  return cards.find((c) => c.mode === mode && cardLastDay(c) >= today) ?? null;
}

/** A charge's `card` ("visa •••• 4242") as the rest of the app names cards ("Visa •••• 4242"); null if it names none. */
export function chargedCardLabel(card: string): string | null {
  const m = /^(\S+) •••• (\S+)$/.exec(card.trim());
  return m ? cardLabel(m[1], m[2]) : null;
}
