import { expect, test } from '@playwright/test';

import { mailedLink, signUpOwner, TEST_PASSWORD } from '../support/auth';

test('password reset through the dev outbox, then the old password no longer works', async ({ page }) => {
  const owner = await signUpOwner(page);
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(owner.email);
  const since = new Date();
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText(`If an account exists for ${owner.email}`);
  const link = await mailedLink(page, owner.email, { since });
  await page.goto(link);
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('Your password has changed. Sign in with the new one.')).toBeVisible();

  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
  await page.getByLabel('Password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${owner.slug}$`));

  // The link worked once.
  await page.goto(link);
  await page.getByLabel('New password').fill('yet another passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('This link is no longer valid. Request a new one.')).toBeVisible();
});

test('sign out everywhere ends the sessions of every browser', async ({ page, browser }) => {
  const owner = await signUpOwner(page);
  const second = await browser.newContext();
  const laptop = await second.newPage();
  await laptop.goto('/sign-in');
  await laptop.getByLabel('Email').fill(owner.email);
  await laptop.getByLabel('Password').fill(TEST_PASSWORD);
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await expect(laptop).toHaveURL(new RegExp(`/t/${owner.slug}$`));

  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await laptop.goto(`/t/${owner.slug}`);
  await expect(laptop).toHaveURL(/\/sign-in/);
  await second.close();
});

test('account forms answer bad input field by field', async ({ page }) => {
  await signUpOwner(page);
  await page.goto('/account');
  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill('wrong current password');
  await form.getByLabel('New password').fill('short');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('Use at least 10 characters.')).toBeVisible();
  // Password fields are never sent back to the browser: type both again.
  await form.getByLabel('Current password').fill('wrong current password');
  await form.getByLabel('New password').fill('a long enough passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('This is not your current password.')).toBeVisible();
});
