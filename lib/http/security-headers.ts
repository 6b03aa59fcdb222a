// Every security header of the app, built in one place. proxy.ts calls securityHeaders() for each
// request it sees (pages, route handlers, /api, server actions, its own redirects); nothing else
// sets these headers. docs/security-headers.md explains each one and how to change the policy.
//
// The Content-Security-Policy carries a fresh nonce per request: Next.js reads it from the request's
// Content-Security-Policy header while rendering and puts it on every script it emits. A static
// next.config.js `headers()` entry cannot carry a per-request nonce, which is why this lives in the
// proxy, and why the root layout renders every page dynamically (app/layout.tsx).

export type RuntimeMode = 'production' | 'development' | 'test';

/**
 * Paths whose URL carries a secret token (mailed links). Their pages send no Referer at all to any
 * other origin, not even the bare origin (Referrer-Policy: same-origin). Not `no-referrer`: under it browsers
 * send `Origin: null` with a form posted before (or without) JavaScript, and Next.js refuses such a
 * server action as cross-site — the "Confirm" and "Set password" buttons of these pages would answer
 * 500 to a quick click. Our own origin already sees the token in the URL it serves.
 */
const TOKEN_PAGE = /^\/(?:reset-password|invite|confirm-email|verify-email)\/[^/]+\/?$/;

export const TOKEN_PAGE_REFERRER_POLICY = 'same-origin';

/** Features the app never uses: no page of Bulkhead, nor anything framed or injected, may ask for them. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

/** Two years: the value hstspreload.org asks for. `preload` is a separate, one-way decision (docs). */
export const HSTS = 'max-age=63072000; includeSubDomains';

/** A fresh, unguessable nonce: 16 random bytes, base64 (a valid CSP nonce-source). */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function isTokenPage(pathname: string): boolean {
  return TOKEN_PAGE.test(pathname);
}

/** /api/* answers JSON, CSV or Auth.js redirects: no document to protect with a CSP (docs). */
export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * The origins a form may be sent to besides our own: the OAuth provider's, because "Continue with
 * GitHub" is a form whose answer redirects there, and form-action also applies to that redirect
 * when the form is submitted before (or without) JavaScript.
 */
export function oauthFormOrigins(env: Record<string, string | undefined> = process.env): string[] {
  if (!env.AUTH_GITHUB_ID || !env.AUTH_GITHUB_SECRET) return [];
  const enterprise = env.AUTH_GITHUB_ENTERPRISE_URL?.trim();
  if (!enterprise) return ['https://github.com'];
  try {
    return [new URL(enterprise).origin];
  } catch {
    return [];
  }
}

export interface CspOptions {
  nonce: string;
  mode: RuntimeMode;
  /** Origins allowed in form-action besides 'self' (oauthFormOrigins()). */
  formOrigins?: string[];
}

/**
 * The page policy. Scripts: only those carrying this response's nonce, and what they load
 * ('strict-dynamic': Next's chunk loader). Styles: stylesheets from our origin and nonced <style>
 * elements; style *attributes* are allowed because React renders `style={…}` as attributes
 * (the billing usage bars, the skeletons, Recharts' SVG) and a nonce cannot apply to an attribute.
 */
export function contentSecurityPolicy({ nonce, mode, formOrigins = [] }: CspOptions): string {
  const dev = mode === 'development';
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // React's development build evaluates code to rebuild server stacks: never in production.
    ['script-src', "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // Development injects <style> elements without a nonce (hot reload, error overlay); a nonce in
    // the list would make browsers ignore 'unsafe-inline', so development has no nonce here.
    ['style-src', "'self'", ...(dev ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`])],
    ['style-src-attr', "'unsafe-inline'"],
    // data: for images generated in the page (two-factor enrolment's QR code).
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    // 'self' also covers the development server's websocket (same host and port).
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'", ...formOrigins],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

export interface HeaderOptions {
  pathname: string;
  mode: RuntimeMode;
  /** The page policy (contentSecurityPolicy()); omitted for /api/*. */
  csp?: string;
}

/** The response headers for `pathname`. */
export function securityHeaders({ pathname, mode, csp }: HeaderOptions): Record<string, string> {
  return {
    ...(csp ? { 'Content-Security-Policy': csp } : {}),
    // frame-ancestors 'none' is the modern form; X-Frame-Options covers browsers (and responses
    // without a CSP, like /api/*) that do not apply it.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': isTokenPage(pathname) ? TOKEN_PAGE_REFERRER_POLICY : 'strict-origin-when-cross-origin',
    'Permissions-Policy': PERMISSIONS_POLICY,
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Browsers ignore HSTS over plain http, so it is harmless on http://127.0.0.1; development is
    // left out so that a developer's browser never pins localhost to https.
    ...(mode === 'production' ? { 'Strict-Transport-Security': HSTS } : {}),
  };
}

/** The current runtime mode, as Next.js inlines it into the proxy bundle. */
export function runtimeMode(): RuntimeMode {
  const mode = process.env.NODE_ENV;
  return mode === 'development' || mode === 'test' ? mode : 'production';
}
