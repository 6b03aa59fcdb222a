import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

import { fromFreshAddress, mailedLink, mailedMessage, signIn, signUpOwner, TEST_PASSWORD, unique } from '../support/auth';
import { e2eOpsUrl, withOps } from '../support/ops';

// Attacks on accounts, from outside: as a script talking to Auth.js's endpoints and as a browser.
// The e2e server trusts one proxy hop (TRUST_PROXY_HOPS=1), so the test plays the proxy and can
// send each attempt "from" an address of its choosing — the last X-Forwarded-For entry.

const randomAddress = () =>
  `10.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`;

/**
 * One sign-in attempt as a script: Auth.js's CSRF token, then its credentials callback. Returns
 * where Auth.js sends the browser: the app on success, or /sign-in?error=…&code=… with the reason.
 */
async function scriptedSignIn(
  request: APIRequestContext,
  email: string,
  password: string,
  forwardedFor: string,
  csrf?: string,
): Promise<string> {
  const headers = { 'x-forwarded-for': forwardedFor };
  // Parallel callers share one token: each fetch would replace the CSRF cookie the others rely on.
  const csrfToken = csrf ?? (await csrfTokenOf(request));
  const response = await request.post('/api/auth/callback/credentials', {
    form: { email, password, csrfToken, callbackUrl: '/tenants' },
    headers,
    maxRedirects: 0,
  });
  return response.headers().location ?? `status ${response.status()}`;
}

/** Auth.js's CSRF token; its cookie lands in `request`'s cookie jar. */
async function csrfTokenOf(request: APIRequestContext): Promise<string> {
  return ((await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }).csrfToken;
}

const codeOf = (location: string) =>
  new URL(location, 'http://x').searchParams.get('code') ?? (location.includes('/sign-in') ? 'error' : 'signed_in');

test.describe('sign-in throttling', () => {
  test('30 parallel wrong passwords are checked at most 5 times; the owner elsewhere still signs in', async ({ page, request }) => {
    const owner = await signUpOwner(page, 'Target');
    const attacker = randomAddress();
    const csrf = await csrfTokenOf(request);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => scriptedSignIn(request, owner.email, `wrong guess ${i}`, attacker, csrf)),
    );
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === 'invalid_credentials').length, codes.join(', ')).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c.startsWith('too_many_attempts')).length).toBeGreaterThanOrEqual(25);
    // Even the right password is refused from the attacker's address now…
    expect(codeOf(await scriptedSignIn(request, owner.email, owner.password, attacker))).toMatch(/^too_many_attempts:\d+$/);
    // …while the owner, from anywhere else, is not locked out by it.
    expect(codeOf(await scriptedSignIn(request, owner.email, owner.password, randomAddress()))).toBe('signed_in');
  });

  test('rotating forged X-Forwarded-For entries does not buy more attempts: only the trusted hop counts', async ({ page, request }) => {
    const owner = await signUpOwner(page, 'Rotated');
    const attacker = randomAddress();
    const codes: string[] = [];
    for (let i = 0; i < 7; i++)
      codes.push(codeOf(await scriptedSignIn(request, owner.email, `wrong ${i}`, `${randomAddress()}, ${randomAddress()}, ${attacker}`)));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('invalid_credentials'));
    expect(codes[5]).toMatch(/^too_many_attempts:/);
    expect(codes[6]).toMatch(/^too_many_attempts:/);
  });

  test('the form says how long to wait, and says the same for an address with no account', async ({ page }) => {
    const email = `nobody-${unique()}@nowhere.test`;
    await fromFreshAddress(page);
    for (let i = 0; i < 6; i++) await signIn(page, email, `wrong ${i}`);
    await expect(page.locator('form').getByRole('alert')).toContainText(
      /Too many sign-in attempts for this account from your network\. Wait \d+ seconds/,
    );
  });
});

