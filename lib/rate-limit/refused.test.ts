import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';

import { isLimitRefusal } from './refused';

describe('isLimitRefusal', () => {
  it("recognises a limiter's own refusal", async () => {
    const limiter = new RateLimiterMemory({ points: 1, duration: 60 });
    await limiter.consume('k');
    const refusal = await limiter.consume('k').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isLimitRefusal(refusal)).toBe(true);
  });

  it('recognises a refusal from another copy of the class (what a bundle may hold)', () => {
    const foreign = JSON.parse(JSON.stringify(new RateLimiterRes(0, 1000, 2, false))) as unknown;
    expect(foreign instanceof RateLimiterRes).toBe(false);
    expect(isLimitRefusal(foreign)).toBe(true);
  });

  it('does not mistake a failure for a refusal', () => {
    expect(isLimitRefusal(new Error('connection refused'))).toBe(false);
    expect(isLimitRefusal(Object.assign(new Error('x'), { msBeforeNext: 1, consumedPoints: 1, remainingPoints: 0 }))).toBe(false);
    expect(isLimitRefusal(undefined)).toBe(false);
    expect(isLimitRefusal({ msBeforeNext: 5 })).toBe(false);
  });
});
