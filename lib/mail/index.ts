import { appendFileSync, chmodSync } from 'node:fs';

import nodemailer from 'nodemailer';

// One mail interface; nothing else in the app knows how mail travels. In order of precedence:
// - SMTP_URL: out through SMTP.
// - MAIL_FILE=<path>: appended to that file as one JSON object per line, mode 0600. The browser
//   tests' channel (scripts/e2e-server.ts turns it on): the test harness reads the file directly,
//   so no link ever travels over HTTP.
// - development (or BULKHEAD_DEV_OUTBOX=1 outside production): an in-process outbox shown at
//   /dev/mail. Never in production, whatever the flags: a page listing every reset link would hand
//   over any account (lib/startup-checks.ts refuses the combination at start-up).
// - otherwise: not sent, and a warning.
//
// No transport writes a link or a message body to the log: the links carry tokens (password
// resets, invitations, email changes), and logs are read by more people, and kept longer, than
// mailboxes.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The one link the message is about, for the outbox page and tests. */
  link?: string;
}

export interface OutboxEntry extends MailMessage {
  id: number;
  sentAt: string;
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}

const globalForMail = globalThis as unknown as { bulkheadOutbox?: OutboxEntry[] };
const OUTBOX_LIMIT = 200;

export function devOutboxEnabled(): boolean {
  if (process.env.NODE_ENV === 'production') return false;
  return process.env.NODE_ENV === 'development' || process.env.BULKHEAD_DEV_OUTBOX === '1';
}

/** The newest messages first. */
export function outbox(): OutboxEntry[] {
  return [...(globalForMail.bulkheadOutbox ?? [])].reverse();
}

const devTransport: MailTransport = {
  async send(message) {
    const entries = (globalForMail.bulkheadOutbox ??= []);
    entries.push({ ...message, id: (entries.at(-1)?.id ?? 0) + 1, sentAt: new Date().toISOString() });
    if (entries.length > OUTBOX_LIMIT) entries.shift();
    console.log(`[mail] to=${message.to} subject=${JSON.stringify(message.subject)}: in the dev outbox, /dev/mail`);
  },
};

/** One JSON object per line; the file is created readable by its owner only. */
function fileTransport(path: string): MailTransport {
  return {
    async send(message) {
      const line = JSON.stringify({
        to: message.to,
        subject: message.subject,
        text: message.text,
        link: message.link,
        sentAt: new Date().toISOString(),
      });
      appendFileSync(path, `${line}\n`, { mode: 0o600 });
      // appendFile's mode applies only when it creates the file.
      chmodSync(path, 0o600);
    },
  };
}

const notSent: MailTransport = {
  async send(message) {
    console.warn(`[mail] not sent (set SMTP_URL): to=${message.to} subject=${JSON.stringify(message.subject)}`);
  },
};

function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

let smtp: { url: string; transport: MailTransport } | undefined;

/** The transport the environment asks for (read on every send: cheap, and tests can switch it). */
export function mailer(): MailTransport {
  const url = process.env.SMTP_URL;
  if (url) {
    if (smtp?.url !== url) smtp = { url, transport: smtpTransport(url, process.env.MAIL_FROM ?? 'Bulkhead <no-reply@localhost>') };
    return smtp.transport;
  }
  if (process.env.MAIL_FILE) return fileTransport(process.env.MAIL_FILE);
  return devOutboxEnabled() ? devTransport : notSent;
}

/** Absolute links for emails. */
export function appUrl(path: string): string {
  const base = process.env.APP_URL ?? process.env.AUTH_URL ?? 'http://localhost:3000';
  return new URL(path, base).toString();
}