test.describe('enumeration', () => {
  async function signUpAnswer(page: Page, email: string): Promise<string> {
    await fromFreshAddress(page);
    await page.goto('/sign-up');
    await page.getByLabel('Your name').fill('Probe');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill(`Probe ${unique()}`);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    return (await page.getByTestId('sign-up-sent').innerText()).replace(email, '<email>');
  }

  test('sign-up answers a taken address exactly like a new one, and tells the owner someone tried', async ({ page, baseURL }) => {
    const taken = `taken-${unique()}@flows.test`;
    await withOps(e2eOpsUrl(baseURL!), (db) =>
      db.query(`INSERT INTO users (email, name, password_hash, email_verified) VALUES ($1, 'Taken', 'x', now())`, [taken]),
    );
    const fresh = `fresh-${unique()}@flows.test`;
    expect(await signUpAnswer(page, taken)).toBe(await signUpAnswer(page, fresh));
    expect((await mailedMessage(taken)).subject).toBe('Someone tried to sign up for Bulkhead with your address');
    expect((await mailedMessage(fresh)).subject).toBe('Confirm your email address for Bulkhead');
  });

  test('forgot-password answers the same words for an account and for none', async ({ page }) => {
    const owner = await signUpOwner(page, 'Forgetful');
    const answer = async (email: string) => {
      await fromFreshAddress(page);
      await page.goto('/forgot-password');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      return (await page.getByRole('status').innerText()).replace(email, '<email>');
    };
    expect(await answer(owner.email)).toBe(await answer(`nobody-${unique()}@nowhere.test`));
  });

  // Timing (the same answer time for both): e2e/security/timing.spec.ts, run last and alone.
});

test.describe('verification and tokens', () => {
  test('an unverified account reaches no workspace, its link works once, and only the newest link works', async ({ page }) => {
    const id = unique();
    const email = `unverified-${id}@flows.test`;
    await fromFreshAddress(page);
    await page.goto('/sign-up');
    await page.getByLabel('Your name').fill('Una Verified');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByLabel('Workspace name').fill(`Una ${id}`);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expect(page.getByTestId('sign-up-sent')).toBeVisible();
    const first = await mailedLink(page, email);

    // Signed in but unverified: the workspace sends them to confirm first.
    await signIn(page, email, TEST_PASSWORD);
    await page.goto(`/t/una-${id}`);
    await expect(page).toHaveURL(/\/verify-email$/);
    await expect(page.getByText(`confirm that ${email} is your address`)).toBeVisible();

    // A new link kills the first one.
    const resent = new Date();
    await page.getByRole('button', { name: 'Send a new link' }).click();
    await expect(page.getByRole('status')).toContainText('Earlier links no longer work');
    const second = await mailedLink(page, email, { since: resent });
    expect(second).not.toBe(first);
    await page.goto(first);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect(page.locator('form').getByRole('alert')).toContainText('This link is no longer valid');

    // Opening the newest link confirms nothing by itself (mail scanners open links)…
    await page.goto(second);
    await page.goto(`/t/una-${id}`);
    await expect(page).toHaveURL(/\/verify-email$/);
    // …the button does, and then the workspace opens.
    await page.goto(second);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect(page).toHaveURL(new RegExp(`/t/una-${id}$`));
    // Used once.
    await page.goto(second);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect(page.locator('form').getByRole('alert')).toContainText('This link is no longer valid');
  });

  test('a reset link dies when the password changes; an email change needs a POST and tells the old address', async ({ page }) => {
    const owner = await signUpOwner(page, 'Changer');
    // A reset link, requested and then overtaken by a password change on the account page.
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(owner.email);
    const requested = new Date();
    await page.getByRole('button', { name: 'Send reset link' }).click();
    expect((await mailedMessage(owner.email, { since: requested })).subject).toBe('Reset your Bulkhead password');
    const reset = await mailedLink(page, owner.email, { since: requested });
    await page.goto('/account');
    const passwordForm = page.getByRole('form', { name: 'Change password' });
    await passwordForm.getByLabel('Current password').fill(owner.password);
    await passwordForm.getByLabel('New password').fill('a changed passphrase');
    await passwordForm.getByRole('button', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/sign-in\?changed=password/);
    await page.goto(reset);
    await page.getByLabel('New password').fill('the attacker wants this');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByText('This link is no longer valid. Request a new one.')).toBeVisible();

    // Email change: the link's page alone changes nothing; the button does; the old address hears of it.
    await signIn(page, owner.email, 'a changed passphrase');
    await expect(page).toHaveURL(new RegExp(`/t/${owner.slug}$`));
    const newEmail = `moved-${unique()}@flows.test`;
    await page.goto('/account');
    const emailForm = page.getByRole('form', { name: 'Change email' });
    await emailForm.getByLabel('New email').fill(newEmail);
    await emailForm.getByLabel('Password').fill('a changed passphrase');
    await emailForm.getByRole('button', { name: 'Send confirmation link' }).click();
    const confirm = await mailedLink(page, newEmail);
    const confirmed = new Date();
    await page.goto(confirm);
    await page.goto('/account');
    await expect(page.getByText(`Signed in as ${owner.email}`)).toBeVisible();
    await page.goto(confirm);
    await page.getByRole('button', { name: 'Confirm the new address' }).click();
    await expect(page).toHaveURL(/\/sign-in\?changed=email/);
    const notice = await mailedMessage(owner.email, { since: confirmed });
    expect(notice.subject).toBe('Your Bulkhead sign-in address has changed');
    expect(notice.text).toContain(newEmail);
    await verifyAndSignInWithoutLink(page, newEmail, 'a changed passphrase', owner.slug);
  });
});

