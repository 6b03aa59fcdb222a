import type { Placement } from '@bulkhead/tenancy';
import { TENANT_MOVING_SQLSTATE } from '@bulkhead/tenancy/admin';

import type { tenantDbFrom } from '@/lib/tenancy';

// The writer of the online-move test and benchmark (docs/moves.md): it inserts, updates and deletes
// one tenant's customers and rewrites its orders' notes, resolving the placement before every write
// as a request does, and keeps its own ledger of what every row it touched must look like. A move
// that lost, duplicated or resurrected anything disagrees with the ledger afterwards.

type Db = ReturnType<typeof tenantDbFrom>;

export interface WriterOptions {
  tenantId: string;
  slug: string;
  /** The tenant's orders, whose notes the writer rewrites. */
  orderIds: string[];
  placementOf: () => Promise<Placement>;
  run: <T>(placement: Placement, work: (db: Db) => Promise<T>) => Promise<T>;
  /** Pause between writes (ms); 0 writes as fast as it can. */
  pauseMs?: number;
}

export interface WriterStats {
  writes: number;
  /** Writes refused by a move's freeze (and retried later). */
  refusals: number;
  /** The longest time from a refused write to the next write that succeeded. */
  longestRefusalMs: number;
  errors: string[];
}

export function isTenantMoving(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  return text.includes(TENANT_MOVING_SQLSTATE) || text.includes('workspace is moving');
}

export function startWriter(options: WriterOptions) {
  const customers = new Map<string, string | null>(); // id → name; null once deleted
  const orders = new Map<string, string>(); // id → notes
  const stats: WriterStats = { writes: 0, refusals: 0, longestRefusalMs: 0, errors: [] };
  let refusedSince: number | undefined;
  let running = true;
  const loop = (async () => {
    let n = 0;
    while (running) {
      n++;
      const placement = await options.placementOf();
      const live = [...customers].filter(([, name]) => name !== null).map(([id]) => id);
      const op = n % 4 === 0 ? 'order' : live.length < 5 || n % 4 === 1 ? 'insert' : n % 4 === 2 ? 'update' : 'delete';
      try {
        await options.run(placement, async (db) => {
          if (op === 'insert') {
            const name = `writer ${n}`;
            const row = await db.customer.create({ data: { name, email: `w${n}@${options.slug}.test` }, select: { id: true } });
            customers.set(row.id, name);
          } else if (op === 'update') {
            const id = live[n % live.length]!;
            const name = `writer ${n} (updated)`;
            await db.customer.update({ where: { tenantId_id: { tenantId: options.tenantId, id } }, data: { name } });
            customers.set(id, name);
          } else if (op === 'delete') {
            const id = live[n % live.length]!;
            await db.customer.delete({ where: { tenantId_id: { tenantId: options.tenantId, id } } });
            customers.set(id, null);
          } else {
            const id = options.orderIds[n % options.orderIds.length]!;
            const notes = `writer ${n}`;
            await db.order.update({ where: { tenantId_id: { tenantId: options.tenantId, id } }, data: { notes } });
            orders.set(id, notes);
          }
        });
        stats.writes++;
        if (refusedSince !== undefined) stats.longestRefusalMs = Math.max(stats.longestRefusalMs, performance.now() - refusedSince);
        refusedSince = undefined;
      } catch (error) {
        if (isTenantMoving(error)) {
          stats.refusals++;
          refusedSince ??= performance.now();
        } else stats.errors.push(`${op}: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  })();
  return {
    stats,
    /** What the tenant's rows must be: live customers by name, and the notes of every order written. */
    expected: () => ({
      customers: new Map([...customers].filter(([, name]) => name !== null) as [string, string][]),
      deleted: [...customers].filter(([, name]) => name === null).map(([id]) => id),
      orders: new Map(orders),
    }),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Compares the writer's ledger with the rows as they are: the differences, none when all agree. */
export async function ledgerDifferences(
  expected: ReturnType<ReturnType<typeof startWriter>['expected']>,
  actual: { customers: Map<string, string>; orders: Map<string, string | null> },
): Promise<string[]> {
  const differences: string[] = [];
  for (const [id, name] of expected.customers)
    if (actual.customers.get(id) !== name)
      differences.push(`customer ${id}: "${actual.customers.get(id) ?? 'missing'}", expected "${name}"`);
  for (const id of actual.customers.keys()) if (!expected.customers.has(id)) differences.push(`customer ${id}: present, expected none`);
  for (const [id, notes] of expected.orders)
    if (actual.orders.get(id) !== notes)
      differences.push(`order ${id}: notes "${actual.orders.get(id) ?? 'missing'}", expected "${notes}"`);
  return differences;
}
