import { TenantBusyError } from './errors';

// The bulkhead: a fixed set of slots (one slot = one connection of the app's pool, at most) shared
// by every tenant, with
//   * a cap per tenant — a tenant holds at most `share` slots at once, whatever it sends;
//   * a FIFO queue per tenant for the work past its cap (or past the free slots);
//   * round-robin across the tenants that wait, so a tenant with a thousand queued operations gets
//     the next free slot no sooner than a tenant with one;
//   * a bounded wait: work that does not get a slot in `waitMs` fails with TenantBusyError (503),
//     and a queue longer than `maxQueued` refuses at once. It never takes another tenant's slot.
//
// The slots themselves are whatever the caller hands in (client.ts: a PrismaClient each).
// State per tenant exists only while the tenant holds or waits for a slot, so memory follows the
// number of tenants *active right now*, not the number that ever came by.

export interface FairShareOptions {
  /** How long a piece of work may wait for a slot before it fails with TenantBusyError. */
  waitMs: number;
  /** Waiting work per tenant beyond which new work is refused at once. */
  maxQueued?: number;
}

interface Waiter<S> {
  resolve(slot: S): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  since: number;
}

interface TenantState<S> {
  key: string;
  share: number;
  active: number;
  waiters: Waiter<S>[];
  runnable: boolean;
}

export class FairShare<S> {
  private readonly free: S[];
  private readonly tenants = new Map<string, TenantState<S>>();
  /** Tenants with waiters and room under their share, in the order they are served. */
  private readonly runnable: TenantState<S>[] = [];
  private readonly waitMs: number;
  private readonly maxQueued: number;
  readonly size: number;

  constructor(slots: readonly S[], options: FairShareOptions) {
    if (slots.length === 0) throw new Error('FairShare needs at least one slot.');
    this.free = [...slots];
    this.size = slots.length;
    this.waitMs = options.waitMs;
    this.maxQueued = options.maxQueued ?? 256;
  }

  /** A slot for `key`, now or after a fair wait; TenantBusyError after `waitMs`. */
  acquire(key: string, share: number): Promise<S> {
    const cap = Math.max(1, Math.min(share, this.size));
    let tenant = this.tenants.get(key);
    if (!tenant) {
      tenant = { key, share: cap, active: 0, waiters: [], runnable: false };
      this.tenants.set(key, tenant);
    }
    tenant.share = cap; // a plan change takes effect on the next acquisition
    if (tenant.active < tenant.share && tenant.waiters.length === 0 && this.free.length > 0) {
      tenant.active++;
      return Promise.resolve(this.free.pop()!);
    }
    if (tenant.waiters.length >= this.maxQueued) {
      this.forget(tenant);
      return Promise.reject(new TenantBusyError(tenant.share, 0, 'queue_full'));
    }
    return new Promise<S>((resolve, reject) => {
      const state = tenant;
      const waiter: Waiter<S> = {
        resolve,
        reject,
        since: Date.now(),
        timer: setTimeout(() => {
          const index = state.waiters.indexOf(waiter);
          if (index >= 0) state.waiters.splice(index, 1);
          if (state.waiters.length === 0) this.unqueue(state);
          this.forget(state);
          reject(new TenantBusyError(state.share, Date.now() - waiter.since));
        }, this.waitMs),
      };
      waiter.timer.unref?.();
      state.waiters.push(waiter);
      if (state.active < state.share) {
        this.enqueue(state);
        this.dispatch();
      }
    });
  }

  /** Gives a slot back; the next waiting tenant in round-robin order gets it. */
  release(key: string, slot: S): void {
    const tenant = this.tenants.get(key);
    if (!tenant || tenant.active === 0) throw new Error(`FairShare.release(): ${key} holds no slot.`);
    tenant.active--;
    this.free.push(slot);
    if (tenant.waiters.length > 0 && tenant.active < tenant.share) this.enqueue(tenant);
    this.dispatch();
    this.forget(tenant);
  }

  /** Runs `work` holding one slot of `key`'s share. */
  async run<T>(key: string, share: number, work: (slot: S) => Promise<T>): Promise<T> {
    const slot = await this.acquire(key, share);
    try {
      return await work(slot);
    } finally {
      this.release(key, slot);
    }
  }

  /** What is in use right now (for tests, the health endpoint and benchmarks). */
  stats(): { slots: number; free: number; tenants: number; waiting: number; held: Record<string, number> } {
    let waiting = 0;
    const held: Record<string, number> = {};
    for (const tenant of this.tenants.values()) {
      waiting += tenant.waiters.length;
      if (tenant.active > 0) held[tenant.key] = tenant.active;
    }
    return { slots: this.size, free: this.free.length, tenants: this.tenants.size, waiting, held };
  }

  private dispatch(): void {
    while (this.free.length > 0 && this.runnable.length > 0) {
      const tenant = this.runnable.shift()!;
      tenant.runnable = false;
      const waiter = tenant.waiters.shift();
      if (!waiter) continue;
      clearTimeout(waiter.timer);
      tenant.active++;
      waiter.resolve(this.free.pop()!);
      // Round-robin: a tenant with more waiting goes to the back of the line.
      if (tenant.waiters.length > 0 && tenant.active < tenant.share) this.enqueue(tenant);
    }
  }

  private enqueue(tenant: TenantState<S>): void {
    if (tenant.runnable) return;
    tenant.runnable = true;
    this.runnable.push(tenant);
  }

  private unqueue(tenant: TenantState<S>): void {
    if (!tenant.runnable) return;
    tenant.runnable = false;
    this.runnable.splice(this.runnable.indexOf(tenant), 1);
  }

  private forget(tenant: TenantState<S>): void {
    if (tenant.active === 0 && tenant.waiters.length === 0) this.tenants.delete(tenant.key);
  }
}
