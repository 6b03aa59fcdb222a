import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect, test, type APIResponse, type BrowserContext, type Page, type Response } from '@playwright/test';

import { API_ROUTES, NON_TENANT_ROUTES, TENANT_PAGES, TENANT_ROUTE_HANDLERS } from '../leaks/registry';
import { ACME, browserAs, discoverRecords, type KnownRecords } from '../leaks/support/tenants';

// The security headers (lib/http/security-headers.ts, set by proxy.ts) from outside, as a browser:
// every page of the leak registry loads under the Content-Security-Policy without one violation and
// answers the whole header set; no page renders in a frame of another site (clickjacking); token
// pages leak nothing through Referer; route handlers and the API carry the non-CSP headers.
// Each page is loaded once as each person it is checked for; nothing waits on a clock.

test.describe.configure({ mode: 'parallel' });

/** Sample values for the dynamic segments of registry routes that are not under /t/[tenant]. */
const SEGMENTS: Record<string, string> = {
  '[token]': 'not-a-real-token-0000000000000000',
  '[...nextauth]': 'providers',
  '[...path]': 'no-such-endpoint',
};

function samplePath(route: string): string {
  return route.replace(/\[[^\]]+\]/g, (segment) => {
    const value = SEGMENTS[segment];
    if (!value) throw new Error(`e2e/security/headers.spec.ts has no sample value for ${segment} in ${route}: add one to SEGMENTS`);
    return value;
  });
}

const TOKEN_ROUTE = /^\/(reset-password|invite|confirm-email|verify-email)\/\[token\]$/;
const isApi = (route: string) => route.startsWith('/api/');
const NON_TENANT_PAGES = Object.keys(NON_TENANT_ROUTES).filter((route) => !isApi(route));
const NON_TENANT_HANDLERS = Object.keys(NON_TENANT_ROUTES).filter(isApi);

