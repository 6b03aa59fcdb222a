import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';

import { fromAddress, testAddress } from '../support/addresses';
import { TEST_PASSWORD, unique } from '../support/auth';
import { e2eOpsUrl, withOps } from '../support/ops';

// Enumeration by timing: sign-up and forgot-password must take as long for an address that has an
// account as for one that has none. A measurement in ms needs a quiet machine, so this file is its
// own Playwright project ("quiet" in playwright.config.ts) that starts after every other test has
// finished — alone, with the server idle but for it.

test.describe('enumeration by timing', () => {
  /**
   * The form's fields as a browser without JavaScript posts them: React renders a server action's
   * form with hidden fields naming the action, so a plain multipart POST runs the same action the
   * page's script would call. Timing plain POSTs measures the server, not the browser's rendering.
   */
  async function formFields(browser: Browser, baseURL: string, path: string): Promise<Record<string, string>> {
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(path);
    const fields = await page
      .locator('form')
      .first()
      .evaluate((form) => Object.fromEntries([...new FormData(form as HTMLFormElement)].map(([name, value]) => [name, String(value)])));
    await context.close();
    return fields;
  }

  /**
   * The answer time of `tries` tries of each kind, interleaved so that load on the machine falls on
   * both alike. A try is the fastest of `repeats` submissions, each from its own client address
   * (through the trusted hop, so no limit is reached) with its own email: on a loaded 2-core machine
   * a single answer can wait tens of ms behind other work, and the fastest of three is what the
   * request itself costs. Each answer must carry `expected`, or the action did not run. Returns the
   * medians in ms.
   */
  async function medians(
    request: APIRequestContext,
    baseURL: string,
    path: string,
    tries: number,
    repeats: number,
    fields: (kind: 'existing' | 'unknown', n: number) => Record<string, string>,
    expected: string,
  ) {
    const times: Record<'existing' | 'unknown', number[]> = { existing: [], unknown: [] };
    let address = 0;
    for (let i = 0; i < tries; i++) {
      for (const kind of i % 2 ? (['existing', 'unknown'] as const) : (['unknown', 'existing'] as const)) {
        let fastest = Infinity;
        for (let r = 0; r < repeats; r++) {
          const headers = { ...fromAddress(testAddress(address++, 'b')), origin: baseURL };
          const started = performance.now();
          const response = await request.post(path, { multipart: fields(kind, i * repeats + r), headers });
          const body = await response.text();
          fastest = Math.min(fastest, performance.now() - started);
          expect(response.status(), body.slice(0, 200)).toBe(200);
          expect(body, `${path} as ${kind}`).toContain(expected);
        }
        times[kind].push(fastest);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return { existing: median(times.existing), unknown: median(times.unknown) };
  }

  test('neither sign-up nor forgot-password takes measurably longer for an existing account (medians of 50, under 10 ms apart)', async ({
    browser,
    request,
    baseURL,
  }) => {
    test.setTimeout(240_000);
    const run = unique();
    const tries = 50;
    const repeats = 3;
    const existing = Array.from({ length: tries * repeats }, (_, n) => `existing-${run}-${n}@timing.test`);
    const unknown = (i: number) => `unknown-${run}-${i}@timing.test`;
    await withOps(e2eOpsUrl(baseURL!), (db) =>
      db.query(`INSERT INTO users (email, name, password_hash, email_verified) SELECT unnest($1::text[]), 'Existing', 'x', now()`, [
        existing,
      ]),
    );

    const signUpForm = await formFields(browser, baseURL!, '/sign-up');
    const signUp = await medians(
      request,
      baseURL!,
      '/sign-up',
      tries,
      repeats,
      (kind, i) => ({
        ...signUpForm,
        name: 'Timing',
        email: kind === 'existing' ? existing[i]! : unknown(i),
        password: TEST_PASSWORD,
        workspace: `Timing ${run} ${kind} ${i}`,
        slug: `timing-${run}-${kind}-${i}`,
      }),
      'we sent a message to',
    );
    const forgotForm = await formFields(browser, baseURL!, '/forgot-password');
    const forgot = await medians(
      request,
      baseURL!,
      '/forgot-password',
      tries,
      repeats,
      (kind, i) => ({ ...forgotForm, email: kind === 'existing' ? existing[i]! : unknown(i) }),
      'role="status"',
    );
    test.info().annotations.push({ type: 'medians (ms)', description: JSON.stringify({ signUp, forgot }) });
    console.log(`[timing] medians in ms: ${JSON.stringify({ signUp, forgot })}`);
    expect(Math.abs(signUp.existing - signUp.unknown), JSON.stringify(signUp)).toBeLessThan(10);
    expect(Math.abs(forgot.existing - forgot.unknown), JSON.stringify(forgot)).toBeLessThan(10);
  });
});
