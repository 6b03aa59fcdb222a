import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { mailedLink, signIn, signUpOwner, TEST_PASSWORD, unique } from '../support/auth';

/** The owner invites `email` from the members page; returns the link from the dev outbox. */
async function invite(page: Page, slug: string, email: string, role?: 'admin' | 'member' | 'viewer'): Promise<string> {
  await page.goto(`/t/${slug}/members`);
  await page.getByLabel('Email').fill(email);
  if (role) await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${email}.`);
  return mailedLink(page, email);
}

/** A new person opens the invitation link in their own browser and signs up to join. */
async function joinBySigningUp(
  browser: Browser,
  link: string,
  name: string,
  slug: string,
): Promise<{ guest: BrowserContext; member: Page }> {
  const guest = await browser.newContext();
  const member = await guest.newPage();
  await member.goto(link);
  await expect(member.getByRole('heading', { name: /^Join / })).toBeVisible();
  await member.getByLabel('Your name').fill(name);
  await member.getByLabel('Choose a password').fill(TEST_PASSWORD);
  await member.getByRole('button', { name: 'Create account and join' }).click();
  await expect(member).toHaveURL(new RegExp(`/t/${slug}$`));
  return { guest, member };
}

test('invite → accept by signing up → the role decides what the new member can do', async ({ page, browser }) => {
  const owner = await signUpOwner(page);
  const invitee = `invitee-${unique()}@flows.test`;
  const link = await invite(page, owner.slug, invitee, 'viewer');
  const { guest, member: other } = await joinBySigningUp(browser, link, 'Ivy Invitee', owner.slug);

  // As a viewer: no invite form, no way to change roles.
  await other.goto(`/t/${owner.slug}/members`);
  await expect(other.getByRole('form', { name: 'Invite a member' })).toHaveCount(0);
  await expect(other.getByRole('row').filter({ hasText: invitee }).getByTestId('member-role')).toHaveText('viewer');

  // The owner promotes them to admin; on their next request the invite form appears.
  await page.goto(`/t/${owner.slug}/members`);
  const row = page.getByRole('row').filter({ hasText: invitee });
  await row.getByLabel(`Role of ${invitee}`).selectOption('admin');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('button', { name: 'Save' })).toBeEnabled();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: invitee }).getByLabel(`Role of ${invitee}`)).toHaveValue('admin', {
      timeout: 500,
    });
  }).toPass({ timeout: 10_000 });
  await other.reload();
  await expect(other.getByRole('form', { name: 'Invite a member' })).toBeVisible();

  // The invitation link is single-use.
  await other.goto(link);
  await expect(other.getByRole('heading', { name: 'Invitation no longer valid' })).toBeVisible();
  await guest.close();
});

test('a removed member loses access on their very next request', async ({ page, browser }) => {
  const owner = await signUpOwner(page);
  const invitee = `leaver-${unique()}@flows.test`;
  const link = await invite(page, owner.slug, invitee);
  const { guest, member } = await joinBySigningUp(browser, link, 'Lee Leaver', owner.slug);

  await page.goto(`/t/${owner.slug}/members`);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('row').filter({ hasText: invitee }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('row').filter({ hasText: invitee })).toHaveCount(0);

  const response = await member.goto(`/t/${owner.slug}`);
  expect(response?.status()).toBe(404);
  await guest.close();
});

test('a signed-in member of another workspace cannot use an invitation sent to someone else', async ({ page, browser }) => {
  const owner = await signUpOwner(page);
  const invitee = `meant-${unique()}@flows.test`;
  const link = await invite(page, owner.slug, invitee);

  const guest = await browser.newContext();
  const bob = await guest.newPage();
  await signIn(bob, 'bob@globex.test');
  await expect(bob).toHaveURL(/\/t\/globex$/);
  await bob.goto(link);
  await expect(bob.getByText(`This invitation was sent to ${invitee}`)).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Accept and join' })).toHaveCount(0);
  await guest.close();
});
