import { expect, test, type Browser, type Page } from '@playwright/test';

import { fromFreshAddress, signUpOwner } from '../support/auth';

// Open-redirect vectors (issue 12, finding 4) as a browser: each is the decoded value of the
// callbackUrl a phishing link would carry. Browsers drop tabs and newlines from a Location header
// and read `\` as `/`, so `/\t/evil.example/x` used to land on https://evil.example/x. Whatever the
// vector, the browser must end on the app's origin. Off-site requests are answered by a stub page
// here (there is no network), so a redirect that escapes shows up as the page's URL.

const VECTORS: string[] = [
  '/\t/evil.example/x',
  '/%09/evil.example/x',
  '/\n/evil.example/x',
  '/\r\n/evil.example/x',
  '//evil.example/x',
  '///evil.example/x',
  '/\\evil.example/x',
  '\\\\evil.example/x',
  '/%2F%2Fevil.example/x',
  '/%5Cevil.example/x',
  '/.//evil.example/x',
  'https://evil.example/x',
  'http:evil.example',
  'javascript:alert(document.domain)',
  ' //evil.example/x',
];
// The slower paths (a real sign-in per vector) take the ones browsers are known to follow.
const SIGN_IN_VECTORS = ['/\t/evil.example/x', '/%09/evil.example/x', '/\\evil.example/x', '//evil.example/x', 'https://evil.example/x'];

let owner: { email: string; password: string; slug: string };

/**
 * The app's own origin: the one the tests use. Auth.js's redirects are paths (safeRedirectPath), so
 * the browser never changes origin — not even to `localhost`, the name route handlers see behind
 * the front server.
 */
function appOrigins(baseURL: string): string[] {
  return [new URL(baseURL).origin];
}

async function guardOffsite(page: Page, origins: string[]) {
  await page.route(
    (url) => !origins.includes(url.origin),
    (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>off-site</h1>' }),
  );
}

/**
 * Navigates; a redirect to another origin is answered by the stub above or, when the browser
 * follows it without asking the router (a redirect chain), fails to resolve: both are escapes.
 */
async function visit(page: Page, url: string): Promise<number> {
  try {
    return (await page.goto(url))?.status() ?? 0;
  } catch (error) {
    throw new Error(`${url} left the app: ${String(error).split('\n')[0]}`);
  }
}

/** Where the browser settles: the page's origin once navigation is over. */
async function settledOrigin(page: Page): Promise<string> {
  await page.waitForLoadState('load');
  return new URL(page.url()).origin;
}

async function freshPage(browser: Browser, origins: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await guardOffsite(page, origins);
  await fromFreshAddress(page);
  return page;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  owner = await signUpOwner(page, 'Redirect');
  await page.context().close();
});

test('a signed-in visit to /sign-in?callbackUrl=… stays on the app, for every vector', async ({ page, baseURL }) => {
  test.setTimeout(120_000); // the CI machine is shared; each vector is one request or one page
  const origins = appOrigins(baseURL!);
  await guardOffsite(page, origins);
  await fromFreshAddress(page);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${owner.slug}$`));
  // Every vector as the page's redirect: its Location, resolved the way a browser resolves it
  // (the WHATWG URL parser drops tabs and newlines and reads `\` as `/`), stays on the app.
  for (const vector of VECTORS) {
    const response = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent(vector)}`, { maxRedirects: 0 });
    expect(response.status(), JSON.stringify(vector)).toBeLessThan(500);
    const location = response.headers().location;
    expect(location, JSON.stringify(vector)).toBeTruthy();
    expect(origins, `${JSON.stringify(vector)} → Location ${JSON.stringify(location)}`).toContain(new URL(location!, origins[0]).origin);
  }
  // And the browser itself, for the vectors browsers are known to bend.
  for (const vector of ['/\t/evil.example/x', '/\\evil.example/x']) {
    expect(await visit(page, `/sign-in?callbackUrl=${encodeURIComponent(vector)}`), JSON.stringify(vector)).toBeLessThan(500);
    expect(origins, JSON.stringify(vector)).toContain(await settledOrigin(page));
  }
  // A repeated callbackUrl (an array to the page) is no valid return path either, and no 500.
  expect(await visit(page, `/sign-in?callbackUrl=%2Ft%2F${owner.slug}&callbackUrl=${encodeURIComponent('//evil.example')}`)).toBeLessThan(
    500,
  );
  expect(origins).toContain(await settledOrigin(page));
});

test('signing in through the form with a vector as callbackUrl ends on the app', async ({ browser, baseURL }) => {
  test.setTimeout(120_000); // one real sign-in per vector
  const origins = appOrigins(baseURL!);
  for (const vector of SIGN_IN_VECTORS) {
    const page = await freshPage(browser, origins);
    await visit(page, `/sign-in?callbackUrl=${encodeURIComponent(vector)}`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page, JSON.stringify(vector)).toHaveURL(new RegExp(`^${origins[0]}/t/${owner.slug}$`));
    await page.context().close();
  }
});

test("signing in through Auth.js's own endpoint with a vector as callbackUrl ends on the app", async ({ browser, baseURL }) => {
  test.setTimeout(120_000); // one real sign-in per vector
  const origins = appOrigins(baseURL!);
  for (const vector of SIGN_IN_VECTORS) {
    const page = await freshPage(browser, origins);
    // GET /api/auth/signin?callbackUrl=… is Auth.js's entry: it sends the browser to our sign-in page.
    await visit(page, `/api/auth/signin?callbackUrl=${encodeURIComponent(vector)}`);
    expect(origins, JSON.stringify(vector)).toContain(await settledOrigin(page));
    // A script-made form posted straight to the credentials callback, as a phishing page would.
    const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const before = page.url();
    await page.evaluate(
      ({ fields }) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = '/api/auth/callback/credentials';
        for (const [name, value] of Object.entries(fields)) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      },
      { fields: { email: owner.email, password: owner.password, csrfToken, callbackUrl: vector } },
    );
    // Wherever Auth.js sends it (an escape shows as another origin, or as Chromium's error page).
    await page.waitForURL((url) => url.href !== before && !url.pathname.startsWith('/api/auth'));
    expect(origins, JSON.stringify(vector)).toContain(await settledOrigin(page));
    await page.context().close();
  }
});
