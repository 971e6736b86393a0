// The Reports screen's quick ranges, from today where the business is. Ranges that include this
// month end today (an aging report is as of its last day, and nothing has happened after today).
import { endOfMonth, startOfMonth } from '../../lib/dates';

export type Preset = 'this-month' | 'last-month' | 'this-quarter' | 'this-year' | 'last-12-months';

export const PRESETS: [Preset, string][] = [
  ['this-month', 'This month'],
  ['last-month', 'Last month'],
  ['this-quarter', 'This quarter'],
  ['this-year', 'This year'],
  ['last-12-months', 'Last 12 months'],
];

export interface Range {
  from: string;
  to: string;
}

/** The dates (YYYY-MM-DD, both included) a preset covers, given today's date. */
export function presetRange(preset: Preset, today: string): Range {
  const month = Number(today.slice(5, 7));
  switch (preset) {
    case 'this-month':
      return { from: startOfMonth(today), to: today };
    case 'last-month': {
      const from = startOfMonth(today, -1);
      return { from, to: endOfMonth(from) };
    }
    case 'this-quarter':
      return { from: startOfMonth(today, -((month - 1) % 3)), to: today };
    case 'this-year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'last-12-months':
      // The last 12 calendar months, this one included: the dashboard's chart, month for month.
      return { from: startOfMonth(today, -11), to: today };
  }
}
