import { isIP } from 'node:net';

// Who the client is, decided once at the front server (scripts/serve.ts) from what can be trusted:
// the socket's peer, and the X-Forwarded-For entries written by proxies we run ourselves.
//
// Each proxy appends the address of its own peer to X-Forwarded-For. So with a chain
//   client → proxy 2 → proxy 1 → app      X-Forwarded-For: <client>, <proxy 2>      socket: proxy 1
// the right-most entry was written by proxy 1 (the socket peer), the one before it by proxy 2, and
// anything further left was sent by whoever talked to the outermost trusted proxy: the client, who
// may write anything there. With `trustedHops` proxies in front of the app, the client is the peer
// of the outermost one: the `trustedHops`-th entry from the right.

export interface ForwardedInput {
  /** The TCP peer of the connection (req.socket.remoteAddress). */
  socketAddress: string | undefined;
  /** Every X-Forwarded-For value the request carried, joined with commas (Node joins repeated headers). */
  forwardedFor: string | undefined;
  /** How many proxies in front of the app are ours (TRUST_PROXY_HOPS). */
  trustedHops: number;
}

/** An address as one form: no IPv6 brackets or zone, no port, IPv4-mapped IPv6 as plain IPv4. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  let value = raw?.trim();
  if (!value) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':')); // 203.0.113.7:4711
  value = value.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped) value = mapped[1]!;
  return isIP(value) ? value.toLowerCase() : undefined;
}

/**
 * The one address the app is told the client has. Never throws; never returns a value the client
 * chose unless a trusted proxy vouched for it.
 *
 * - `trustedHops` 0: the socket peer, whatever the headers say.
 * - `trustedHops` n: the address the n-th trusted proxy saw. When the header has fewer entries than
 *   that (a request that reached an inner proxy directly, or a proxy that does not append), the
 *   left-most entry: the furthest address a trusted proxy recorded. An entry in the trusted range
 *   that is not an address (a proxy writing `unknown` or a hostname) is skipped in favour of the
 *   next one inward, ending at the socket peer.
 */
export function clientAddressFrom({ socketAddress, forwardedFor, trustedHops }: ForwardedInput): string {
  const socket = normalizeAddress(socketAddress) ?? 'unknown';
  if (trustedHops <= 0) return socket;
  const entries = (forwardedFor ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Only the right-most `trustedHops` entries were written by our proxies; the rest is hearsay.
  const trusted = entries.slice(-trustedHops);
  for (const entry of trusted) {
    const address = normalizeAddress(entry);
    if (address) return address;
  }
  return socket;
}

/** Headers through which a client could claim an address; the front server removes every one. */
export const ADDRESS_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'] as const;

/**
 * Headers only a proxy may write: which host, scheme and port the client asked for. With no trusted
 * proxy (TRUST_PROXY_HOPS=0) nobody in front wrote them, so a client's own values are dropped —
 * Auth.js builds its URLs from X-Forwarded-Host when AUTH_URL is unset. Behind trusted proxies they
 * are the proxy's, and kept.
 */
export const PROXY_HEADERS = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port'] as const;

export interface IncomingHeaders {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
}

/**
 * Rewrites a Node request in place so the app sees exactly one `X-Forwarded-For`: the address from
 * clientAddressFrom(). Every other address header is dropped, from the parsed and the raw headers,
 * so no later reader (Next.js, Auth.js, a library) can pick up what the client wrote. Returns the address.
 */
export function rewriteClientAddress(request: IncomingHeaders, socketAddress: string | undefined, trustedHops: number): string {
  const forwarded = request.headers['x-forwarded-for'];
  const address = clientAddressFrom({
    socketAddress,
    forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
    trustedHops,
  });
  const removed: readonly string[] = trustedHops === 0 ? [...ADDRESS_HEADERS, ...PROXY_HEADERS] : ADDRESS_HEADERS;
  for (const name of removed) delete request.headers[name];
  const raw: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (!removed.includes(request.rawHeaders[i]!.toLowerCase())) raw.push(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  raw.push('X-Forwarded-For', address);
  request.rawHeaders = raw;
  request.headers['x-forwarded-for'] = address;
  return address;
}
