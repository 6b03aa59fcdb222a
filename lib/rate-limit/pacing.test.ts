import { describe, expect, it } from 'vitest';

import type { LimitDecision } from './index';
import { createRefusalPacer, type Refusal } from './pacing';

// The pacing of refused keys on a clock the test moves and timers the test ends: who waits, how
// long, who finds out, and what happens past the bounds. (lib/api/limits.test.ts shows it through
// the API on a real database.)

const refusal = (retryAfterSeconds: number): Refusal => ({
  allowed: false,
  retryAfterSeconds,
  state: { scope: 'key', limit: 60, remaining: 0, resetSeconds: retryAfterSeconds },
});
const allowed: LimitDecision = { allowed: true, state: { scope: 'key', limit: 60, remaining: 10, resetSeconds: 30 } };

function harness(
  options: { holdMs?: number; maxHeld?: number; maxHeldPerKey?: number; maxRemembered?: number; random?: () => number } = {},
) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const timers: Array<() => void> = [];
  const pacer = createRefusalPacer({
    holdMs: options.holdMs ?? 1_000,
    maxHeld: options.maxHeld,
    maxHeldPerKey: options.maxHeldPerKey,
    maxRemembered: options.maxRemembered,
    now: () => clock,
    random: options.random ?? (() => 0),
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => timers.push(resolve));
    },
  });
  /** Lets pending promise callbacks run. */
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Moves the clock and fires every timer set so far. */
  const elapse = async (ms: number) => {
    clock += ms;
    timers.splice(0).forEach((fire) => fire());
    await flush();
  };
  return { pacer, sleeps, flush, elapse, advance: (ms: number) => (clock += ms) };
}

