import { expect, test } from '@playwright/test';

import { fromFreshAddress, signIn, signUpOwner } from '../support/auth';
import { codeForm, enrolTwoFactor, enterSignInCode, expectNoSeriousAxeViolations, pendingSignIn } from '../support/two-factor';

// Two-factor sign-in as a person uses it: enrol with the key behind the QR code, sign in with a
// code, lose the phone and use a recovery code (once), get new recovery codes, turn it off.

test('enrol, sign in with a code, a recovery code works once, new recovery codes, turning off needs password and code', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const owner = await signUpOwner(page, 'Enrol');

  // Enrolment: QR code and key, a first code, ten recovery codes shown once.
  const { app, recoveryCodes } = await enrolTwoFactor(page);
  await page.reload();
  await expect(page.getByTestId('two-factor-status')).toHaveText('Two-factor sign-in is on. 10 of 10 recovery codes left.');
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);

  // Signing in now stops after the password; the code page passes an axe scan in both schemes.
  const first = await pendingSignIn(browser, owner.email, owner.password);
  // Scanned as loaded (not mid-transition from the sign-in form, whose pending button is paler).
  await first.page.reload();
  await expect(first.page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await expectNoSeriousAxeViolations(first.page);
  await first.page.emulateMedia({ colorScheme: 'dark' });
  await expectNoSeriousAxeViolations(first.page);
  await enterSignInCode(first.page, '123456');
  await expect(codeForm(first.page).getByRole('alert')).toContainText('That code is not right');
  await enterSignInCode(first.page, await app.code());
  await expect(first.page).toHaveURL(new RegExp(`/t/${owner.slug}$`));
  await first.context.close();

  // Lost the phone: a recovery code signs in once, and the account page says how many are left.
  const recovered = await pendingSignIn(browser, owner.email, owner.password);
  await enterSignInCode(recovered.page, recoveryCodes[0]!.toLowerCase());
  await expect(recovered.page).toHaveURL(/\/account\/two-factor\?recovery=9$/);
  await expect(recovered.page.getByTestId('recovery-notice')).toContainText('9 recovery codes are left');
  await recovered.context.close();
  const again = await pendingSignIn(browser, owner.email, owner.password);
  await enterSignInCode(again.page, recoveryCodes[0]!);
  await expect(codeForm(again.page).getByRole('alert')).toContainText('that recovery code was used already');
  await expect(again.page).toHaveURL(/\/sign-in\/two-factor/);
  await again.context.close();

  // New recovery codes need a current code; the old ones stop working.
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('two-factor-status')).toContainText('9 of 10 recovery codes left');
  await page.getByLabel('Current code from your app').fill('000000');
  await page.getByRole('button', { name: 'Replace recovery codes' }).click();
  await expect(page.getByRole('form', { name: 'New recovery codes' }).getByRole('alert')).toContainText('That code is not right');
  await page.getByLabel('Current code from your app').fill(await app.code());
  await page.getByRole('button', { name: 'Replace recovery codes' }).click();
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
  const fresh = await page.getByTestId('recovery-codes').getByRole('listitem').allInnerTexts();
  expect(fresh.some((code) => recoveryCodes.includes(code.trim()))).toBe(false);
  const stale = await pendingSignIn(browser, owner.email, owner.password);
  await enterSignInCode(stale.page, recoveryCodes[1]!);
  await expect(codeForm(stale.page).getByRole('alert')).toContainText('that recovery code was used already');
  await stale.context.close();

  // Turning it off: a wrong password is refused (the code is not spent), then password + code.
  await page.goto('/account/two-factor');
  const off = page.getByRole('form', { name: 'Turn off two-factor' });
  await off.getByLabel('Password').fill('not my password');
  await off.getByLabel('Code or recovery code').fill(await app.code());
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(off.getByText('That is not your password.')).toBeVisible();
  await off.getByLabel('Password').fill(owner.password);
  await off.getByLabel('Code or recovery code').fill('');
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(off.getByText('Enter the 6-digit code from your authenticator app.')).toBeVisible();
  await off.getByLabel('Password').fill(owner.password);
  await off.getByLabel('Code or recovery code').fill(app.lastCode());
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(page.getByTestId('two-factor-disabled')).toBeVisible();
  await expect(page.getByTestId('two-factor-qr')).toBeVisible();

  // And the password alone signs in again.
  const plain = await browser.newContext();
  const plainPage = await plain.newPage();
  await fromFreshAddress(plainPage);
  await signIn(plainPage, owner.email, owner.password);
  await expect(plainPage).toHaveURL(new RegExp(`/t/${owner.slug}$`));
  await plain.close();
});
