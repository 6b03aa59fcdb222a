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
