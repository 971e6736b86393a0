// Email settings rules, as core/src/mail/settings.rs (and oauth/flow.rs) check them, with the same
// words. Settings → Email runs them as the owner types; the mock backend throws them. The backend
// stays the authority: its errors win when both exist.
import type { SmtpSecurity } from './backend/types';
import { email } from './validate';

export type FieldError = string | null;

/** Whether the text has a character Rust's `char::is_control` is true for (Unicode Cc: line breaks, tabs…). */
function hasControl(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Rust's `str::parse::<Ipv4Addr>()`: four decimal octets, no leading zeros. */
function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Rust's `str::parse::<Ipv6Addr>()`: eight groups of up to 4 hex digits, one `::`, an IPv4 tail allowed. */
function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail takes two groups
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isIpAddr(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

/** A host on this computer: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIpv4(host)) return host.startsWith('127.');
  if (!isIpv6(host)) return false;
  // ::1 in any spelling (0:0:0:0:0:0:0:1, ::0:1…); an IPv4-mapped 127.x is not loopback to Rust.
  if (host.includes('.')) return false;
  const [a = '', b = ''] = host.split('::');
  const head = a === '' ? [] : a.split(':');
  const tail = host.includes('::') ? (b === '' ? [] : b.split(':')) : [];
  const groups = host.includes('::') ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  return groups.every((g, i) => parseInt(g, 16) === (i === 7 ? 1 : 0));
}

/** The server name as the core keeps it (trimmed, brackets off, lower case), or its error. */
export function checkHost(text: string): { host: string; error: FieldError } {
  const host = text.trim();
  const bad = (error: string) => ({ host, error });
  if (host === '') return bad("Enter your mail server's name, like smtp.example.com.");
  if (host.includes('://')) return bad("Enter just the server's name, like smtp.example.com, without smtp:// in front.");
  if (/\s/.test(host) || hasControl(host)) return bad("The mail server's name can't contain spaces.");
  const unbracketed = host.replace(/^\[+/, '').replace(/\]+$/, '');
  if (host.includes(':') && !isIpAddr(unbracketed)) return bad("Put the port in the Port field, and just the server's name here.");
  if (new TextEncoder().encode(host).length > 253 || host.includes('/') || host.includes('@')) {
    return bad("That isn't a server name. It should look like smtp.example.com.");
  }
  return { host: unbracketed.replace(/[A-Z]/g, (c) => c.toLowerCase()), error: null };
}

export function portMessage(port: number | string): string {
  return `${port} isn't a port. Ports go from 1 to 65535; mail servers usually use 587 (STARTTLS) or 465 (TLS).`;
}

/** The port as typed: a whole number from 1 to 65535. */
export function checkPort(text: string): { port: number; error: FieldError } {
  const t = text.trim();
  if (t === '') return { port: NaN, error: 'Enter the port, usually 587 (STARTTLS) or 465 (TLS).' };
  if (!/^\d+$/.test(t)) return { port: NaN, error: 'Write the port as a number, like 587.' };
  const port = Number(t);
  return { port, error: port >= 1 && port <= 65535 ? null : portMessage(t.replace(/^0+(?=\d)/, '')) };
}

export const PLAIN_REFUSED =
  'Unencrypted connections are only allowed to a mail server on this computer (localhost): over a network your ' +
  "password and your clients' invoices could be read along the way. Choose STARTTLS or TLS.";

/** Plain SMTP only to this computer. `host` is the cleaned name from `checkHost`. */
export function checkSecurity(host: string, security: SmtpSecurity): FieldError {
  return security === 'plain' && !isLoopback(host) ? PLAIN_REFUSED : null;
}

/** Optional one-line text (a header or the login): at most `max` characters, no line breaks. */
export function singleLine(label: string, value: string, max: number): FieldError {
  const v = value.trim();
  if ([...v].length > max) return `${label} can be at most ${max} characters.`;
  if (hasControl(v)) return `${label} can't contain line breaks.`;
  return null;
}

export function checkUsername(value: string): FieldError {
  return singleLine('User name', value, 320);
}

export function checkFromName(value: string): FieldError {
  return singleLine('Sender name', value, 200);
}

export function checkFromAddress(value: string): FieldError {
  if (value.trim() === '') return 'Enter the email address your invoices come from.';
  return email(value);
}

/** A recipient (the test email's "To", the Gmail/Outlook address): required and email-shaped. */
export function checkRecipient(value: string, empty = 'Enter the email address to send to.'): FieldError {
  if (value.trim() === '') return empty;
  return email(value);
}

export const USERNAME_FOR_PASSWORD = 'Enter the user name that goes with the password (usually your email address).';
export const PASSWORD_EMPTY = 'The password is empty.';
export const passwordNeeded = (username: string) => `Enter the password for ${username.trim()}.`;

/** The core's configure_smtp rules about the login, given whether a password is already saved. */
export function checkLogin(username: string, password: string | null, passwordSaved: boolean): { username: FieldError; password: FieldError } {
  const user = username.trim();
  if (password !== null && password !== '') {
    if (user === '') return { username: USERNAME_FOR_PASSWORD, password: null };
    if (password.trim() === '') return { username: null, password: PASSWORD_EMPTY };
    return { username: null, password: null };
  }
  if (user !== '' && !passwordSaved) return { username: null, password: passwordNeeded(user) };
  return { username: null, password: null };
}

export const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: 'STARTTLS',
  tls: 'TLS',
  plain: 'None (unencrypted)',
};

/** The port a provider usually gives for each kind of security. */
export const USUAL_PORT: Partial<Record<SmtpSecurity, number>> = { starttls: 587, tls: 465 };

/** `smtp.example.com:587`, `[::1]:25`: how the core's messages name a server. */
export function serverName(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
