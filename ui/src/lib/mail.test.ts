// The same cases as core/src/mail/settings.rs's tests, so the as-you-type checks agree with the core.
import { describe, expect, it } from 'vitest';
import { checkFromAddress, checkFromName, checkHost, checkLogin, checkPort, checkSecurity, isLoopback, serverName } from './mail';

describe('email settings rules', () => {
  it('cleans up a usual server name', () => {
    expect(checkHost(' SMTP.Example.com ')).toEqual({ host: 'smtp.example.com', error: null });
    expect(serverName('smtp.example.com', 587)).toBe('smtp.example.com:587');
    expect(checkHost('[::1]')).toEqual({ host: '::1', error: null });
    expect(serverName('::1', 587)).toBe('[::1]:587');
  });

  it('names paste mistakes in the host', () => {
    expect(checkHost('').error).toBe("Enter your mail server's name, like smtp.example.com.");
    expect(checkHost('  ').error).toBe("Enter your mail server's name, like smtp.example.com.");
    expect(checkHost('smtp.example .com').error).toBe("The mail server's name can't contain spaces.");
    expect(checkHost('smtp://smtp.example.com').error).toContain('without smtp:// in front');
    expect(checkHost('smtp.example.com:587').error).toBe("Put the port in the Port field, and just the server's name here.");
    expect(checkHost('zoe@example.com').error).toBe("That isn't a server name. It should look like smtp.example.com.");
    expect(checkHost('a'.repeat(254)).error).toBe("That isn't a server name. It should look like smtp.example.com.");
    expect(checkHost('2001:db8::25').error).toBeNull();
  });

  it('takes ports from 1 to 65535', () => {
    for (const port of ['0', '65536', '100000']) {
      expect(checkPort(port).error).toBe(`${port} isn't a port. Ports go from 1 to 65535; mail servers usually use 587 (STARTTLS) or 465 (TLS).`);
    }
    for (const port of ['1', '25', '465', '587', '65535', ' 587 ']) expect(checkPort(port).error).toBeNull();
    expect(checkPort('587a').error).toBe('Write the port as a number, like 587.');
    expect(checkPort('').error).not.toBeNull();
  });

  it('allows plain SMTP only to this computer', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.0.0.53', '::1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopback(host), host).toBe(true);
      expect(checkSecurity(host, 'plain'), host).toBeNull();
    }
    for (const host of ['smtp.example.com', '192.168.1.10', '::', '::ffff:127.0.0.1', '10.0.0.1', 'localhost.example.com']) {
      expect(isLoopback(host), host).toBe(false);
    }
    expect(checkSecurity('smtp.example.com', 'plain')).toContain('only allowed to a mail server on this computer');
    expect(checkSecurity('smtp.example.com', 'starttls')).toBeNull();
  });

  it('checks addresses and keeps headers on one line', () => {
    expect(checkFromAddress(' ')).toBe('Enter the email address your invoices come from.');
    expect(checkFromAddress('zoe@')).toBe('"zoe@" isn\'t an email address. It should look like name@example.com.');
    expect(checkFromName('Zoë\nBcc: x@example.com')).toBe("Sender name can't contain line breaks.");
    expect(checkFromName('Z'.repeat(201))).toBe('Sender name can be at most 200 characters.');
  });

  it('asks for a password with a user name, unless one is saved', () => {
    expect(checkLogin('zoe@example.com', null, false).password).toBe('Enter the password for zoe@example.com.');
    expect(checkLogin('zoe@example.com', null, true)).toEqual({ username: null, password: null });
    expect(checkLogin('', 'secret', false).username).toContain('user name that goes with the password');
    expect(checkLogin('zoe', '   ', false).password).toBe('The password is empty.');
    expect(checkLogin('', null, false)).toEqual({ username: null, password: null });
  });
});
