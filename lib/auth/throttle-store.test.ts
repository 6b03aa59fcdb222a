import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { closeAppPool } from '@/lib/db/pool';

import { guardedSignIn } from './throttle';
import { guardedCode } from './two-factor/throttle';

// When the attempt store cannot count an attempt, the attempt is refused and never checked — not
// counted afresh in memory, which would give a pair that had used its attempts a new set. The app's
// pool points at a port nothing listens on: a store that really fails.

beforeAll(() => {
  process.env.DATABASE_URL = 'postgresql://nobody@127.0.0.1:1/none';
});
afterAll(() => closeAppPool());

describe('sign-in throttling without its store', () => {
  it('refuses password and code attempts unchecked, and says why in the log', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      let checks = 0;
      const check = async () => {
        checks++;
        return 'right';
      };
      for (let i = 0; i < 3; i++) {
        expect(await guardedSignIn('someone@example.test', '10.0.0.7', check)).toEqual({ outcome: 'unavailable' });
        expect(await guardedCode('00000000-0000-7000-8000-000000000001', '10.0.0.7', check)).toEqual({ outcome: 'unavailable' });
      }
      expect(checks).toBe(0);
      expect(warn.mock.calls.map((call) => String(call[0])).every((line) => line.startsWith('throttle: the attempt store failed'))).toBe(
        true,
      );
      expect(warn).toHaveBeenCalledTimes(6);
    } finally {
      warn.mockRestore();
    }
  });
});
