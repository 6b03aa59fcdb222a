import type { SampledTenant } from './seed';

// What one timed operation asks for, drawn the same way for every variant: each worker of each
// timed window has its own seeded generator, so raw pg, plain Prisma and the tenant clients answer
// exactly the same sequence of questions.

export type WorkloadKey = 'lookup' | 'recentPaid';

export interface Workload {
  key: WorkloadKey;
  label: string;
  description: string;
}

export const WORKLOADS: readonly Workload[] = [
  {
    key: 'lookup',
    label: 'Order by primary key',
    description: 'one order by (tenant_id, id): `findUnique({ where: $key(id) })`',
  },
  {
    key: 'recentPaid',
    label: '20 most recent paid orders',
    description:
      "a tenant's 20 most recent `paid` orders: `findMany({ where: { status: 'paid' }, orderBy: { placedAt: 'desc' }, take: 20 })`",
  },
];

/** The only fields the correctness check reads; every variant maps its rows to this. */
export interface OrderRow {
  tenantId: string;
  id: string;
  status: string;
  placedAt: Date;
}

export const RECENT_PAID_LIMIT = 20;

/** sfc32: small, fast and seedable — Math.random() cannot be replayed for the next variant. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next(); // mix the seed in before the first draw
  return next;
}

export interface Operation {
  tenant: SampledTenant;
  orderId: string;
}

/** Which tenant (and which of its orders) the next operation is about. */
export interface Picker {
  readonly tenants: readonly SampledTenant[];
  pick(random: () => number): Operation;
}

/** Index of the first entry of `cumulative` (ascending) above `target`. */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! <= target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function cumulativeOf(weights: Iterable<number>, length: number): Float64Array {
  const cumulative = new Float64Array(length);
  let sum = 0;
  let i = 0;
  for (const weight of weights) cumulative[i++] = sum += weight;
  return cumulative;
}

const withOrder = (tenant: SampledTenant, random: () => number): Operation => ({
  tenant,
  orderId: tenant.orderIds[Math.floor(random() * tenant.orderIds.length)]!,
});

/**
 * Picks tenants half the time uniformly (the long tail of small tenants) and half the time in
 * proportion to their orders (where the big tenants' traffic is), so both kinds appear in every
 * window without the few largest drowning out the rest. The warm cells' traffic.
 */
export class TenantPicker implements Picker {
  private readonly cumulativeOrders: Float64Array;
  private readonly totalOrders: number;

  constructor(readonly tenants: readonly SampledTenant[]) {
    if (tenants.length === 0) throw new Error('TenantPicker needs at least one tenant.');
    this.cumulativeOrders = cumulativeOf(
      tenants.map((tenant) => tenant.orders),
      tenants.length,
    );
    this.totalOrders = this.cumulativeOrders[tenants.length - 1]!;
  }

  pick(random: () => number): Operation {
    const tenant =
      random() < 0.5
        ? this.tenants[Math.floor(random() * this.tenants.length)]!
        : this.tenants[searchCumulative(this.cumulativeOrders, random() * this.totalOrders)]!;
    return withOrder(tenant, random);
  }

  /** The share of operations that land on the `count` largest tenants, by construction. */
  shareOfLargest(count: number): number {
    const largest = [...this.tenants].sort((x, y) => y.orders - x.orders).slice(0, count);
    const orders = largest.reduce((sum, tenant) => sum + tenant.orders, 0);
    return 0.5 * (largest.length / this.tenants.length) + 0.5 * (orders / this.totalOrders);
  }
}

export type Access = 'uniform' | 'zipf';

/**
 * The many-tenants cells' traffic: every tenant equally likely (`uniform`), or the tenant of rank r
 * (by size, largest first) with probability ∝ 1/r^s (`zipf`, s = 1: the largest tenant gets about
 * a tenth of all operations among 10,000). Remembers which tenants it drew, to report how many
 * distinct tenants a run really touched.
 */
export class AccessPicker implements Picker {
  private readonly cumulative: Float64Array | undefined;
  private readonly touched: Uint8Array;

  constructor(
    readonly tenants: readonly SampledTenant[],
    readonly access: Access,
    readonly exponent = 1,
  ) {
    if (tenants.length === 0) throw new Error('AccessPicker needs at least one tenant.');
    this.touched = new Uint8Array(tenants.length);
    this.cumulative =
      access === 'zipf'
        ? cumulativeOf(
            tenants.map((_, rank) => 1 / (rank + 1) ** exponent),
            tenants.length,
          )
        : undefined;
  }

  pick(random: () => number): Operation {
    const index = this.cumulative
      ? searchCumulative(this.cumulative, random() * this.cumulative[this.cumulative.length - 1]!)
      : Math.floor(random() * this.tenants.length);
    this.touched[index] = 1;
    return withOrder(this.tenants[index]!, random);
  }

  /** Distinct tenants drawn so far. */
  touchedCount(): number {
    return this.touched.reduce((sum, flag) => sum + flag, 0);
  }

  /** The share of operations that land on the `count` first (largest) tenants, by construction. */
  shareOfFirst(count: number): number {
    if (!this.cumulative) return Math.min(count, this.tenants.length) / this.tenants.length;
    return this.cumulative[Math.min(count, this.tenants.length) - 1]! / this.cumulative[this.tenants.length - 1]!;
  }
}
