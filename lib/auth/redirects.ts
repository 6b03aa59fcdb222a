// Return paths ("come back here after signing in") are attacker-controlled text that ends up in a
// Location header. Browsers forgive a great deal there — they drop tabs and newlines, read `\` as
// `/`, and treat `//host` as another origin — so `/\t/evil.example` reached `https://evil.example`.
// One validator, used everywhere a return path is accepted: it parses with URL against a
// placeholder origin, refuses control characters, backslashes and `//` before and after one round
// of percent-decoding, and returns the normalised path or the fallback.

const PLACEHOLDER = 'http://placeholder.invalid';
const MAX_LENGTH = 2048;
/** C0 controls (tab, CR, LF, NUL …), DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Text that is not a plain same-site path: control characters, backslashes, or not one leading `/`. */
function suspicious(text: string): boolean {
  return CONTROL.test(text) || text.includes('\\') || !text.startsWith('/') || text.startsWith('//');
}

/**
 * `candidate` if it is a path on this site (normalised: path, query and fragment), otherwise
 * `fallback`. Accepts anything — a repeated query parameter arrives as an array.
 */
export function safeReturnPath(candidate: unknown, fallback = '/tenants'): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_LENGTH) return fallback;
  if (suspicious(candidate)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(candidate);
  } catch {
    return fallback; // a malformed escape: nothing a link of ours produces
  }
  // Encoded variants (%09, %2F%2F, %5C, %C2%85): a proxy or the browser may decode them once.
  if (suspicious(decoded) || decoded.includes('//')) return fallback;
  let url: URL;
  try {
    url = new URL(candidate, PLACEHOLDER);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER) return fallback;
  const path = url.pathname + url.search + url.hash;
  // Normalisation can itself produce `//` (e.g. `/.//host`): check the result too.
  return suspicious(path) ? fallback : path;
}

/**
 * Auth.js's `redirect` callback (lib/auth/config.ts): where to send the browser after sign-in or
 * sign-out. The path of `url` when it is a safe return path itself, or an absolute URL on one of
 * `origins` (this app's own) whose path is one; otherwise the fallback. Always a path, never an
 * absolute URL: the browser stays on the origin it is on.
 */
export function safeRedirectPath(url: string, origins: (string | undefined)[], fallback = '/tenants'): string {
  if (url.startsWith('/')) return safeReturnPath(url, fallback);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fallback;
  }
  const own = origins.flatMap((origin) => {
    try {
      return origin ? [new URL(origin).origin] : [];
    } catch {
      return [];
    }
  });
  if (!own.includes(parsed.origin)) return fallback;
  return safeReturnPath(parsed.pathname + parsed.search + parsed.hash, fallback);
}
