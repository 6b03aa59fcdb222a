import { expect, test, type Browser, type Page } from '@playwright/test';

import { mailedLink, signUpOwner, TEST_PASSWORD, unique } from '../support/auth';
import { e2eOpsUrl, withOps } from '../support/ops';
import { codeForm, enrolTwoFactor, enterSignInCode, pendingSignIn, type Enrolled } from '../support/two-factor';

// Attacks on two-factor sign-in, from outside: someone who has the password (a pending session)
// tries to get further than the code page, to guess codes, to replay a code or a used recovery
// code, to forge the session update; and the workspace rule keeps members without two-factor out.

async function enrolledOwner(page: Page, label: string): Promise<{ owner: Awaited<ReturnType<typeof signUpOwner>> } & Enrolled> {
  const owner = await signUpOwner(page, label);
  return { owner, ...(await enrolTwoFactor(page)) };
}

const REVENUE_CSV = (slug: string) => `/t/${slug}/reports/revenue.csv?from=2020-01-01&to=2030-12-31&granularity=month`;

test('a pending session (password right, code owed) reaches no workspace page, action or route, and cannot promote itself', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { owner } = await enrolledOwner(page, 'Pending');
  const { context, page: pending } = await pendingSignIn(browser, owner.email, owner.password);

  // Pages: every one sends the pending session back to the code page.
  for (const path of [
    `/t/${owner.slug}`,
    `/t/${owner.slug}/settings`,
    `/t/${owner.slug}/members`,
    '/tenants',
    '/account',
    '/account/two-factor',
  ]) {
    await pending.goto(path);
    await expect(pending, path).toHaveURL(/\/sign-in\/two-factor\?callbackUrl=/);
    await expect(pending.getByTestId('current-tenant')).toHaveCount(0);
  }

  // Route handlers: the same 401 as no session at all.
  const csv = await context.request.get(REVENUE_CSV(owner.slug));
  expect(csv.status()).toBe(401);
  expect(await csv.text()).not.toContain('Revenue');

  // Server actions: the owner's settings form, submitted with the pending session's cookie.
  const pendingCookies = await context.cookies();
  const full = await browser.newContext();
  const ownerPage = await full.newPage();
  await full.addCookies(await page.context().cookies());
  await ownerPage.goto(`/t/${owner.slug}/settings`);
  await full.clearCookies();
  await full.addCookies(pendingCookies);
  await ownerPage.getByLabel('Workspace name').fill('Renamed by a pending session');
  await ownerPage.getByRole('button', { name: 'Save settings' }).click();
  await expect(ownerPage.getByRole('form', { name: 'Workspace settings' }).getByRole('alert')).toContainText(
    'Your session has ended. Sign in again.',
  );
  const name = await withOps(
    e2eOpsUrl(baseURL!),
    async (db) => (await db.query<{ name: string }>('SELECT name FROM tenants WHERE slug = $1', [owner.slug])).rows[0]!.name,
  );
  expect(name).toBe(owner.workspace);
  await full.close();

  // Auth.js's session update, called by the holder of the pending cookie with anything they like,
  // does not make the session full: only a pass recorded by a right code does.
  const { csrfToken } = (await (await context.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const update = await context.request.post('/api/auth/session', { data: { csrfToken, data: { twoFactorPending: null, tfp: null } } });
  expect(update.status()).toBeLessThan(500);
  await pending.goto(`/t/${owner.slug}`);
  await expect(pending).toHaveURL(/\/sign-in\/two-factor\?/);
  expect((await context.request.get(REVENUE_CSV(owner.slug))).status()).toBe(401);
  await context.close();
});

test('wrong codes are throttled like passwords: five, then a wait, even for the right code', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { owner, app } = await enrolledOwner(page, 'Guess');
  const { context, page: pending } = await pendingSignIn(browser, owner.email, owner.password);
  for (let i = 0; i < 5; i++) {
    await enterSignInCode(pending, String(100000 + i * 7919).padStart(6, '0'));
    await expect(codeForm(pending).getByRole('alert')).toContainText('That code is not right');
  }
  await enterSignInCode(pending, String(999999));
  await expect(codeForm(pending).getByRole('alert')).toContainText(/Too many wrong codes\. Wait \d+ (seconds|minutes)/);
  await enterSignInCode(pending, await app.code());
  await expect(codeForm(pending).getByRole('alert')).toContainText('Too many wrong codes');
  await expect(pending).toHaveURL(/\/sign-in\/two-factor/);
  await context.close();
});

test('a code is accepted once: the same code in a second sign-in is refused', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { owner, app } = await enrolledOwner(page, 'Replay');
  const first = await pendingSignIn(browser, owner.email, owner.password);
  const second = await pendingSignIn(browser, owner.email, owner.password);
  const code = await app.code();
  await enterSignInCode(first.page, code);
  await expect(first.page).toHaveURL(new RegExp(`/t/${owner.slug}$`));
  await enterSignInCode(second.page, code);
  await expect(codeForm(second.page).getByRole('alert')).toContainText('That code was used already');
  await second.page.goto(`/t/${owner.slug}`);
  await expect(second.page).toHaveURL(/\/sign-in\/two-factor\?/);
  await first.context.close();
  await second.context.close();
});

