import { describe, expect, it } from 'vitest';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';
import { isLocked, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, recordFailure, recordSuccess } from './throttle';

const database = setupTestDatabase();
pointAppAt(database);

describe('sign-in throttling', () => {
  it(`locks an account after ${MAX_FAILURES_PER_ACCOUNT} failures, from any address, and not its neighbours`, async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT - 1; i++) await recordFailure('target@example.test', `10.0.0.${i}`);
    expect(await isLocked('target@example.test', '10.0.1.1')).toBe(false);
    await recordFailure('target@example.test', '10.0.0.99');
    expect(await isLocked('target@example.test', '10.0.1.1')).toBe(true);
    expect(await isLocked('TARGET@example.test', '10.0.1.1')).toBe(true);
    expect(await isLocked('neighbour@example.test', '10.0.1.1')).toBe(false);
  });

  it(`locks a client address after ${MAX_FAILURES_PER_ADDRESS} failures across accounts`, async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) await recordFailure(`sprayed${i}@example.test`, '192.0.2.7');
    expect(await isLocked('fresh@example.test', '192.0.2.7')).toBe(true);
    expect(await isLocked('fresh@example.test', '192.0.2.8')).toBe(false);
  });

  it('a successful sign-in clears the account counter; counters hold no email addresses', async () => {
    await recordFailure('forgetful@example.test', '10.9.9.9');
    await recordSuccess('forgetful@example.test');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT - 1; i++) await recordFailure('forgetful@example.test', '10.9.9.9');
    expect(await isLocked('forgetful@example.test', '10.9.9.10')).toBe(false);
    const keys = await withClient(database.current.urls.ops, async (db) => (await db.query<{ key: string }>('SELECT key FROM login_attempts')).rows);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.key.includes('@'))).toBe(false);
  });
});
