import { describe, expect, it } from 'vitest';

import { contentSecurityPolicy, createNonce, HSTS, isApiPath, isTokenPage, oauthFormOrigins, securityHeaders } from './security-headers';

// The header set proxy.ts sends (e2e/security/headers.spec.ts checks it on every registered page of
// a production build; here, what a browser run cannot show: development and the choices by path).

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

describe('the nonce', () => {
  it('is fresh for every request and a valid base64 nonce-source', () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe('the page policy', () => {
  it('in production: scripts only by nonce, no eval, no framing, no plugins, no foreign base', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'abc', mode: 'production' }));
    expect(csp.get('script-src')).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'nonce-abc'"]);
    expect(csp.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
  });

  it('in development: eval for React’s debugging, and inline <style> for hot reload (no style nonce then)', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'abc', mode: 'development' }));
    expect(csp.get('script-src')).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('lets forms go to the OAuth provider, and to nowhere else', () => {
    expect(oauthFormOrigins({})).toEqual([]);
    expect(oauthFormOrigins({ AUTH_GITHUB_ID: 'id', AUTH_GITHUB_SECRET: 's' })).toEqual(['https://github.com']);
    expect(
      oauthFormOrigins({ AUTH_GITHUB_ID: 'id', AUTH_GITHUB_SECRET: 's', AUTH_GITHUB_ENTERPRISE_URL: 'http://127.0.0.1:4310/' }),
    ).toEqual(['http://127.0.0.1:4310']);
    expect(oauthFormOrigins({ AUTH_GITHUB_ID: 'id', AUTH_GITHUB_SECRET: 's', AUTH_GITHUB_ENTERPRISE_URL: 'not a url' })).toEqual([]);
    const csp = directives(contentSecurityPolicy({ nonce: 'abc', mode: 'production', formOrigins: ['https://github.com'] }));
    expect(csp.get('form-action')).toEqual(["'self'", 'https://github.com']);
  });
});

describe('the headers by path and mode', () => {
  it('sends HSTS in production only', () => {
    expect(securityHeaders({ pathname: '/', mode: 'production' })['Strict-Transport-Security']).toBe(HSTS);
    expect(securityHeaders({ pathname: '/', mode: 'development' })).not.toHaveProperty('Strict-Transport-Security');
    expect(securityHeaders({ pathname: '/', mode: 'test' })).not.toHaveProperty('Strict-Transport-Security');
  });

  it('keeps the Referer of token pages on our own origin', () => {
    for (const path of ['/reset-password/tok', '/invite/tok', '/confirm-email/tok', '/verify-email/tok', '/invite/tok/']) {
      expect(isTokenPage(path), path).toBe(true);
      expect(securityHeaders({ pathname: path, mode: 'production' })['Referrer-Policy']).toBe('same-origin');
    }
    for (const path of ['/verify-email', '/invite', '/sign-in', '/t/acme/members', '/reset-password/tok/x', '/api/invite/tok']) {
      expect(isTokenPage(path), path).toBe(false);
      expect(securityHeaders({ pathname: path, mode: 'production' })['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    }
  });

  it('sends the CSP only where given one, and the rest everywhere', () => {
    const api = securityHeaders({ pathname: '/api/health', mode: 'production' });
    expect(api).not.toHaveProperty('Content-Security-Policy');
    expect(api).toMatchObject({ 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' });
    expect(api['Permissions-Policy']).toContain('camera=()');
    expect(securityHeaders({ pathname: '/', mode: 'production', csp: 'x' })['Content-Security-Policy']).toBe('x');
    expect([isApiPath('/api'), isApiPath('/api/v1/orders'), isApiPath('/apix'), isApiPath('/docs/api')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
