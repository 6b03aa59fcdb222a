import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'bulkhead-demo';

/** Signs in through the form, the way a person does. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectWorkspace(page: Page, name: string) {
  await expect(page.getByTestId('current-tenant').first()).toHaveText(name);
}

/** A unique suffix so flows that create accounts and tenants never collide. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const TEST_PASSWORD = 'correct horse battery';

/** Signs up a fresh owner with a fresh workspace; the seeded tenants stay read-only. */
export async function signUpOwner(page: Page, label = 'Owner') {
  const id = unique();
  const account = { email: `${label.toLowerCase()}-${id}@flows.test`, password: TEST_PASSWORD, slug: `ws-${id}`, workspace: `Workspace ${id}` };
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(`${label} ${id}`);
  await page.getByLabel('Work email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Workspace name').fill(account.workspace);
  await page.getByLabel('Workspace address').fill(account.slug);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${account.slug}$`));
  return account;
}

/** Creates an API key on the workspace's settings page, as its owner would; returns the key, shown once. */
export async function createApiKeyInSettings(page: Page, slug: string, name: string, scope: 'read' | 'read_write' = 'read_write'): Promise<string> {
  await page.goto(`/t/${slug}/settings/api-keys`);
  const form = page.getByRole('form', { name: 'Create an API key' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Access').selectOption(scope);
  await form.getByRole('button', { name: 'Create key' }).click();
  return (await page.getByTestId('new-api-key').innerText()).trim();
}

/** The newest link mailed to `to`, from the dev outbox. */
export async function mailedLink(page: Page, to: string): Promise<string> {
  await page.goto('/dev/mail');
  const mail = page.getByTestId('mail').filter({ has: page.getByTestId('mail-to').getByText(to, { exact: true }) }).first();
  const href = await mail.getByRole('link', { name: 'Open link' }).getAttribute('href');
  expect(href).toBeTruthy();
  return new URL(href!).pathname;
}
