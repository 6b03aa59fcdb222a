import type { LimitDecision } from './index';

// Pacing of refused API keys: what stops one tenant's flood from costing other tenants latency.
//
// A 429 from the limiter is cheap for the database (the block is kept in memory), but a client
// that ignores Retry-After and resends at once still costs the server a key lookup, a limiter call
// and a response per request, on the same event loop that serves every other tenant. So once a
// key has been refused, its next requests within `holdMs` are held — a timer, no CPU — until that
// time has passed, and then go through the whole path as usual (so a plan upgrade, a revocation
// or a new window is seen at once after the hold). A flooding client's connections each get about
// one answer per `holdMs`; a client that honours Retry-After never notices. It is what nginx's
// `limit_req` does with excess requests (delays them), applied per key after a refusal.
//
// Holding is bounded: at most `maxHeld` requests in all and `maxHeldPerKey` per key wait at once.
// Past either bound the request is refused at once from memory (still no database work), so a
// client with thousands of connections can neither exhaust memory nor sockets' worth of timers.
// The memory is per process and forgets the oldest entries past `maxRemembered` keys.

export type Refusal = Extract<LimitDecision, { allowed: false }>;

export interface PacingOptions {
  /** How long after a refusal the key's requests are held (0 turns pacing off). */
  holdMs: number;
  maxHeld?: number;
  maxHeldPerKey?: number;
  maxRemembered?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Remembered {
  /** Requests of this key are held until this time. */
  holdUntil: number;
  /** When the refused window resets (for the headers of a refusal answered from memory). */
  resetAt: number;
  refusal: Refusal;
  held: number;
}

export interface RefusalPacer {
  /** Records that the key with this hash was just refused. */
  remember(keyHash: string, refusal: Refusal): void;
  /**
   * Waits out a recent refusal of this key. Resolves `undefined` when the request may go on (no
   * refusal remembered, or after holding it), or the refusal to answer at once when the bounds
   * on held requests are reached.
   */
  pace(keyHash: string): Promise<Refusal | undefined>;
  /** Requests waiting right now (for tests and metrics). */
  readonly heldNow: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRefusalPacer(options: PacingOptions): RefusalPacer {
  const { holdMs, maxHeld = 1_000, maxHeldPerKey = 64, maxRemembered = 10_000, now = Date.now, sleep = defaultSleep } = options;
  const remembered = new Map<string, Remembered>();
  let held = 0;

  function forgetExpired(at: number) {
    for (const [hash, entry] of remembered) if (entry.holdUntil <= at && entry.held === 0) remembered.delete(hash);
    // Still too many: the oldest go first (a Map iterates in insertion order).
    for (const hash of remembered.keys()) {
      if (remembered.size <= maxRemembered) break;
      remembered.delete(hash);
    }
  }

  return {
    remember(keyHash, refusal) {
      if (holdMs <= 0) return;
      const at = now();
      const resetAt = at + refusal.retryAfterSeconds * 1000;
      const entry = remembered.get(keyHash);
      remembered.delete(keyHash); // re-inserted last: the most recent refusal is forgotten last
      remembered.set(keyHash, { holdUntil: Math.min(at + holdMs, resetAt), resetAt, refusal, held: entry?.held ?? 0 });
      if (remembered.size > maxRemembered) forgetExpired(at);
    },

    async pace(keyHash) {
      const entry = remembered.get(keyHash);
      if (!entry) return undefined;
      const wait = entry.holdUntil - now();
      if (wait <= 0) {
        if (entry.held === 0) remembered.delete(keyHash);
        return undefined;
      }
      if (held >= maxHeld || entry.held >= maxHeldPerKey) {
        const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - now()) / 1000));
        const { refusal } = entry;
        return { ...refusal, retryAfterSeconds, state: { ...refusal.state, remaining: 0, resetSeconds: retryAfterSeconds } };
      }
      entry.held++;
      held++;
      try {
        await sleep(wait);
      } finally {
        entry.held--;
        held--;
      }
      return undefined;
    },

    get heldNow() {
      return held;
    },
  };
}