test('a recovery code is accepted once', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { owner, recoveryCodes } = await enrolledOwner(page, 'Reuse');
  const first = await pendingSignIn(browser, owner.email, owner.password);
  const second = await pendingSignIn(browser, owner.email, owner.password);
  await enterSignInCode(first.page, recoveryCodes[3]!);
  await expect(first.page).toHaveURL(/\/account\/two-factor\?recovery=9$/);
  await enterSignInCode(second.page, recoveryCodes[3]!);
  await expect(codeForm(second.page).getByRole('alert')).toContainText('that recovery code was used already');
  await expect(second.page).toHaveURL(/\/sign-in\/two-factor/);
  await first.context.close();
  await second.context.close();
});

/** The owner invites `email` as a member; the invitee signs up through the link in a browser of their own. */
async function inviteAndJoin(page: Page, browser: Browser, slug: string) {
  const email = `member-${unique()}@flows.test`;
  await page.goto(`/t/${slug}/members`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${email}.`);
  const link = await mailedLink(page, email);
  const context = await browser.newContext();
  const member = await context.newPage();
  await member.goto(link);
  await member.getByLabel('Your name').fill('Mo Member');
  await member.getByLabel('Choose a password').fill(TEST_PASSWORD);
  await member.getByRole('button', { name: 'Create account and join' }).click();
  return { context, member, email };
}

test('a workspace that requires two-factor sends a member without it to enrolment, not into the workspace', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const owner = await signUpOwner(page, 'Rule');
  const rule = page.getByRole('form', { name: 'Two-factor rule' });

  // The owner cannot lock themselves out: the rule needs two-factor on their own account first.
  await page.goto(`/t/${owner.slug}/settings`);
  await rule.getByRole('button', { name: 'Require two-factor for all members' }).click();
  await expect(rule.getByRole('alert')).toContainText('Turn on two-factor sign-in for your own account first');
  await expect(page.getByTestId('two-factor-rule')).toContainText('Members may sign in with a password or GitHub alone.');

  await enrolTwoFactor(page);
  await page.goto(`/t/${owner.slug}/settings`);
  await rule.getByRole('button', { name: 'Require two-factor for all members' }).click();
  await expect(page.getByTestId('two-factor-rule')).toContainText('Members must use two-factor sign-in');

  // A member without two-factor: sent to enrolment by every page, refused (403) by routes and actions.
  const { context, member } = await inviteAndJoin(page, browser, owner.slug);
  await expect(member).toHaveURL(new RegExp(`/account/two-factor\\?required=${owner.slug}$`));
  await expect(member.getByTestId('two-factor-required')).toContainText(`The workspace ${owner.slug} requires two-factor sign-in`);
  await member.goto(`/t/${owner.slug}/customers`);
  await expect(member).toHaveURL(new RegExp(`/account/two-factor\\?required=${owner.slug}$`));
  await expect(member.getByTestId('current-tenant')).toHaveCount(0);
  const csv = await context.request.get(REVENUE_CSV(owner.slug));
  expect(csv.status()).toBe(403);
  expect(await csv.text()).toContain('This workspace requires two-factor sign-in');

  // With two-factor on, they get in.
  await enrolTwoFactor(member);
  await member.goto(`/t/${owner.slug}`);
  await expect(member).toHaveURL(new RegExp(`/t/${owner.slug}$`));
  await expect(member.getByTestId('current-tenant').first()).toHaveText(owner.workspace);
  await context.close();
});

test('GitHub sign-in of a person with two-factor goes through the code page too', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = `octo-${unique()}@github.test`;
  const continueWithGitHub = async (tab: Page) => {
    await tab.goto('/sign-in');
    await tab.getByRole('button', { name: 'Continue with GitHub' }).click();
    await tab.getByLabel('GitHub email').fill(email);
    await tab.getByLabel('Verified by GitHub').check();
    await tab.getByRole('button', { name: 'Authorize' }).click();
  };
  await continueWithGitHub(page);
  await expect(page).toHaveURL(/\/tenants$/);
  const { app } = await enrolTwoFactor(page);
  // A GitHub-only account has no password: turning two-factor off asks for the code alone.
  await page.goto('/account/two-factor');
  await expect(page.getByText('Your account signs in with GitHub and has no password')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Turn off two-factor' }).getByLabel('Password')).toHaveCount(0);

  const context = await browser.newContext();
  const again = await context.newPage();
  await continueWithGitHub(again);
  await expect(again).toHaveURL(/\/sign-in\/two-factor\?/);
  await again.goto('/tenants');
  await expect(again).toHaveURL(/\/sign-in\/two-factor\?/);
  await enterSignInCode(again, await app.code());
  await expect(again).toHaveURL(/\/tenants/);
  await context.close();
});