type Directives = Map<string, string[]>;
function parseCsp(value: string | undefined): Directives {
  const directives: Directives = new Map();
  for (const part of (value ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The headers every response of the app carries (pages, route handlers, API, redirects). */
function expectBaseHeaders(headers: Record<string, string>, what: string, tokenPage = false) {
  expect(headers['x-frame-options'], `${what}: X-Frame-Options`).toBe('DENY');
  expect(headers['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['referrer-policy'], `${what}: Referrer-Policy`).toBe(tokenPage ? 'same-origin' : 'strict-origin-when-cross-origin');
  const permissions = headers['permissions-policy'] ?? '';
  for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()'])
    expect(permissions, `${what}: Permissions-Policy`).toContain(feature);
  expect(headers['cross-origin-opener-policy'], `${what}: Cross-Origin-Opener-Policy`).toBe('same-origin');
  // The e2e server runs the production build: HSTS is sent (browsers ignore it over http).
  const hsts = headers['strict-transport-security'] ?? '';
  expect(hsts, `${what}: Strict-Transport-Security`).toMatch(/^max-age=\d+; includeSubDomains$/);
  expect(Number(hsts.match(/max-age=(\d+)/)?.[1]), `${what}: HSTS max-age of a year or more`).toBeGreaterThanOrEqual(31_536_000);
}

/** A page's policy: a nonce of its own, and nothing that lets an injected script or frame in. Returns the nonce. */
function expectPagePolicy(headers: Record<string, string>, what: string): string {
  const csp = parseCsp(headers['content-security-policy']);
  const script = csp.get('script-src') ?? [];
  const nonce = script.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
  expect(nonce, `${what}: a nonce in script-src`).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(script, `${what}: script-src`).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
  expect(csp.get('style-src'), `${what}: style-src`).toEqual(["'self'", `'nonce-${nonce}'`]);
  expect(csp.get('style-src-attr'), `${what}: style-src-attr`).toEqual(["'unsafe-inline'"]);
  expect(csp.get('default-src'), `${what}: default-src`).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(csp.get('object-src'), `${what}: object-src`).toEqual(["'none'"]);
  expect(csp.get('base-uri'), `${what}: base-uri`).toEqual(["'self'"]);
  expect(csp.get('img-src'), `${what}: img-src`).toEqual(["'self'", 'data:']);
  expect(csp.get('connect-src'), `${what}: connect-src`).toEqual(["'self'"]);
  expect(csp.get('form-action')?.[0], `${what}: form-action`).toBe("'self'");
  return nonce!;
}

/**
 * Collects every CSP violation in the context's pages: the `securitypolicyviolation` events (an
 * init script reports them before any script of the page runs) and Chromium's console reports.
 */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('__bulkheadCspViolation', ({ page }, report: string) => void violations.push(`${page.url()}: ${report}`));
  await context.addInitScript(() => {
    const report = (window as unknown as { __bulkheadCspViolation: (r: string) => void }).__bulkheadCspViolation;
    window.addEventListener(
      'securitypolicyviolation',
      (e) => void report(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
      true,
    );
  });
  context.on('console', (message) => {
    const text = message.text();
    if (/Refused to|Content Security Policy|Permissions-Policy|Permissions Policy/i.test(text))
      violations.push(`${message.page()?.url()}: console ${message.type()}: ${text}`);
  });
  context.on('weberror', (error) => void violations.push(`page error: ${error.error().message}`));
  return violations;
}

/**
 * Loads `path`, waits until React has hydrated it (its scripts ran under the policy), and returns
 * the document's response and every redirect on the way to it.
 */
async function load(page: Page, path: string, violations: string[]): Promise<{ response: Response; hops: Response[] }> {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  // React marks the elements it hydrated: without the nonce no script runs and this never happens.
  await page
    .waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber')), undefined, { timeout: 15_000 })
    .catch(() => {
      throw new Error(`${path} never hydrated (were its scripts refused?). CSP violations so far:\n${violations.join('\n')}`);
    });
  // Violation reports are queued as tasks: one more task lets those already queued arrive.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  const hops: Response[] = [];
  for (let request = response!.request().redirectedFrom(); request; request = request.redirectedFrom()) {
    const hop = await request.response();
    if (hop) hops.push(hop);
  }
  return { response: response!, hops };
}

/** Checks a loaded page: its headers, a nonce of its own on every script, and those of its redirects. */
async function expectSecurePage(page: Page, path: string, nonces: Set<string>, violations: string[]) {
  const { response, hops } = await load(page, path, violations);
  const finalPath = new URL(response.url()).pathname;
  const headers = await response.allHeaders();
  expectBaseHeaders(headers, `${path} (${finalPath})`, TOKEN_ROUTE.test(finalPath.replace(/\/[^/]+$/, '/[token]')));
  const nonce = expectPagePolicy(headers, path);
  expect(nonces.has(nonce), `${path}: a nonce already used by another response`).toBe(false);
  nonces.add(nonce);
  // Every script the server wrote carries the nonce (those Next's loader adds later are trusted
  // through 'strict-dynamic' and carry none).
  const scripts = [...(await response.text()).matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag.match(/\snonce="([^"]*)"/)?.[1]);
  expect(scripts.length, `${path}: scripts`).toBeGreaterThan(0);
  expect(
    scripts.filter((n) => n !== nonce),
    `${path}: scripts without this response's nonce`,
  ).toEqual([]);
  for (const hop of hops) expectBaseHeaders(await hop.allHeaders(), `${path}: redirect ${hop.status()} from ${hop.url()}`);
  return response;
}

test.describe('every registered page under the Content-Security-Policy', () => {
  let context: BrowserContext;
  let violations: string[];
  let records: KnownRecords;
  const nonces = new Set<string>();

  test.beforeAll(async ({ browser, baseURL }) => {
    context = await browserAs(browser, baseURL!, ACME.owner);
    violations = await watchViolations(context);
    records = await discoverRecords(await context.newPage(), ACME);
  });
  test.afterAll(async () => context?.close());

  for (const entry of TENANT_PAGES) {
    test(`tenant page ${entry.route}`, async () => {
      const seen = violations.length;
      const page = await context.newPage();
      const path = entry.path(ACME, records);
      const response = await expectSecurePage(page, path, nonces, violations);
      expect(response.status(), path).toBe(200);
      // Recharts draws its SVG with inline style attributes: the chart must be there, not refused.
      if (entry.route === '/t/[tenant]/reports') await expect(page.locator('.recharts-surface').first()).toBeVisible();
      expect(violations.slice(seen), `CSP violations on ${path}`).toEqual([]);
      await page.close();
    });
  }

  for (const route of NON_TENANT_PAGES) {
    test(`page ${route}`, async ({ browser, baseURL }) => {
      const path = samplePath(route);
      const anonymous = await browser.newContext({ baseURL });
      const anonymousViolations = await watchViolations(anonymous);
      const landed = await expectSecurePage(await anonymous.newPage(), path, nonces, anonymousViolations);
      await anonymous.close();
      expect(anonymousViolations, `CSP violations on ${path}, signed out`).toEqual([]);
      if (new URL(landed.url()).pathname !== '/sign-in' || path === '/sign-in') return;

      // A page for signed-in people: once more, signed in.
      const seen = violations.length;
      const page = await context.newPage();
      await expectSecurePage(page, path, nonces, violations);
      expect(violations.slice(seen), `CSP violations on ${path}, signed in`).toEqual([]);
      await page.close();
    });
  }
});

test('route handlers, the API and redirects carry the headers too', async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const check = async (what: string, response: APIResponse) => {
    expect(response.status(), what).toBeLessThan(500);
    expectBaseHeaders(response.headers(), what);
  };
  for (const route of NON_TENANT_HANDLERS) await check(route, await anonymous.get(samplePath(route), { maxRedirects: 0 }));
  for (const path of new Set(API_ROUTES.map((r) => r.path({ customerId: 'c', productId: 'p', paidOrderId: 'o' }).split('?')[0]!))) {
    await check(`${path} without a key`, await anonymous.get(path, { maxRedirects: 0 }));
  }
  for (const handler of TENANT_ROUTE_HANDLERS)
    await check(`${handler.route} signed out (redirect)`, await anonymous.get(handler.path(ACME), { maxRedirects: 0 }));
  // Auth.js's own redirect: a sign-in POST with no CSRF token.
  await check(
    'Auth.js credentials callback',
    await anonymous.post('/api/auth/callback/credentials', { form: { email: 'x@example.test', password: 'x' }, maxRedirects: 0 }),
  );
  await anonymous.dispose();
});

/**
 * A site of the test's own on a free port of the loopback interface, like the app (so the browser
 * lets its pages reach the app: a page it took for a public site could not frame a local one at
 * all, and the test would prove nothing). It frames `?target=`, serves a page that allows
 * framing, and records the Referer of every request for /landing.
 */
async function otherSite(): Promise<{ origin: string; referers: (string | undefined)[]; close: () => Promise<void> }> {
  const referers: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/landing') referers.push(request.headers.referer);
    const html = (body: string) => response.writeHead(200, { 'content-type': 'text/html' }).end(body);
    if (url.pathname === '/frame') {
      const target = url.searchParams.get('target') ?? '';
      return html(
        `<title>framing</title><iframe name="victim" src="${target.replace(/"/g, '&quot;')}" onload="document.title='framed'"></iframe>`,
      );
    }
    return html(`<title>elsewhere</title><p>${url.pathname === '/framable' ? 'framable' : 'elsewhere'}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, referers, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('no page renders in a frame of another site: clickjacking is refused', async ({ browser, baseURL }) => {
  // The other site is on the app's host (another port): the same site, so the session cookie goes
  // with the frame request and the owner's pages would render signed in — the worst case.
  const site = await otherSite();
  const context = await browserAs(browser, baseURL!, ACME.owner);
  const page = await context.newPage();
  const frame = async (target: string) => {
    await page.goto(`${site.origin}/frame?target=${encodeURIComponent(target)}`);
    await expect(page).toHaveTitle('framed');
    const victim = page.frame({ name: 'victim' })!;
    return {
      url: victim.url(),
      text: await victim
        .locator('body')
        .innerText()
        .catch(() => ''),
    };
  };

  // Positive control: a page of another origin that allows framing does render in the frame.
  const framable = `${site.origin.replace('127.0.0.1', 'localhost')}/framable`;
  expect(await frame(framable)).toEqual({ url: framable, text: 'framable' });
  for (const path of ['/t/acme/members', '/account', '/sign-in', '/api/health']) {
    const target = `${baseURL}${path}`;
    // The page the frame ends on (signed in, /sign-in sends the owner on to the workspace).
    const answered = page.waitForResponse((r) => r.url().startsWith(baseURL!) && r.request().isNavigationRequest() && r.status() === 200);
    const { url, text } = await frame(target);
    // The app did answer the frame with a page (the session went along)…
    await answered;
    // …and the browser refused to show it.
    expect(url, `${path} rendered in a frame`).not.toContain(baseURL!);
    expect(text, `${path} content in a frame`).not.toMatch(/Acme|Bulkhead|Sign in|"status"/);
  }
  await context.close();
  await site.close();
});

test('token pages send no Referer to other sites, and their forms still work without JavaScript', async ({ browser, baseURL }) => {
  const site = await otherSite();
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const leave = async (from: string) => {
    await page.goto(from);
    await page.evaluate((url) => void (location.href = url), `${site.origin}/landing`);
    await page.waitForURL(`${site.origin}/landing`);
    return site.referers.at(-1);
  };

  // An ordinary page sends its origin only; a token page not even that.
  expect(await leave('/sign-in')).toBe(`${baseURL}/`);
  for (const route of NON_TENANT_PAGES.filter((r) => TOKEN_ROUTE.test(r))) {
    expect(await leave(samplePath(route)), `Referer from ${route}`).toBeUndefined();
  }
  await context.close();
  await site.close();

  // `Referrer-Policy: no-referrer` would make the browser send `Origin: null` with this form, posted
  // before any script runs, and Next.js would refuse the action with a 500.
  const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const form = await noScript.newPage();
  const path = samplePath('/verify-email/[token]');
  await form.goto(path);
  const answered = form.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
  await form.getByRole('button', { name: 'Confirm my email address' }).click();
  expect((await answered).status(), 'a token page form posted without JavaScript').toBeLessThan(500);
  await noScript.close();
});
