import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';

import { runtimeEnv } from '../../scripts/db/runtime-env';
import { unique } from '../support/auth';
import { appUrlFile } from '../support/handoff';

// The client address under the production build with the default TRUST_PROXY_HOPS=0: nobody in
// front is trusted, so whatever a client writes in X-Forwarded-For is thrown away by the front
// server (scripts/serve.ts) and the socket's address is what every limit counts. The e2e server
// trusts one hop (the tests play the proxy), so this starts a second app server, `npm start`'s way
// (the production build through scripts/serve.ts), on the same database, with no trusted hop.

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let app: ChildProcess | undefined;
let api: APIRequestContext;

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(120_000);
  const e2ePort = new URL(testInfo.project.use.baseURL!).port;
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: 'ignore',
    env: {
      ...runtimeEnv(readFileSync(appUrlFile(e2ePort), 'utf8')),
      NODE_ENV: 'production',
      APP_URL: baseURL,
      AUTH_SECRET: randomBytes(33).toString('base64'),
      TRUST_PROXY_HOPS: '0',
    },
  });
  api = await playwrightRequest.newContext({ baseURL });
  for (let waited = 0; ; waited += 250) {
    const up = await api.get('/api/health').then(
      (r) => r.ok(),
      () => false,
    );
    if (up) break;
    if (waited > 90_000 || app.exitCode !== null) throw new Error(`the second app server did not start (exit ${app.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(async () => {
  await api?.dispose();
  app?.kill('SIGTERM');
});

/** One scripted sign-in attempt; returns Auth.js's code (invalid_credentials, too_many_attempts:N …). */
async function attempt(email: string, forwardedFor?: string): Promise<string> {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : undefined;
  const { csrfToken } = (await (await api.get('/api/auth/csrf', { headers })).json()) as { csrfToken: string };
  const response = await api.post('/api/auth/callback/credentials', {
    form: { email, password: `wrong ${unique()}`, csrfToken, callbackUrl: '/tenants' },
    headers,
    maxRedirects: 0,
  });
  const location = response.headers().location ?? '';
  return new URL(location, 'http://x').searchParams.get('code') ?? `status ${response.status()} ${location}`;
}

test('with no trusted proxy, a forged X-Forwarded-For lands in the same throttling bucket as no header', async () => {
  const email = `forged-${unique()}@nowhere.test`;
  const forged = () => `203.0.113.${1 + Math.floor(Math.random() * 254)}, 198.51.100.${1 + Math.floor(Math.random() * 254)}`;
  // Five wrong passwords, alternating between no header and a different forged one each time…
  const codes = [
    await attempt(email),
    await attempt(email, forged()),
    await attempt(email),
    await attempt(email, forged()),
    await attempt(email),
  ];
  expect(codes).toEqual(Array(5).fill('invalid_credentials'));
  // …used up one bucket: the sixth is refused, with a forged header or without.
  expect(await attempt(email, forged())).toMatch(/^too_many_attempts:\d+$/);
  expect(await attempt(email)).toMatch(/^too_many_attempts:\d+$/);
});