/** Tracks a promise so a test can ask whether it has resolved yet. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => Object.assign(state, { done: true, value }));
  return state;
}

describe('refusal pacing', () => {
  it('lets a key that was never refused through without waiting', async () => {
    const { pacer, sleeps } = harness();
    expect(await pacer.pace('a')).toBeUndefined();
    pacer.settle('a', allowed);
    expect(sleeps).toEqual([]);
  });

  it('holds a refused key until the hold is over; then one request finds out, and a let-through ends the pacing', async () => {
    const { pacer, sleeps, advance, elapse, flush } = harness({ holdMs: 1_000 });
    pacer.settle('a', refusal(30));
    advance(250);
    const probe = track(pacer.pace('a'));
    await flush();
    expect(sleeps).toEqual([750]);
    expect(pacer.heldNow).toBe(1);
    await elapse(750);
    expect(probe).toEqual({ done: true, value: undefined });
    expect(pacer.heldNow).toBe(0);
    pacer.settle('a', allowed); // the window reset, say: the key is served again
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([750]);
  });

  it('after the hold only one request goes to the limiter; the others get its refusal from memory', async () => {
    const { pacer, elapse, flush } = harness();
    pacer.settle('a', refusal(30));
    const waiting = [track(pacer.pace('a')), track(pacer.pace('a')), track(pacer.pace('a'))];
    await flush();
    expect(pacer.heldNow).toBe(3);
    await elapse(1_000);
    // The first to wake is the probe; the two others now wait for its verdict.
    expect(waiting.map((w) => w.done)).toEqual([true, false, false]);
    expect(pacer.heldNow).toBe(2);
    pacer.settle('a', refusal(29));
    await flush();
    expect(waiting[1]).toMatchObject({ done: true, value: { allowed: false, retryAfterSeconds: 29 } });
    expect(waiting[2]).toMatchObject({ done: true, value: { allowed: false } });
    expect(pacer.heldNow).toBe(0);
  });

  it('when the probe is let through, the requests waiting for it go on one at a time, then pacing ends', async () => {
    const { pacer, elapse, flush } = harness();
    pacer.settle('a', refusal(30));
    const waiting = [track(pacer.pace('a')), track(pacer.pace('a')), track(pacer.pace('a'))];
    await elapse(1_000);
    expect(waiting.map((w) => w.done)).toEqual([true, false, false]);
    pacer.settle('a', allowed); // the window reset
    await flush();
    expect(waiting.map((w) => w.done)).toEqual([true, true, false]);
    pacer.settle('a', allowed);
    await flush();
    expect(waiting.map((w) => w.done)).toEqual([true, true, true]);
    pacer.settle('a', allowed);
    // No one waits any more: the key is not paced at all.
    expect(await pacer.pace('a')).toBeUndefined();
    expect(await pacer.pace('a')).toBeUndefined();
  });

  it('a waiter whose probe takes longer than a hold goes on regardless', async () => {
    const { pacer, elapse, flush } = harness();
    pacer.settle('a', refusal(30));
    const waiting = [track(pacer.pace('a')), track(pacer.pace('a'))];
    await elapse(1_000);
    expect(waiting.map((w) => w.done)).toEqual([true, false]);
    await elapse(1_000); // the probe has not settled after a whole hold
    await flush();
    expect(waiting[1]).toEqual({ done: true, value: undefined });
  });

  it('a probe that fails before the limiter (say, a revoked key) ends the pacing without a verdict', async () => {
    const { pacer, elapse, flush } = harness();
    pacer.settle('a', refusal(30));
    const waiting = [track(pacer.pace('a')), track(pacer.pace('a'))];
    await elapse(1_000);
    pacer.settle('a', undefined);
    await flush();
    expect(waiting[1]).toEqual({ done: true, value: undefined }); // it goes and finds out for itself
  });

  it('spreads the wake-ups of held requests over one more hold; one that wakes after a fresh refusal is answered from memory', async () => {
    const spread = [0, 0.5, 0.999];
    const { pacer, sleeps, elapse, flush } = harness({ random: () => spread.shift() ?? 0 });
    pacer.settle('a', refusal(30));
    const waiting = [track(pacer.pace('a')), track(pacer.pace('a')), track(pacer.pace('a'))];
    await flush();
    expect(sleeps).toEqual([1_000, 1_500, 1_999]);
    await elapse(1_000); // (the test's timers all fire together; the clock says who woke when)
    expect(waiting[0]).toEqual({ done: true, value: undefined }); // the probe
    pacer.settle('a', refusal(29)); // refused again: the others already know the answer
    await flush();
    expect(waiting[1]).toMatchObject({ done: true, value: { allowed: false } });
    expect(waiting[2]).toMatchObject({ done: true, value: { allowed: false } });
  });

  it('holds only the refused key: another key is not delayed', async () => {
    const { pacer, sleeps } = harness();
    pacer.settle('flooder', refusal(30));
    expect(await pacer.pace('neighbour')).toBeUndefined();
    expect(sleeps).toEqual([]);
  });

  it('never holds past the moment the window resets', async () => {
    const { pacer, sleeps, flush } = harness({ holdMs: 5_000 });
    pacer.settle('a', refusal(2));
    void pacer.pace('a');
    await flush();
    expect(sleeps).toEqual([2_000]);
  });

  it('past the per-key bound, refuses at once from memory with the time left in the window', async () => {
    const { pacer, advance } = harness({ holdMs: 20_000, maxHeldPerKey: 2 });
    pacer.settle('a', refusal(30));
    void pacer.pace('a');
    void pacer.pace('a');
    advance(10_400);
    expect(await pacer.pace('a')).toMatchObject({
      allowed: false,
      retryAfterSeconds: 20,
      state: { remaining: 0, resetSeconds: 20, scope: 'key', limit: 60 },
    });
    expect(pacer.heldNow).toBe(2);
  });

  it('past the overall bound, refuses at once, whichever key it is', async () => {
    const { pacer } = harness({ maxHeld: 2, maxHeldPerKey: 10 });
    pacer.settle('a', refusal(30));
    pacer.settle('b', refusal(30));
    void pacer.pace('a');
    void pacer.pace('a');
    expect(await pacer.pace('b')).toMatchObject({ allowed: false });
    expect(pacer.heldNow).toBe(2);
  });

  it('counts held requests right across refusals that land while they wait: all places are free again at the end', async () => {
    const { pacer, elapse, flush } = harness({ maxHeldPerKey: 2 });
    pacer.settle('a', refusal(30));
    for (let cycle = 0; cycle < 5; cycle++) {
      const waiting = [track(pacer.pace('a')), track(pacer.pace('a'))];
      await flush();
      expect(pacer.heldNow, `cycle ${cycle}`).toBe(2);
      await elapse(1_000);
      pacer.settle('a', refusal(30)); // the probe is refused again
      await flush();
      expect(waiting.every((w) => w.done)).toBe(true);
      expect(pacer.heldNow).toBe(0);
    }
    // Both places are free: the next request is held, not refused from memory.
    const next = track(pacer.pace('a'));
    await flush();
    expect(next.done).toBe(false);
    expect(pacer.heldNow).toBe(1);
  });

  it('a hold of 0 turns pacing off', async () => {
    const { pacer, sleeps } = harness({ holdMs: 0 });
    pacer.settle('a', refusal(30));
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([]);
  });

  it('remembers a bounded number of keys, forgetting the oldest first', async () => {
    const { pacer, sleeps, flush } = harness({ maxRemembered: 2 });
    pacer.settle('a', refusal(30));
    pacer.settle('b', refusal(30));
    pacer.settle('c', refusal(30));
    expect(await pacer.pace('a')).toBeUndefined();
    expect(sleeps).toEqual([]);
    void pacer.pace('c');
    await flush();
    expect(sleeps).toEqual([1_000]);
  });
});
