import { describe, expect, it } from 'vitest';
import type { Refusal } from './pacing';
import { createRefusalPacer } from './pacing';

// The pacing of refused keys on a clock the test moves: who waits, how long, and what happens
// past the bounds. (lib/api/limits.test.ts shows it through the API on a real database.)

const refusal = (retryAfterSeconds: number): Refusal => ({
  allowed: false,
  retryAfterSeconds,
  state: { scope: 'key', limit: 60, remaining: 0, resetSeconds: retryAfterSeconds },
});

function harness(options: { holdMs?: number; maxHeld?: number; maxHeldPerKey?: number; maxRemembered?: number } = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const wakers: Array<() => void> = [];
  const pacer = createRefusalPacer({
    holdMs: options.holdMs ?? 1_000,
    maxHeld: options.maxHeld,
    maxHeldPerKey: options.maxHeldPerKey,
    maxRemembered: options.maxRemembered,
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => wakers.push(resolve));
    },
  });
  return {
    pacer,
    sleeps,
    advance: (ms: number) => (clock += ms),
    wakeAll: () => wakers.splice(0).forEach((wake) => wake()),
  };
}

describe('refusal pacing', () => {
  it('lets a key that was never refused through without waiting', async () => {
    const { pacer, sleeps } = harness();
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([]);
  });

  it('holds a refused key until the hold is over, then lets it be looked at again', async () => {
    const { pacer, sleeps, advance, wakeAll } = harness({ holdMs: 1_000 });
    pacer.remember('a', refusal(30));
    advance(250);
    const paced = pacer.pace('a');
    await Promise.resolve();
    expect(sleeps).toEqual([750]);
    expect(pacer.heldNow).toBe(1);
    advance(750);
    wakeAll();
    expect(await paced).toBeUndefined();
    expect(pacer.heldNow).toBe(0);
    // The hold is over: the next request goes straight on.
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([750]);
  });

  it('holds only the refused key: another key is not delayed', async () => {
    const { pacer, sleeps } = harness();
    pacer.remember('flooder', refusal(30));
    expect(await pacer.pace('neighbour')).toBeUndefined();
    expect(sleeps).toEqual([]);
  });

  it('never holds past the moment the window resets', async () => {
    const { pacer, sleeps } = harness({ holdMs: 5_000 });
    pacer.remember('a', refusal(2));
    void pacer.pace('a');
    await Promise.resolve();
    expect(sleeps).toEqual([2_000]);
  });

  it('past the per-key bound, refuses at once from memory with the time left in the window', async () => {
    const { pacer, advance } = harness({ holdMs: 20_000, maxHeldPerKey: 2 });
    pacer.remember('a', refusal(30));
    void pacer.pace('a');
    void pacer.pace('a');
    advance(10_400);
    const answered = await pacer.pace('a');
    expect(answered).toMatchObject({ allowed: false, retryAfterSeconds: 20, state: { remaining: 0, resetSeconds: 20, scope: 'key', limit: 60 } });
    expect(pacer.heldNow).toBe(2);
  });

  it('past the overall bound, refuses at once, whichever key it is', async () => {
    const { pacer } = harness({ maxHeld: 2, maxHeldPerKey: 10 });
    pacer.remember('a', refusal(30));
    pacer.remember('b', refusal(30));
    void pacer.pace('a');
    void pacer.pace('a');
    expect(await pacer.pace('b')).toMatchObject({ allowed: false });
    expect(pacer.heldNow).toBe(2);
  });

  it('a hold of 0 turns pacing off', async () => {
    const { pacer, sleeps } = harness({ holdMs: 0 });
    pacer.remember('a', refusal(30));
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([]);
  });

  it('remembers a bounded number of keys, forgetting the oldest first', async () => {
    const { pacer, sleeps } = harness({ maxRemembered: 2 });
    pacer.remember('a', refusal(30));
    pacer.remember('b', refusal(30));
    pacer.remember('c', refusal(30));
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([]);
    void pacer.pace('c');
    await Promise.resolve();
    expect(sleeps).toEqual([1_000]);
  });
});
