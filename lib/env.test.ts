import { describe, expect, it } from 'vitest';

import { parseEnv, parseTrustProxyHops } from './env';

// The pool and timeout settings are read once at start-up; a malformed one must stop it with the
// variable's name and what is wrong, not surface later as a strange runtime failure.

const base = { DATABASE_URL: 'postgres://app@localhost/db' };

describe('environment: pool shares and statement timeouts', () => {
  it('defaults: 2 reserved connections, shares 2/4/8, timeouts 5/15/60 s, batch 5/15/60 min', () => {
    const env = parseEnv(base);
    expect(env.DATABASE_POOL_RESERVED).toBe(2);
    expect(env.TENANT_POOL_SHARES).toEqual({ free: 2, pro: 4, enterprise: 8 });
    expect(env.TENANT_QUEUE_WAIT_MS).toBe(5_000);
    expect(env.TENANT_STATEMENT_TIMEOUT_MS).toEqual({ free: 5_000, pro: 15_000, enterprise: 60_000 });
    expect(env.TENANT_BATCH_STATEMENT_TIMEOUT_MS).toEqual({ free: 300_000, pro: 900_000, enterprise: 3_600_000 });
  });

  it('reads plan=number lists in any order and with spaces', () => {
    expect(parseEnv({ ...base, TENANT_POOL_SHARES: ' enterprise = 6, free=1 ,pro=3' }).TENANT_POOL_SHARES).toEqual({
      free: 1,
      pro: 3,
      enterprise: 6,
    });
  });

  it.each([
    ['TENANT_POOL_SHARES', 'free=2,pro=4', /TENANT_POOL_SHARES: missing enterprise/],
    ['TENANT_POOL_SHARES', 'free=2,pro=4,enterprise=8,gold=9', /"gold=9" is not plan=number/],
    ['TENANT_POOL_SHARES', 'free=0,pro=4,enterprise=8', /"free=0" is not plan=number/],
    ['TENANT_STATEMENT_TIMEOUT_MS', 'free=5s,pro=15000,enterprise=60000', /TENANT_STATEMENT_TIMEOUT_MS: "free=5s"/],
    ['DATABASE_POOL_RESERVED', '10', /DATABASE_POOL_RESERVED: must be smaller than DATABASE_POOL_SIZE/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => parseEnv({ ...base, [name]: value })).toThrow(message);
  });
});

describe('environment: trusted proxy hops', () => {
  it('defaults to 0: the socket peer is the client', () => {
    expect(parseEnv(base).TRUST_PROXY_HOPS).toBe(0);
    expect(parseTrustProxyHops(undefined)).toBe(0);
    expect(parseTrustProxyHops('')).toBe(0);
  });

  it('takes a whole number from 0 to 10', () => {
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: '2' }).TRUST_PROXY_HOPS).toBe(2);
    expect(parseTrustProxyHops('10')).toBe(10);
  });

  it.each(['-1', '11', '1.5', 'yes', 'true'])('refuses TRUST_PROXY_HOPS=%s, naming it', (value) => {
    expect(() => parseEnv({ ...base, TRUST_PROXY_HOPS: value })).toThrow(/TRUST_PROXY_HOPS: must be a whole number from 0 to 10/);
    expect(() => parseTrustProxyHops(value)).toThrow(/TRUST_PROXY_HOPS: must be a whole number from 0 to 10/);
  });
});
