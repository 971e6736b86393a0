// Calendar-date and time-zone helpers without a date library.
// A "date" is "YYYY-MM-DD"; an "instant" is an RFC 3339 UTC string.

/** Today's date where the business is. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // Built from parts: a locale's date pattern is ICU data that differs between engines and versions
  // (WebKitGTK with Debian's ICU writes en-CA as 11/23/2026, not 2026-11-23).
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Monday of the week containing `date`. */
export function startOfWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/** Minutes to add to UTC to get wall-clock time in `timeZone` at `instant`. */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - instant) / 60000);
}

/** Wall-clock date + "HH:MM" where the business is → UTC instant (RFC 3339). */
export function zonedToUtc(date: string, time: string, timeZone: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall - offsetMinutes(wall, timeZone) * 60000;
  guess = wall - offsetMinutes(guess, timeZone) * 60000;
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** The UTC instant at which `date` starts where the business is. */
export function startOfDayUtc(date: string, timeZone: string): string {
  return zonedToUtc(date, '00:00', timeZone);
}

/** The business-local date of an instant. */
export function dateOf(instant: string, timeZone: string): string {
  return todayIn(timeZone, new Date(instant));
}

/** The business-local wall-clock time of an instant as "HH:MM" (24-hour, what `<input type="time">` holds). */
export function timeOf(instant: string, timeZone: string): string {
  // From parts with hourCycle h23, like todayIn: no engine's pattern data gets a say (and no "24:00").
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(
    new Date(instant),
  );
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
}

/** "HH:MM" → minutes since midnight, or null when it isn't a time. */
export function minutesOf(time: string): number | null {
  const m = /^(\d\d):(\d\d)$/.exec(time);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** Minutes since midnight → "HH:MM" (within the day). */
export function timeFromMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${String(h).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The first day of the month `months` months after the one `date` is in (negative: before). */
export function startOfMonth(date: string, months = 0): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}

/** The last day of the month `date` is in. */
export function endOfMonth(date: string): string {
  return addDays(startOfMonth(date, 1), -1);
}
