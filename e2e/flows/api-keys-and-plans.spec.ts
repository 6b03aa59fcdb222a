import { expect, test } from '@playwright/test';

import { createApiKeyInSettings, signUpOwner } from '../support/auth';

// The API from a new owner's point of view: create a key on the settings page, see it once, use
// it, revoke it; then the plan page — usage, the free plan's key quota, an audited plan change.

test('an owner creates an API key, uses it once, and revokes it', async ({ page, request }) => {
  const owner = await signUpOwner(page);
  const key = await createApiKeyInSettings(page, owner.slug, 'Warehouse sync');
  expect(key).toMatch(/^bk_live_[\w-]{43}$/);

  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post('/api/v1/customers', { headers: auth, data: { name: 'First API customer', email: 'first@api.test' } });
  expect(created.status()).toBe(201);
  const listed = await request.get('/api/v1/customers', { headers: auth });
  expect(((await listed.json()) as { data: { email: string }[] }).data.map((c) => c.email)).toEqual(['first@api.test']);

  await page.reload();
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Warehouse sync' });
  await expect(row).not.toContainText('never'); // the last use is stamped
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  const afterRevoke = await request.get('/api/v1/customers', { headers: auth });
  expect(afterRevoke.status()).toBe(401);
  expect(afterRevoke.headers()['content-type']).toContain('application/problem+json');
});

test('the free plan stops at two API keys; the owner moves to Pro and the change is audited', async ({ page }) => {
  const owner = await signUpOwner(page);
  await page.goto(`/t/${owner.slug}/settings/api-keys`);
  const form = page.getByRole('form', { name: 'Create an API key' });
  for (const name of ['One', 'Two']) {
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByTestId('api-key-row').filter({ hasText: name })).toBeVisible();
  }
  await form.getByLabel('Name').fill('Three');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByRole('alert')).toContainText('The Free plan allows 2 active API keys');

  await page.goto(`/t/${owner.slug}/settings/billing`);
  await expect(page.getByTestId('current-plan')).toHaveText('Free');
  await expect(page.getByTestId('usage-line').filter({ hasText: 'Active API keys' })).toContainText('2 / 2');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Switch to Pro' }).click();
  await expect(page.getByTestId('current-plan')).toHaveText('Pro');

  await page.goto(`/t/${owner.slug}/audit`);
  await expect(page.getByText('billing.plan_changed').first()).toBeVisible();

  await page.goto(`/t/${owner.slug}/settings/api-keys`);
  await form.getByLabel('Name').fill('Three');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-api-key')).toBeVisible();
});
