import { PAGE_SIZE, toPage } from '../pagination';
import { tenantDb } from '../tenancy';

/** The tenant's audit trail, newest first, optionally filtered by action prefix and actor. */
export async function listAuditEvents(options: { action?: string; actor?: string; cursor?: string } = {}) {
  const db = tenantDb();
  const rows = await db.auditEvent.findMany({
    where: {
      ...(options.action ? { action: { startsWith: options.action } } : {}),
      ...(options.actor ? { actorLabel: { contains: options.actor, mode: 'insensitive' } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: PAGE_SIZE + 1,
    ...(options.cursor ? { cursor: db.$key(options.cursor), skip: 1 } : {}),
  });
  return toPage(rows);
}
