import { expect, test } from '@playwright/test';

import { expectWorkspace, signUpOwner, unique } from '../support/auth';

test('an owner renames the workspace and moves it to a new address', async ({ page }) => {
  const owner = await signUpOwner(page);
  await page.goto(`/t/${owner.slug}/settings`);
  // A new workspace starts in the shared tier (docs/tiers.md), in the default region.
  await expect(page.getByTestId('placement')).toHaveText('data in the shared tables, region eu-west');
  const form = page.getByRole('form', { name: 'Workspace settings' });
  await form.getByLabel('Workspace address').fill('Not A Slug!');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByText('Use lower-case letters, digits and dashes')).toBeVisible();

  const moved = `moved-${unique()}`;
  await form.getByLabel('Workspace name').fill('Renamed Co');
  await form.getByLabel('Workspace address').fill(moved);
  await form.getByLabel('Time zone for reports').selectOption('Europe/Paris');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${moved}/settings\\?saved=1$`));
  await expectWorkspace(page, 'Renamed Co');
  expect((await page.goto(`/t/${owner.slug}`))?.status()).toBe(404);
});

test('a signed-in user creates a second workspace and switches between both', async ({ page }) => {
  const owner = await signUpOwner(page);
  await page.goto('/tenants?all=1');
  await page.getByText('Create another workspace').click();
  const second = `second-${unique()}`;
  const form = page.getByRole('form', { name: 'Create a workspace' });
  await form.getByLabel('Workspace name').fill('Second Shop');
  await form.getByLabel('Workspace address').fill(second);
  await form.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${second}$`));
  await expectWorkspace(page, 'Second Shop');
  await page.getByTestId('tenant-switcher').first().click();
  await page.getByRole('link', { name: owner.workspace }).first().click();
  await expectWorkspace(page, owner.workspace);
});
