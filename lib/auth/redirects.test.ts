import { describe, expect, it } from 'vitest';

import { safeRedirectPath, safeReturnPath } from './redirects';

// The open-redirect vectors of issue 12 (finding 4): each must fall back, never reach a Location
// header that a browser reads as another origin.
const REFUSED: [string, unknown][] = [
  ['tab after the slash', '/\t/evil.example/x'],
  ['encoded tab', '/%09/evil.example/x'],
  ['newline', '/\n/evil.example'],
  ['carriage return', '/\r/evil.example'],
  ['encoded newline', '/%0a/evil.example'],
  ['encoded CR', '/%0D/evil.example'],
  ['NUL', '/\u0000/evil.example'],
  ['encoded NUL', '/%00/evil.example'],
  ['C1 control', '/\u0085/evil.example'],
  ['encoded C1 control', '/%C2%85/evil.example'],
  ['DEL', '/\u007f/evil.example'],
  ['protocol-relative', '//evil.example'],
  ['three slashes', '///evil.example'],
  ['slash backslash', '/\\evil.example'],
  ['backslash slash', '\\/evil.example'],
  ['backslash anywhere', '/tenants\\..\\..\\evil'],
  ['encoded backslash', '/%5Cevil.example'],
  ['encoded double slash', '/%2F%2Fevil.example'],
  ['encoded double slash, first literal', '/%2Fevil.example'],
  ['dot segment to //', '/.//evil.example'],
  ['absolute https', 'https://evil.example/x'],
  ['absolute http', 'http://evil.example'],
  ['scheme-less with colon', 'evil.example:443/x'],
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: with leading slash lookalike', ' /javascript:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['relative path', 'tenants'],
  ['leading space', ' /tenants'],
  ['malformed percent', '/tenants%'],
  ['empty', ''],
  ['undefined', undefined],
  ['null', null],
  ['an array (a repeated query parameter)', ['/tenants', '//evil.example']],
  ['a number', 42],
  ['too long', `/${'a'.repeat(5000)}`],
];

const ALLOWED: [string, string][] = [
  ['/tenants', '/tenants'],
  ['/t/acme/orders?status=paid&from=2026-01-01', '/t/acme/orders?status=paid&from=2026-01-01'],
  ['/t/acme/orders#top', '/t/acme/orders#top'],
  ['/invite/abc123', '/invite/abc123'],
  ['/t/acme/customers?q=a%20b', '/t/acme/customers?q=a%20b'],
  ['/t/acme/../acme/orders', '/t/acme/orders'],
];

describe('safeReturnPath', () => {
  it.each(REFUSED)('refuses %s', (_name, vector) => {
    expect(safeReturnPath(vector)).toBe('/tenants');
    expect(safeReturnPath(vector, '')).toBe('');
  });

  it.each(ALLOWED)('keeps %j', (input, expected) => expect(safeReturnPath(input)).toBe(expected));
});

describe('safeRedirectPath (the Auth.js redirect callback)', () => {
  const base = 'http://localhost:3000';

  it.each(REFUSED.filter(([, v]) => typeof v === 'string' && v !== ''))('refuses %s', (_name, vector) => {
    expect(safeRedirectPath(vector as string, [base])).toBe('/tenants');
  });

  it('keeps same-origin paths and reduces our absolute URLs to their paths', () => {
    expect(safeRedirectPath('/t/acme', [base])).toBe('/t/acme');
    expect(safeRedirectPath(`${base}/t/acme?x=1`, [base])).toBe('/t/acme?x=1');
    expect(safeRedirectPath('/sign-in?changed=password', [base])).toBe('/sign-in?changed=password');
    // Route handlers may see another of our origins than the browser used (localhost for
    // 127.0.0.1): that sent GitHub sign-ins to the bare base URL of the wrong host.
    expect(safeRedirectPath('http://127.0.0.1:3000/tenants', [base, undefined, 'http://127.0.0.1:3000/'])).toBe('/tenants');
  });

  it('refuses another origin, another port and a look-alike host', () => {
    expect(safeRedirectPath('http://localhost:3001/t/acme', [base])).toBe('/tenants');
    expect(safeRedirectPath('http://localhost:3000.evil.example/', [base])).toBe('/tenants');
    expect(safeRedirectPath('https://localhost:3000/t/acme', [base])).toBe('/tenants');
    expect(safeRedirectPath(`${base}//evil.example`, [base])).toBe('/tenants');
    expect(safeRedirectPath(`${base}/%09/evil.example`, [base])).toBe('/tenants');
    expect(safeRedirectPath('not a url', [base])).toBe('/tenants');
  });
});
