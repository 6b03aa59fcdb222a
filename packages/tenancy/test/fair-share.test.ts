import { FairShare, TenantBusyError } from '@bulkhead/tenancy';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The scheduler alone, on plain slot objects and fake timers: caps, FIFO, round-robin, the bounded
// wait, and that nothing about a tenant is remembered once it holds and waits for nothing.

const slots = (n: number) => Array.from({ length: n }, (_, i) => `slot-${i}`);

/** Resolves when every settled promise callback so far has run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('FairShare', () => {
  it('gives a tenant at most its share, even with free slots left', async () => {
    const fair = new FairShare(slots(8), { waitMs: 1_000 });
    const a1 = await fair.acquire('a', 2);
    const a2 = await fair.acquire('a', 2);
    let third: string | undefined;
    void fair.acquire('a', 2).then((slot) => (third = slot));
    await flush();
    expect(third).toBeUndefined();
    expect(fair.stats()).toMatchObject({ free: 6, waiting: 1, held: { a: 2 } });
    // Positive control: another tenant gets a slot at once.
    expect(await fair.acquire('b', 2)).toBeDefined();
    fair.release('a', a1);
    await flush();
    expect(third).toBe(a1);
    fair.release('a', a2);
  });

  it('serves waiting tenants round-robin, each tenant in FIFO order', async () => {
    const fair = new FairShare(slots(1), { waitMs: 10_000 });
    const first = await fair.acquire('x', 4);
    const order: string[] = [];
    const want = (tenant: string, label: string) =>
      fair.acquire(tenant, 4).then((slot) => {
        order.push(label);
        fair.release(tenant, slot);
      });
    // A floods first; B and C arrive later with one request each.
    const all = [want('a', 'a1'), want('a', 'a2'), want('a', 'a3'), want('b', 'b1'), want('c', 'c1'), want('a', 'a4')];
    fair.release('x', first);
    await Promise.all(all);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'a4']);
  });

  it('fails work that waited its bounded time with TenantBusyError, leaving others unaffected', async () => {
    vi.useFakeTimers();
    const fair = new FairShare(slots(4), { waitMs: 300 });
    const held = [await fair.acquire('a', 2), await fair.acquire('a', 2)];
    const waiting = fair.acquire('a', 2);
    const assertion = expect(waiting).rejects.toSatisfy((error: unknown) => {
      expect(error).toBeInstanceOf(TenantBusyError);
      expect(error).toMatchObject({ code: 'tenant_busy', status: 503, share: 2, retryAfterSeconds: 1 });
      expect((error as Error).message).toMatch(/already running 2 database operations at once/);
      return true;
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(fair.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    await assertion;
    expect(fair.stats().waiting).toBe(0);
    // B was never queued behind A.
    expect(await fair.acquire('b', 2)).toBeDefined();
    for (const slot of held) fair.release('a', slot);
  });

  it('refuses at once past the per-tenant queue bound', async () => {
    const fair = new FairShare(slots(1), { waitMs: 10_000, maxQueued: 2 });
    const slot = await fair.acquire('a', 1);
    const queued = [fair.acquire('a', 1), fair.acquire('a', 1)];
    await expect(fair.acquire('a', 1)).rejects.toMatchObject({ code: 'tenant_busy' });
    fair.release('a', slot);
    for (const next of queued) fair.release('a', await next);
  });

  it('never hands out more slots than it has, and a share above the slots is capped', async () => {
    const fair = new FairShare(slots(3), { waitMs: 10_000 });
    const got = await Promise.all([fair.acquire('a', 8), fair.acquire('a', 8), fair.acquire('a', 8)]);
    expect(new Set(got).size).toBe(3);
    let fourth = false;
    void fair.acquire('b', 8).then(() => (fourth = true));
    await flush();
    expect(fourth).toBe(false);
    fair.release('a', got[0]!);
    await flush();
    expect(fourth).toBe(true);
  });

  it('forgets a tenant that holds and waits for nothing (memory follows active tenants only)', async () => {
    const fair = new FairShare(slots(2), { waitMs: 1_000 });
    for (let i = 0; i < 10_000; i++) await fair.run(`tenant-${i}`, 2, async () => undefined);
    expect(fair.stats()).toMatchObject({ tenants: 0, free: 2, waiting: 0 });
  });

  it('release() of a slot the tenant does not hold is a bug, said loudly', () => {
    const fair = new FairShare(slots(1), { waitMs: 1_000 });
    expect(() => fair.release('a', 'slot-0')).toThrow(/holds no slot/);
  });
});
