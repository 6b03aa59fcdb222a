import { after } from 'next/server';

import { mailer, type MailMessage } from './index';

// Mail leaves after the answer does. The request never waits for a mail server, so an answer takes
// the same time whether or not a message went out — sign-up and forgot-password say nothing about
// which addresses have accounts, not even by timing — and a slow or failing SMTP server cannot make
// a form hang. Next.js's after() runs the send once the response is finished; outside a request
// (scripts, tests) it runs on the next turn of the event loop. A failure is logged without the
// message body: links in it are credentials.

export function sendLater(message: MailMessage): void {
  runLater(`sending "${message.subject}"`, () => mailer().send(message));
}

/**
 * Work that must not show in the answer's timing (or hold it up): run after the response, like
 * mail. Used where the work itself depends on whether an account exists — a reset token is only
 * written for a real account — so the request path does the same for every address. A failure is
 * logged with `what`, never with the work's data.
 */
export function runLater(what: string, work: () => Promise<unknown>): void {
  const run = async () => {
    try {
      await work();
    } catch (error) {
      console.error(`[later] ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  try {
    after(run);
  } catch {
    setImmediate(() => void run());
  }
}
