import { expect, test } from '@playwright/test';
import { mailedLink, signIn, signUpOwner, TEST_PASSWORD, unique } from '../support/auth';

test('invite → accept by signing up → the role decides what the new member can do', async ({ page, browser }) => {
  const owner = await signUpOwner(page);
  const invitee = `invitee-${unique()}@flows.test`;
  await page.goto(`/t/${owner.slug}/members`);
  await page.getByLabel('Email').fill(invitee);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${invitee}.`);
  const link = await mailedLink(page, invitee);

  const guest = await browser.newContext();
  const other = await guest.newPage();
  await other.goto(link);
  await expect(other.getByRole('heading', { name: `Join ${owner.workspace}` })).toBeVisible();
  await other.getByLabel('Your name').fill('Ivy Invitee');
  await other.getByLabel('Choose a password').fill(TEST_PASSWORD);
  await other.getByRole('button', { name: 'Create account and join' }).click();
  await expect(other).toHaveURL(new RegExp(`/t/${owner.slug}$`));

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
    await expect(page.getByRole('row').filter({ hasText: invitee }).getByLabel(`Role of ${invitee}`)).toHaveValue('admin', { timeout: 500 });
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
  await page.goto(`/t/${owner.slug}/members`);
  await page.getByLabel('Email').fill(invitee);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toBeVisible();
  const link = await mailedLink(page, invitee);

  const guest = await browser.newContext();
  const member = await guest.newPage();
  await member.goto(link);
  await member.getByLabel('Your name').fill('Lee Leaver');
  await member.getByLabel('Choose a password').fill(TEST_PASSWORD);
  await member.getByRole('button', { name: 'Create account and join' }).click();
  await expect(member).toHaveURL(new RegExp(`/t/${owner.slug}$`));

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
  await page.goto(`/t/${owner.slug}/members`);
  await page.getByLabel('Email').fill(invitee);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toBeVisible();
  const link = await mailedLink(page, invitee);

  const guest = await browser.newContext();
  const bob = await guest.newPage();
  await signIn(bob, 'bob@globex.test');
  await expect(bob).toHaveURL(/\/t\/globex$/);
  await bob.goto(link);
  await expect(bob.getByText(`This invitation was sent to ${invitee}`)).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Accept and join' })).toHaveCount(0);
  await guest.close();
});
