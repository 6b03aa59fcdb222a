import { randomBytes } from 'node:crypto';
import http from 'node:http';

// A stand-in for GitHub (as a GitHub Enterprise Server: the app's AUTH_GITHUB_ENTERPRISE_URL points
// here), started by the e2e server, because the machines that run the tests have no internet. Its
// "authorize" page is a consent form on which the test types the identity GitHub would return —
// the email and whether GitHub has verified it — so parallel tests never share state.
//
//   GET  /login/oauth/authorize      the consent form (keeps redirect_uri and state)
//   POST /login/oauth/authorize      → 302 to redirect_uri with a code for that identity
//   POST /login/oauth/access_token   code → access token
//   GET  /api/v3/user                the profile (no public email, like most GitHub users)
//   GET  /api/v3/user/emails         the addresses, with GitHub's primary and verified flags

interface Identity {
  id: number;
  login: string;
  name: string;
  email: string;
  verified: boolean;
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(request: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOAuthStub(port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const codes = new Map<string, Identity>();
  const tokens = new Map<string, Identity>();
  let nextId = 1000;

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const bearer = () => tokens.get((request.headers.authorization ?? '').replace(/^Bearer /i, ''));

    if (url.pathname === '/login/oauth/authorize' && request.method === 'GET') {
      const redirect = url.searchParams.get('redirect_uri') ?? '';
      const state = url.searchParams.get('state') ?? '';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><title>Stub GitHub</title><main><h1>Authorize Bulkhead</h1>
<form method="post"><input type="hidden" name="redirect_uri" value="${escape(redirect)}"><input type="hidden" name="state" value="${escape(state)}">
<label>GitHub email <input name="email" type="email"></label>
<label><input name="verified" type="checkbox" value="1"> Verified by GitHub</label>
<button type="submit">Authorize</button></form></main></html>`);
      return;
    }
    if (url.pathname === '/login/oauth/authorize' && request.method === 'POST') {
      const form = await body(request);
      const email = form.get('email') ?? '';
      const code = randomBytes(16).toString('hex');
      const id = nextId++;
      codes.set(code, { id, login: `user${id}`, name: `GitHub User ${id}`, email, verified: form.get('verified') === '1' });
      const target = new URL(form.get('redirect_uri') ?? '');
      target.searchParams.set('code', code);
      target.searchParams.set('state', form.get('state') ?? '');
      response.writeHead(302, { location: target.toString() });
      response.end();
      return;
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      const identity = codes.get((await body(request)).get('code') ?? '');
      if (!identity) return json(400, { error: 'bad_verification_code' });
      const token = randomBytes(16).toString('hex');
      tokens.set(token, identity);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    if (url.pathname === '/api/v3/user') {
      const identity = bearer();
      if (!identity) return json(401, { message: 'Bad credentials' });
      return json(200, { id: identity.id, login: identity.login, name: identity.name, email: null, avatar_url: '' });
    }
    if (url.pathname === '/api/v3/user/emails') {
      const identity = bearer();
      if (!identity) return json(401, { message: 'Bad credentials' });
      return json(200, [
        { email: identity.email, primary: true, verified: identity.verified, visibility: 'private' },
        { email: `${identity.login}@users.noreply.github.test`, primary: false, verified: true, visibility: null },
      ]);
    }
    json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
