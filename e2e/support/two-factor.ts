import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';

import { fromFreshAddress, signIn } from './auth';

// Two-factor sign-in as a person with an authenticator app: the test computes the codes from the
// key the enrolment page shows (the same key the QR code carries), with otpauth.

const PERIOD_MS = 30_000;

/**
 * An authenticator app. The server accepts each 30-second step once (and nothing older than the
 * newest step used), with one step of drift either way, so `code()` hands out the code of a step
 * not used yet — the next step's, ahead of time, when the current one is spent — and waits for the
 * clock only when both are.
 */
export class Authenticator {
  private lastStep = -Infinity;
  private readonly totp: TOTP;

  constructor(readonly secret: string) {
    this.totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  }

  /** A code the server has not seen, marked as used. */
  async code(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / PERIOD_MS);
      const step = Math.max(now, this.lastStep + 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return this.totp.generate({ timestamp: step * PERIOD_MS + 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, (now + 1) * PERIOD_MS - Date.now() + 50));
    }
  }

  /** The code for the step that was used last (to replay it). */
  lastCode(): string {
    return this.totp.generate({ timestamp: this.lastStep * PERIOD_MS + 1 });
  }
}

export interface Enrolled {
  app: Authenticator;
  recoveryCodes: string[];
}

/** Turns two-factor on from the account page, reading the key shown beside the QR code. */
export async function enrolTwoFactor(page: Page): Promise<Enrolled> {
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('two-factor-qr')).toBeVisible();
  const secret = (await page.getByTestId('two-factor-secret').innerText()).replace(/\s/g, '');
  const app = new Authenticator(secret);
  await page.getByLabel('Code from your app').fill(await app.code());
  await page.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(page.getByTestId('two-factor-enabled')).toBeVisible();
  const recoveryCodes = await page.getByTestId('recovery-codes').getByRole('listitem').allInnerTexts();
  expect(recoveryCodes).toHaveLength(10);
  return { app, recoveryCodes: recoveryCodes.map((c) => c.trim()) };
}

/** Signs in with the password in a browser of its own (from an address of its own): it stops at the code page. */
export async function pendingSignIn(browser: Browser, email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await fromFreshAddress(page);
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/sign-in\/two-factor\?/);
  return { context, page };
}

/** Enters a code (or recovery code) on the code page of a pending sign-in. */
export async function enterSignInCode(page: Page, code: string) {
  const form = codeForm(page);
  await form.getByLabel('Code', { exact: true }).fill(code);
  // Wait for this attempt's answer: the same message twice in a row would otherwise be the old one,
  // and React resets the form when an earlier answer lands, emptying a code typed meanwhile.
  const answered = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/sign-in/two-factor',
  );
  await form.getByRole('button', { name: 'Verify' }).click();
  await answered;
  // The answer has arrived, but React commits it — the new message, and the form reset that empties
  // the field — a moment later (under load, long enough for the next fill to land first and be
  // wiped, so that attempt goes out empty and is never counted). Wait for that commit: the page has
  // moved on, or the field is empty again and the button is no longer pending.
  const input = form.getByLabel('Code', { exact: true });
  await expect
    .poll(async () => {
      if (!new URL(page.url()).pathname.startsWith('/sign-in/two-factor')) return true;
      try {
        const idle = (await form.getByRole('button', { name: 'Verify' }).count()) === 1;
        return idle && (await input.inputValue({ timeout: 1_000 })) === '';
      } catch {
        return false; // the page is navigating
      }
    })
    .toBe(true);
}

/** The code form of the pending sign-in; its alert is the form's error (Next's route announcer is an alert too). */
export const codeForm = (page: Page) => page.getByRole('form', { name: 'Two-factor code' });

/** No serious or critical axe violations on the current page, in the colour scheme it is shown in. */
export async function expectNoSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`)
          .slice(0, 3)
          .join(' | ')}`,
    );
  expect(serious).toEqual([]);
}
