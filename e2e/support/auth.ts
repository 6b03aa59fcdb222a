import { readFileSync } from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import { randomAddress } from './addresses';
import { mailFile } from './handoff';
import { ApiKeysPage, SignInPage } from './pages';

export const DEMO_PASSWORD = 'bulkhead-demo';

/** Signs in through the form, the way a person does (e2e/support/pages.ts: SignInPage). */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  const form = new SignInPage(page);
  await form.goto();
  await form.signIn(email, password);
}

export async function expectWorkspace(page: Page, name: string) {
  await expect(page.getByTestId('current-tenant').first()).toHaveText(name);
}

/** A unique suffix so flows that create accounts and tenants never collide. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const TEST_PASSWORD = 'correct horse battery';

/**
 * A client address of its own for this page's requests. The e2e server trusts one proxy hop
 * (TRUST_PROXY_HOPS=1), so the test plays the proxy: each account made here comes "from" its own
 * address and the per-address limits on sign-up and sign-in stay out of the way of other tests.
 */
export async function fromFreshAddress(page: Page): Promise<string> {
  const address = randomAddress();
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': address });
  return address;
}

/** Confirms the address from the verification link mailed to `email`, then signs in. */
export async function verifyAndSignIn(page: Page, email: string, password = TEST_PASSWORD) {
  await page.goto(await mailedLink(page, email));
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await expect(page).toHaveURL(/\/sign-in\?verified=1$/);
  await expect(page.getByTestId('sign-in-notice')).toContainText('Your email address is confirmed');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs up a fresh owner with a fresh workspace (verify-first: the mailed link, then sign-in); the seeded tenants stay read-only. */
export async function signUpOwner(page: Page, label = 'Owner') {
  const id = unique();
  const account = {
    email: `${label.toLowerCase()}-${id}@flows.test`,
    password: TEST_PASSWORD,
    slug: `ws-${id}`,
    workspace: `Workspace ${id}`,
  };
  await fromFreshAddress(page);
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(`${label} ${id}`);
  await page.getByLabel('Work email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Workspace name').fill(account.workspace);
  await page.getByLabel('Workspace address').fill(account.slug);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByTestId('sign-up-sent')).toContainText(`we sent a message to ${account.email}`);
  await verifyAndSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(new RegExp(`/t/${account.slug}$`));
  return account;
}

/** Creates an API key on the workspace's settings page, as its owner would; returns the key, shown once. */
export async function createApiKeyInSettings(
  page: Page,
  slug: string,
  name: string,
  scope: 'read' | 'read_write' = 'read_write',
): Promise<string> {
  return new ApiKeysPage(page, slug).create(name, scope);
}

export interface MailedMessage {
  to: string;
  subject: string;
  text: string;
  link?: string;
  sentAt: string;
}

/** Every message the e2e server has mailed so far, oldest first (its MAIL_FILE; no HTTP involved). */
function mailbox(): MailedMessage[] {
  const baseURL = test.info().project.use.baseURL;
  if (!baseURL) throw new Error('mailbox: the project has no baseURL');
  let content = '';
  try {
    content = readFileSync(mailFile(new URL(baseURL).port), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MailedMessage);
}

/**
 * The newest message mailed to `to` (subject, text, link), waiting briefly for one: mail is sent
 * off the request path, so it may land a moment after the page that caused it. With `since`, only
 * a message sent at or after that time counts.
 */
export async function mailedMessage(to: string, options: { since?: Date; timeoutMs?: number } = {}): Promise<MailedMessage> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const found = mailbox()
      .filter((m) => m.to === to && (!options.since || Date.parse(m.sentAt) >= options.since.getTime()))
      .at(-1);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no mail to ${to}${options.since ? ` since ${options.since.toISOString()}` : ''} within ${options.timeoutMs ?? 10_000} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The path of the newest link mailed to `to`, from the e2e server's test mail channel. Pass
 * `since` (taken before the action that mails) when the address has had mail before: mail leaves
 * after the answer, so without it an older link may still be the newest for a moment.
 */
export async function mailedLink(page: Page, to: string, options: { since?: Date } = {}): Promise<string> {
  void page; // kept for callers; the mail is read from a file, not through a page
  const { link } = await mailedMessage(to, options);
  expect(link, `the newest mail to ${to} has a link`).toBeTruthy();
  return new URL(link!).pathname;
}
