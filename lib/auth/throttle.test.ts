import { describe, expect, it } from 'vitest';

import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';

import { FREE_ATTEMPTS_PER_PAIR, guardedSignIn, MAX_ATTEMPTS_PER_ADDRESS } from './throttle';

const database = setupTestDatabase();
pointAppAt(database);

/** A password check that always fails, counting how often it ran. */
function failingCheck() {
  const check = async () => {
    check.calls++;
    await new Promise((resolve) => setTimeout(resolve, 20)); // argon2 takes time: attempts overlap
    return undefined;
  };
  check.calls = 0;
  return check;
}

describe('sign-in throttling', () => {
  it(`verifies at most ${FREE_ATTEMPTS_PER_PAIR} of 30 parallel wrong passwords (counted before checked)`, async () => {
    const check = failingCheck();
    const results = await Promise.all(Array.from({ length: 30 }, () => guardedSignIn('parallel@example.test', '10.0.0.1', check)));
    expect(check.calls).toBeLessThanOrEqual(FREE_ATTEMPTS_PER_PAIR);
    expect(results.filter((r) => r.outcome === 'throttled').length).toBeGreaterThanOrEqual(30 - FREE_ATTEMPTS_PER_PAIR);
  });

  it('an outsider throttles only their own (account, address) pair: the owner elsewhere still signs in', async () => {
    const attacker = failingCheck();
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR + 3; i++) await guardedSignIn('victim@example.test', '203.0.113.66', attacker);
    expect((await guardedSignIn('victim@example.test', '203.0.113.66', attacker)).outcome).toBe('throttled');
    const owner = await guardedSignIn('victim@example.test', '198.51.100.10', async () => ({ id: 'victim' }));
    expect(owner).toEqual({ outcome: 'signed_in', value: { id: 'victim' } });
  });

  it('the wait grows exponentially with every lock of the same pair', async () => {
    const check = failingCheck();
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      let result;
      for (let i = 0; i <= FREE_ATTEMPTS_PER_PAIR; i++) result = await guardedSignIn('slow@example.test', '10.1.1.1', check);
      expect(result?.outcome).toBe('throttled');
      waits.push(result?.outcome === 'throttled' ? result.retryAfterSeconds : 0);
      // Let the lock lapse without waiting for it: only the lock, not the strike record, goes.
      await withClient(database.current.urls.ops, (db) => db.query("DELETE FROM login_attempts WHERE key LIKE 'login_pair:%'"));
    }
    expect(waits[1]).toBeGreaterThanOrEqual(waits[0]! * 2 - 1);
    expect(waits[2]).toBeGreaterThanOrEqual(waits[1]! * 2 - 1);
  });

  it('a successful sign-in gives back the attempts it used', async () => {
    const check = failingCheck();
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR - 1; i++) await guardedSignIn('forgetful@example.test', '10.9.9.9', check);
    expect((await guardedSignIn('forgetful@example.test', '10.9.9.9', async () => 'ok')).outcome).toBe('signed_in');
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR; i++)
      expect((await guardedSignIn('forgetful@example.test', '10.9.9.9', check)).outcome).toBe('invalid');
  });

  it(`throttles an address spraying ${MAX_ATTEMPTS_PER_ADDRESS} accounts, and keeps no email addresses`, async () => {
    const check = failingCheck();
    for (let i = 0; i < MAX_ATTEMPTS_PER_ADDRESS; i++) await guardedSignIn(`sprayed${i}@example.test`, '192.0.2.7', check);
    expect((await guardedSignIn('fresh@example.test', '192.0.2.7', check)).outcome).toBe('throttled');
    expect((await guardedSignIn('fresh@example.test', '192.0.2.8', check)).outcome).toBe('invalid');
    const keys = await withClient(
      database.current.urls.ops,
      async (db) => (await db.query<{ key: string }>('SELECT key FROM login_attempts')).rows,
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.key.includes('@') || k.key.includes('192.0.2'))).toBe(false);
  });
});
