import { describe, expect, it } from 'vitest';

import { clientAddress } from './client-address';
import { clientAddressFrom, normalizeAddress, rewriteClientAddress } from './forwarded';

// The front server's one decision about who the client is (scripts/serve.ts). A forged
// X-Forwarded-For must never move a request into another throttling bucket.

const SOCKET = '198.51.100.9';

describe('the client address with no trusted proxy (TRUST_PROXY_HOPS=0)', () => {
  it('is the socket peer, whatever the client wrote in X-Forwarded-For', () => {
    for (const forged of [undefined, '', '203.0.113.1', '203.0.113.1, 203.0.113.2', 'unknown', '::1']) {
      expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: forged, trustedHops: 0 })).toBe(SOCKET);
    }
  });

  it('writes IPv4-mapped IPv6 peers as plain IPv4, so one client is one bucket', () => {
    expect(clientAddressFrom({ socketAddress: '::ffff:127.0.0.1', forwardedFor: undefined, trustedHops: 0 })).toBe('127.0.0.1');
  });

  it('is "unknown" without a socket address', () => {
    expect(clientAddressFrom({ socketAddress: undefined, forwardedFor: '203.0.113.1', trustedHops: 0 })).toBe('unknown');
  });
});

describe('the client address behind trusted proxies', () => {
  it('one hop: the right-most entry, the address our proxy saw; a forged left part is ignored', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '203.0.113.1', trustedHops: 1 })).toBe('203.0.113.1');
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '6.6.6.6, 7.7.7.7, 203.0.113.1', trustedHops: 1 })).toBe('203.0.113.1');
  });

  it('two hops: the second entry from the right', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '6.6.6.6, 203.0.113.1, 10.0.0.2', trustedHops: 2 })).toBe(
      '203.0.113.1',
    );
  });

  it('reads repeated headers as one list (Node joins them with commas)', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '6.6.6.6,203.0.113.1', trustedHops: 1 })).toBe('203.0.113.1');
  });

  it('a header shorter than the trusted hops: the left-most entry, the furthest a trusted proxy recorded', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '203.0.113.1', trustedHops: 3 })).toBe('203.0.113.1');
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '203.0.113.1, 10.0.0.2', trustedHops: 3 })).toBe('203.0.113.1');
  });

  it('no header at all: the socket peer (a request that reached the app directly)', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: undefined, trustedHops: 1 })).toBe(SOCKET);
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: ' , ', trustedHops: 2 })).toBe(SOCKET);
  });

  it('a trusted entry that is not an address is skipped for the next one inward', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: 'unknown, 10.0.0.2', trustedHops: 2 })).toBe('10.0.0.2');
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: 'evil.example', trustedHops: 1 })).toBe(SOCKET);
  });

  it('takes ports and brackets off, and keeps IPv6 as one lower-case form', () => {
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '203.0.113.1:4711', trustedHops: 1 })).toBe('203.0.113.1');
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '[2001:DB8::1]:443', trustedHops: 1 })).toBe('2001:db8::1');
    expect(clientAddressFrom({ socketAddress: SOCKET, forwardedFor: '2001:db8::1', trustedHops: 1 })).toBe('2001:db8::1');
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['203.0.113.1', '203.0.113.1'],
    [' ::FFFF:10.1.2.3 ', '10.1.2.3'],
    ['fe80::1%eth0', 'fe80::1'],
    ['not-an-address', undefined],
    ['999.1.1.1', undefined],
    ['', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });
});

describe('clientAddress (what route handlers and actions read)', () => {
  it('reads the one address the front server wrote', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.1' }))).toBe('203.0.113.1');
  });

  it('is "unknown" without the header (a handler called without the front server)', () => {
    expect(clientAddress(new Headers())).toBe('unknown');
    expect(clientAddress(undefined)).toBe('unknown');
  });
});

describe('rewriteClientAddress (the front server, on every request)', () => {
  const request = () => ({
    headers: { host: 'app.test', 'x-forwarded-for': '6.6.6.6, 203.0.113.1', 'x-real-ip': '6.6.6.6', forwarded: 'for=6.6.6.6' } as Record<
      string,
      string | string[] | undefined
    >,
    rawHeaders: [
      'Host',
      'app.test',
      'X-Forwarded-For',
      '6.6.6.6',
      'x-forwarded-for',
      '203.0.113.1',
      'X-Real-IP',
      '6.6.6.6',
      'Forwarded',
      'for=6.6.6.6',
    ],
  });

  it('with no trusted proxy: leaves exactly one X-Forwarded-For, the socket peer, and no other address header', () => {
    const req = request();
    expect(rewriteClientAddress(req, SOCKET, 0)).toBe(SOCKET);
    expect(req.headers).toEqual({ host: 'app.test', 'x-forwarded-for': SOCKET });
    expect(req.rawHeaders).toEqual(['Host', 'app.test', 'X-Forwarded-For', SOCKET]);
  });

  it('with no trusted proxy: drops the host, scheme and port a client claims a proxy saw; behind one, keeps them', () => {
    const claimed = () => {
      const req = request();
      Object.assign(req.headers, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' });
      req.rawHeaders.push('X-Forwarded-Host', 'evil.example', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '443');
      return req;
    };
    const direct = claimed();
    rewriteClientAddress(direct, SOCKET, 0);
    expect(direct.headers).toEqual({ host: 'app.test', 'x-forwarded-for': SOCKET });
    expect(direct.rawHeaders).toEqual(['Host', 'app.test', 'X-Forwarded-For', SOCKET]);
    const proxied = claimed();
    rewriteClientAddress(proxied, SOCKET, 1);
    expect(proxied.headers).toMatchObject({ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' });
  });

  it('with one trusted proxy: the entry that proxy wrote', () => {
    const req = request();
    expect(rewriteClientAddress(req, SOCKET, 1)).toBe('203.0.113.1');
    expect(req.headers['x-forwarded-for']).toBe('203.0.113.1');
    expect(req.headers['x-real-ip']).toBeUndefined();
    expect(clientAddress(new Headers(req.headers as Record<string, string>))).toBe('203.0.113.1');
  });
});
