import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { insuranceLimiter } from './insurance';

// A store that really fails: a pool pointed at a port nothing listens on.
const unreachable = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
afterAll(() => unreachable.end());

describe('insuranceLimiter', () => {
  it('keeps counting when the store fails, and says so once a minute', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const limiter = new RateLimiterPostgres({
        storeClient: unreachable,
        storeType: 'pool',
        tableName: 'login_attempts',
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: 'insurance_test',
        points: 2,
        duration: 60,
        insuranceLimiter: insuranceLimiter({ keyPrefix: 'insurance_test', points: 2, duration: 60 }),
      });
      await limiter.consume('k');
      await limiter.consume('k');
      // Counted in memory: the third is refused, the limit still holds in this process.
      await expect(limiter.consume('k')).rejects.toMatchObject({ consumedPoints: 3, remainingPoints: 0 });
      const logged = warn.mock.calls.map((call) => String(call[0]));
      expect(logged).toEqual(['rate-limit: the store for "insurance_test" failed; 1 attempt(s) counted in memory instead']);
    } finally {
      warn.mockRestore();
    }
  });
});
