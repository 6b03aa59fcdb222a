import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { startupProblem } from '../startup-checks';
import { devOutboxEnabled, mailer, outbox, type MailMessage } from './index';

// How mail travels, and what it never does: reach the log with its link, or the dev outbox in
// production. Each test sets the environment it needs and gets the rest back afterwards.

const TOKEN = 'tok_9f2c1e7b4a6d8e0f';
const message = (to: string): MailMessage => ({
  to,
  subject: 'Reset your Bulkhead password',
  text: `Open http://app.test/reset-password/${TOKEN} to choose a new password.`,
  link: `http://app.test/reset-password/${TOKEN}`,
});

const env = process.env as Record<string, string | undefined>;
const KEYS = ['NODE_ENV', 'BULKHEAD_DEV_OUTBOX', 'MAIL_FILE', 'SMTP_URL'] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((key) => [key, env[key]]));
  for (const key of KEYS) delete env[key];
});
afterEach(() => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete env[key];
    else env[key] = saved[key];
  }
  vi.restoreAllMocks();
});

/** Everything written through console.* while `work` runs. */
async function consoleOutput(work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  await work();
  return lines.join('\n');
}

describe('no token in the log', () => {
  it('the dev outbox keeps the message but prints neither its link nor its text', async () => {
    env.NODE_ENV = 'development';
    const to = 'dev-log@mail.test';
    const output = await consoleOutput(() => mailer().send(message(to)));
    expect(output).toContain(to); // it did log the sending
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('reset-password');
    expect(outbox().find((m) => m.to === to)?.link).toBe(message(to).link);
  });

  it('the "not sent" warning names no link either', async () => {
    env.NODE_ENV = 'production';
    const output = await consoleOutput(() => mailer().send(message('nowhere@mail.test')));
    expect(output).toContain('not sent');
    expect(output).not.toContain(TOKEN);
  });

  it('the file channel writes to its file only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-mail-'));
    try {
      env.MAIL_FILE = path.join(dir, 'mail.ndjson');
      env.NODE_ENV = 'production';
      const output = await consoleOutput(() => mailer().send(message('file-log@mail.test')));
      expect(output).not.toContain(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the test mail channel (MAIL_FILE)', () => {
  it('appends each message as one JSON line to a file only its owner can read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-mail-'));
    try {
      const file = path.join(dir, 'mail.ndjson');
      env.MAIL_FILE = file;
      env.NODE_ENV = 'production';
      await mailer().send(message('first@mail.test'));
      await mailer().send(message('second@mail.test'));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);
      expect(lines.map((l) => l.to)).toEqual(['first@mail.test', 'second@mail.test']);
      expect(lines[1]).toMatchObject({ subject: message('x').subject, text: message('x').text, link: message('x').link });
      expect(Date.parse(lines[1]!.sentAt!)).not.toBeNaN();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no dev outbox in production', () => {
  it('is off in production even with BULKHEAD_DEV_OUTBOX=1; on in development, and in tests with the flag', () => {
    env.NODE_ENV = 'production';
    env.BULKHEAD_DEV_OUTBOX = '1';
    expect(devOutboxEnabled()).toBe(false);
    env.NODE_ENV = 'development';
    delete env.BULKHEAD_DEV_OUTBOX;
    expect(devOutboxEnabled()).toBe(true);
    env.NODE_ENV = 'test';
    expect(devOutboxEnabled()).toBe(false);
    env.BULKHEAD_DEV_OUTBOX = '1';
    expect(devOutboxEnabled()).toBe(true);
  });

  it('a production server with BULKHEAD_DEV_OUTBOX=1 refuses to start, saying what to do', () => {
    const problem = startupProblem({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(44), BULKHEAD_DEV_OUTBOX: '1' });
    expect(problem).toMatch(/BULKHEAD_DEV_OUTBOX=1 is refused with NODE_ENV=production/);
    expect(problem).toMatch(/set SMTP_URL/);
    expect(startupProblem({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(44) })).toBeUndefined();
    expect(startupProblem({ NODE_ENV: 'development', BULKHEAD_DEV_OUTBOX: '1' })).toBeUndefined();
  });
});
