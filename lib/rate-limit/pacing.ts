import type { LimitDecision } from './index';

// Pacing of refused API keys: what stops one tenant's flood from costing other tenants latency.
//
// A 429 from the limiter is cheap for the database (the block is kept in memory), but a client
// that ignores Retry-After and resends at once still costs the server a key lookup, a limiter call
// and a response per request, on the same event loop that serves every other tenant. So once a
// key has been refused, its next requests within `holdMs` are held — a timer, no CPU. When the
// hold is over, one of them (the probe) goes through the whole path as usual, so a plan upgrade,
// a revocation or a new window is seen at once; the others wait for the probe's verdict: refused
// again, they are answered from memory; let through, the next of them goes, one at a time while
// any wait. A flooding key so costs one full request per hold, however many connections it uses,
// and its new window's budget arrives one request at a time, not as one burst; a client that
// honours Retry-After never notices. It is what nginx's `limit_req` does with excess requests (delays them), applied
// per key after a refusal.
//
// Holding is bounded: at most `maxHeld` requests in all and `maxHeldPerKey` per key wait at once.
// Past either bound the request is refused at once from memory (still no database work), so a
// client with thousands of connections can exhaust neither memory nor timers. The memory is per
// process and forgets the oldest entries past `maxRemembered` keys.
//
// Every request that `pace` lets go on must be `settle`d with the limiter's decision (or with
// undefined when it failed before the limiter), which ends a probe.

export type Refusal = Extract<LimitDecision, { allowed: false }>;

export interface PacingOptions {
  /** How long after a refusal the key's requests are held (0 turns pacing off). */
  holdMs: number;
  maxHeld?: number;
  maxHeldPerKey?: number;
  maxRemembered?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): spreads the wake-ups of held requests over one more hold. */
  random?: () => number;
}

interface Remembered {
  /** Requests of this key are held until this time. */
  holdUntil: number;
  /** When the refused window resets (for the headers of a refusal answered from memory). */
  resetAt: number;
  refusal: Refusal;
  held: number;
  /** Set while one request, let go after the hold, finds out whether the key is still refused. */
  probe?: { settled: Promise<void>; end: () => void };
}

export interface RefusalPacer {
  /**
   * Waits out a recent refusal of this key. Resolves `undefined` when the request may go on (no
   * refusal remembered, it is the probe after the hold, or the probe was let through), or the
   * refusal to answer at once (the probe was refused again, or the bounds on held requests are
   * reached).
   */
  pace(keyHash: string): Promise<Refusal | undefined>;
  /** What the limiter decided for a request `pace` let go on; undefined when it never got there. */
  settle(keyHash: string, decision: LimitDecision | undefined): void;
  /** Requests waiting right now (for tests and metrics). */
  readonly heldNow: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRefusalPacer(options: PacingOptions): RefusalPacer {
  const {
    holdMs,
    maxHeld = 1_000,
    maxHeldPerKey = 64,
    maxRemembered = 10_000,
    now = Date.now,
    sleep = defaultSleep,
    random = Math.random,
  } = options;
  const remembered = new Map<string, Remembered>();
  let held = 0;

  function forgetExpired(at: number) {
    for (const [hash, entry] of remembered) if (entry.holdUntil <= at && entry.held === 0 && !entry.probe) remembered.delete(hash);
    // Still too many: the oldest go first (a Map iterates in insertion order).
    for (const hash of remembered.keys()) {
      if (remembered.size <= maxRemembered) break;
      remembered.get(hash)?.probe?.end();
      remembered.delete(hash);
    }
  }

  function fromMemory(entry: Remembered): Refusal {
    const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - now()) / 1000));
    return { ...entry.refusal, retryAfterSeconds, state: { ...entry.refusal.state, remaining: 0, resetSeconds: retryAfterSeconds } };
  }

  /** Runs `wait` counted as a held request of `entry`, or answers from memory past the bounds. */
  async function hold(entry: Remembered, wait: () => Promise<void>): Promise<Refusal | undefined> {
    if (held >= maxHeld || entry.held >= maxHeldPerKey) return fromMemory(entry);
    entry.held++;
    held++;
    try {
      await wait();
    } finally {
      entry.held--;
      held--;
    }
    return undefined;
  }

  function remember(keyHash: string, refusal: Refusal) {
    if (holdMs <= 0) return;
    const at = now();
    const resetAt = at + refusal.retryAfterSeconds * 1000;
    // The same entry is updated in place: requests still held count themselves out of it.
    const entry = remembered.get(keyHash) ?? { holdUntil: 0, resetAt: 0, refusal, held: 0 };
    Object.assign(entry, { holdUntil: Math.min(at + holdMs, resetAt), resetAt, refusal });
    remembered.delete(keyHash); // re-inserted last: the most recent refusal is forgotten last
    remembered.set(keyHash, entry);
    if (remembered.size > maxRemembered) forgetExpired(at);
  }

  return {
    async pace(keyHash) {
      const entry = remembered.get(keyHash);
      if (!entry) return undefined;
      const wait = entry.holdUntil - now();
      if (wait > 0) {
        // Spread over up to one more hold, so a key's held requests do not all wake (and answer,
        // and come back) at the same moment: a burst every second would be what other tenants feel.
        const refused = await hold(entry, () => sleep(wait + Math.floor(random() * holdMs)));
        if (refused) return refused;
        // Refused again while this one slept: the answer is known.
        if (entry.holdUntil > now() && remembered.get(keyHash) === entry) return fromMemory(entry);
      }
      // One request at a time finds out; the others wait for its verdict. Refused again: they are
      // answered from memory. Let through: the next of them goes, so a key coming out of a refusal
      // (its window reset) spends its new budget one request at a time rather than as a burst of
      // all its connections at once. A verdict slower than one hold lets the waiter go regardless.
      for (;;) {
        const probe = entry.probe;
        if (!probe) {
          let end = () => {};
          const settled = new Promise<void>((resolve) => (end = resolve));
          entry.probe = { settled, end };
          return undefined; // this request is the probe
        }
        let timedOut = false;
        const refused = await hold(entry, async () => {
          await Promise.race([probe.settled, sleep(holdMs).then(() => void (timedOut = true))]);
        });
        if (refused) return refused;
        if (remembered.get(keyHash) !== entry) return undefined; // nothing left to pace
        if (entry.holdUntil > now()) return fromMemory(entry);
        if (timedOut && entry.probe === probe) return undefined;
      }
    },

    settle(keyHash, decision) {
      const entry = remembered.get(keyHash);
      if (!entry) {
        if (decision && !decision.allowed) remember(keyHash, decision);
        return;
      }
      const probe = entry.probe;
      entry.probe = undefined;
      if (decision && !decision.allowed) remember(keyHash, decision);
      else if (entry.held === 0)
        remembered.delete(keyHash); // let through, no one waiting: pacing ends
      else entry.holdUntil = 0; // let through (or failed before the limiter): the next waiter goes
      probe?.end();
    },

    get heldNow() {
      return held;
    },
  };
}
