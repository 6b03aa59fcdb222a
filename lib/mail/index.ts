import nodemailer from 'nodemailer';

// One mail interface. Development (and the e2e server, with BULKHEAD_DEV_OUTBOX=1) keeps messages in
// an in-process outbox shown at /dev/mail and prints them to the server log; with SMTP_URL set,
// messages go out through SMTP. Nothing else in the app knows how mail travels.

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
    console.log(`[mail] to=${message.to} subject=${JSON.stringify(message.subject)}${message.link ? ` link=${message.link}` : ''}`);
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

let transport: MailTransport | undefined;

export function mailer(): MailTransport {
  if (!transport) {
    const smtp = process.env.SMTP_URL;
    if (smtp) transport = smtpTransport(smtp, process.env.MAIL_FROM ?? 'Bulkhead <no-reply@localhost>');
    else if (devOutboxEnabled()) transport = devTransport;
    else transport = { send: async (m) => console.warn(`[mail] not sent (set SMTP_URL): to=${m.to} subject=${JSON.stringify(m.subject)}`) };
  }
  return transport;
}

/** Absolute links for emails. */
export function appUrl(path: string): string {
  const base = process.env.APP_URL ?? process.env.AUTH_URL ?? 'http://localhost:3000';
  return new URL(path, base).toString();
}
