import { expect, test } from '@playwright/test';

import { expectWorkspace, fromFreshAddress, signIn, unique, verifyAndSignIn } from '../support/auth';

test('sign-up creates a workspace that opens, as its owner, once the emailed link confirms the address', async ({ page }) => {
  const id = unique();
  await fromFreshAddress(page);
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill('Nora New');
  await page.getByLabel('Work email').fill(`nora-${id}@new.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill(`Nora Labs ${id}`);
  await expect(page.getByLabel('Workspace address')).toHaveValue(`nora-labs-${id}`);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByTestId('sign-up-sent')).toContainText(`Check your inbox: we sent a message to nora-${id}@new.test`);
  await verifyAndSignIn(page, `nora-${id}@new.test`, 'correct horse battery');
  await expect(page).toHaveURL(new RegExp(`/t/nora-labs-${id}$`));
  await expectWorkspace(page, `Nora Labs ${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Nora Labs ${id}`);
});

test('sign-up shows every field error at once and keeps what was typed', async ({ page }) => {
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill('Kept Name');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Workspace name').fill('Admin');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
  await expect(page.getByText('This address is reserved. Choose another.')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Kept Name');
});

test('sign-up refuses a taken workspace address', async ({ page }) => {
  await fromFreshAddress(page);
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill('Copy Cat');
  await page.getByLabel('Work email').fill(`copy-${unique()}@new.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill('Acme');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByText('This address is taken. Choose another.')).toBeVisible();
});

test('sign-in with a single workspace goes straight to it', async ({ page }) => {
  await signIn(page, 'alice@acme.test');
  await expect(page).toHaveURL(/\/t\/acme$/);
  await expectWorkspace(page, 'Acme Corp');
});

test('a wrong password gets one message that does not say which part was wrong', async ({ page }) => {
  await signIn(page, 'alice@acme.test', 'wrong password');
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
  await signIn(page, 'nobody@nowhere.test', 'wrong password');
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
});

test('a user of two workspaces picks one and switches between them', async ({ page }) => {
  await signIn(page, 'sam@example.test');
  await expect(page).toHaveURL(/\/tenants$/);
  await page.getByRole('link', { name: /Globex/ }).click();
  await expectWorkspace(page, 'Globex');
  await page.getByTestId('tenant-switcher').first().click();
  await page.getByRole('link', { name: 'Acme Corp' }).first().click();
  await expect(page).toHaveURL(/\/t\/acme$/);
  await expectWorkspace(page, 'Acme Corp');
});

test('another workspace’s address is the same 404 as one that does not exist', async ({ page }) => {
  await signIn(page, 'alice@acme.test');
  await expect(page).toHaveURL(/\/t\/acme$/);
  const foreign = await page.goto('/t/globex');
  expect(foreign?.status()).toBe(404);
  const foreignBody = await page.locator('body').innerText();
  const missing = await page.goto('/t/no-such-workspace');
  expect(missing?.status()).toBe(404);
  expect(await page.locator('body').innerText()).toBe(foreignBody);
  expect(foreignBody).not.toContain('Globex');
});

test('signed out, a workspace page sends you to sign in and back', async ({ page }) => {
  await page.goto('/t/acme');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Ft%2Facme/);
  await page.getByLabel('Email').fill('alice@acme.test');
  await page.getByLabel('Password').fill('bulkhead-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/t\/acme$/);
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/t/acme');
  await expect(page).toHaveURL(/\/sign-in/);
});
