// Requests "from" a client address of the test's choosing. The e2e server runs with
// TRUST_PROXY_HOPS=1 (scripts/e2e-server.ts): the test, the socket peer, plays the one trusted
// proxy, and the right-most X-Forwarded-For entry it sends is the client address the app sees.
// Tests that need distinct addresses (per-address limits, timing from many clients) use this
// rather than sharing 127.0.0.1 with every other test.

/** Headers for Playwright's request API (or page.setExtraHTTPHeaders) that make a request come from `address`. */
export function fromAddress(address: string): Record<string, string> {
  return { 'X-Forwarded-For': address };
}

/** A distinct address of the benchmarking range 198.18.0.0/15 (RFC 2544, never routed) for each `n` (0–65535). */
export function testAddress(n: number, range: 'a' | 'b' = 'a'): string {
  const prefix = range === 'a' ? '198.18' : '198.19';
  return `${prefix}.${(n >> 8) & 255}.${n & 255}`;
}

/** A random address of 10.0.0.0/8 (private, never routed here): a client of its own for one sign-in or one page. */
export function randomAddress(): string {
  const octet = () => 1 + Math.floor(Math.random() * 254);
  return `10.${octet()}.${octet()}.${octet()}`;
}
