import { PAGE_SIZE, toPage } from '../pagination';
import { controlPlaneDb, currentTenant, tenantDb } from '../tenancy';

// The tenant's audit trail has two homes when its data lives apart from the shared tables
// (docs/tiers.md): events about tenant data (orders, customers, products) are written with that
// data, in the tenant's placement; events about control-plane rows (members, invitations, API keys,
// settings, the plan) are written with those rows, in the control plane. Each commits with the
// change it records. The log reads both and merges them by time; a shared tenant has one.

const ORDER = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** The tenant's audit trail, newest first, optionally filtered by action prefix and actor. */
export async function listAuditEvents(options: { action?: string; actor?: string; cursor?: string } = {}) {
  const apart = (currentTenant().placement?.tier ?? 'shared') !== 'shared';
  const sources = apart ? [tenantDb(), controlPlaneDb()] : [tenantDb()];
  const filter = {
    ...(options.action ? { action: { startsWith: options.action } } : {}),
    ...(options.actor ? { actorLabel: { contains: options.actor, mode: 'insensitive' as const } } : {}),
  };
  // Keyset: the events strictly after the cursor's event in (createdAt, id) order, from either home.
  let after = {};
  if (options.cursor) {
    const found = await Promise.all(
      sources.map((db) => db.auditEvent.findFirst({ where: { id: options.cursor }, select: { createdAt: true, id: true } })),
    );
    const cursor = found.find((row) => row !== null);
    if (!cursor) return toPage([]);
    after = { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
  }
  const pages = await Promise.all(
    sources.map((db) => db.auditEvent.findMany({ where: { AND: [filter, after] }, orderBy: ORDER, take: PAGE_SIZE + 1 })),
  );
  const merged = pages
    .flat()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, PAGE_SIZE + 1);
  return toPage(merged);
}
