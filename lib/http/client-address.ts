// The address of the client a request came from, for throttling and abuse limits.
//
// Route handlers and server actions have no socket, so the address comes from `X-Forwarded-For`.
// That header is trustworthy only because the server in front of Next.js (scripts/serve.ts, used
// by `npm start`, `npm run dev` and the e2e server) rewrites it on every request to exactly one
// address: the socket's peer, or, with TRUST_PROXY_HOPS=n, the address the n-th trusted proxy saw.
// A value the client sent itself never survives that rewrite.

const UNKNOWN = 'unknown';

/** The client address as the front server recorded it; the last entry if there is more than one. */
export function clientAddress(headers: Pick<Headers, 'get'> | undefined): string {
  const forwarded = headers?.get('x-forwarded-for');
  if (!forwarded) return UNKNOWN;
  const entries = forwarded
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const last = entries.at(-1);
  return last && last.length <= 64 ? last : UNKNOWN;
}