/** Signs in with a password (the address is already verified by the change). */
async function verifyAndSignInWithoutLink(page: Page, email: string, password: string, slug: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
}

test.describe('GitHub sign-in (a local stub provider)', () => {
  async function continueWithGitHub(page: Page, email: string, verified: boolean) {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    await page.getByLabel('GitHub email').fill(email);
    if (verified) await page.getByLabel('Verified by GitHub').check();
    await page.getByRole('button', { name: 'Authorize' }).click();
  }

  test('an address GitHub has not verified signs nobody in', async ({ page }) => {
    await continueWithGitHub(page, `unverified-${unique()}@github.test`, false);
    await expect(page).toHaveURL(/\/sign-in\?error=unverified_email/);
    await expect(page.getByTestId('sign-in-notice')).toContainText('no verified primary email address');
  });

  test('whoever registered the address first loses it to its verified owner: password cleared, sessions ended', async ({
    page,
    browser,
  }) => {
    const id = unique();
    const victim = `cfo-${id}@victim.test`;
    // The squatter registers the CFO's address and signs in (unverified: no workspace, but a session).
    const squatterContext = await browser.newContext();
    const squatter = await squatterContext.newPage();
    await fromFreshAddress(squatter);
    await squatter.goto('/sign-up');
    await squatter.getByLabel('Your name').fill('Not The CFO');
    await squatter.getByLabel('Work email').fill(victim);
    await squatter.getByLabel('Password').fill('squatter password');
    await squatter.getByLabel('Workspace name').fill(`Trap ${id}`);
    await squatter.getByRole('button', { name: 'Create workspace' }).click();
    await expect(squatter.getByTestId('sign-up-sent')).toBeVisible();
    await signIn(squatter, victim, 'squatter password');
    await expect(squatter).toHaveURL(/\/verify-email$/);

    // The real CFO signs in with GitHub, which has verified the address.
    const linked = new Date();
    await continueWithGitHub(page, victim, true);
    await expect(page).toHaveURL(new RegExp(`/t/trap-${id}$`));
    expect((await mailedMessage(victim, { since: linked })).subject).toBe('GitHub is now how you sign in to Bulkhead');

    // The squatter's session is over, and their password no longer signs anyone in.
    await squatter.goto('/verify-email');
    await expect(squatter).toHaveURL(/\/sign-in/);
    await signIn(squatter, victim, 'squatter password');
    await expect(squatter.locator('form').getByRole('alert')).toContainText('That email and password do not match an account.');
    await squatterContext.close();
  });
});
