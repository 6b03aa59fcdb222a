import { explainMissedUpdate, notFound } from '../errors';
import { cataloguePage, toPage, type CatalogueQuery, type Page } from '../pagination';
import { audit, tenantDb } from '../tenancy';
import type { CustomerInput } from './schema';

// Customers of the tenant in context. Optimistic concurrency: an edit names the version it was
// made against; if someone saved in between, the edit is refused with a conflict instead of
// silently overwriting their change.

export async function listCustomers(query: CatalogueQuery = {}) {
  const db = tenantDb();
  const rows = await db.customer.findMany({
    ...cataloguePage(db, query, ['name', 'email', 'company']),
    select: { id: true, name: true, email: true, company: true, archivedAt: true, _count: { select: { orders: true } } },
  });
  return toPage(rows) satisfies Page<{ id: string }>;
}

export async function getCustomer(id: string) {
  const customer = await tenantDb().customer.findFirst({ where: { id } });
  if (!customer) throw notFound('customer');
  return customer;
}

/** Several customers in full, by id (ids of other tenants simply match nothing). */
export async function customersById(ids: string[]) {
  return ids.length ? tenantDb().customer.findMany({ where: { id: { in: ids } } }) : [];
}

/** Active customers for pickers (order form). */
export async function customerOptions() {
  return tenantDb().customer.findMany({
    where: { archivedAt: null },
    select: { id: true, name: true, email: true },
    orderBy: { name: 'asc' },
    take: 500,
  });
}

export async function createCustomer(input: CustomerInput) {
  return tenantDb().$transaction(async (tx) => {
    const customer = await tx.customer.create({ data: input });
    await audit({ action: 'customer.created', targetType: 'customer', targetId: customer.id, metadata: { name: input.name } });
    return customer;
  });
}

export async function updateCustomer(id: string, expectedVersion: number, input: CustomerInput) {
  return tenantDb().$transaction(async (tx) => {
    const { count } = await tx.customer.updateMany({
      where: { id, version: expectedVersion },
      data: { ...input, version: { increment: 1 } },
    });
    if (count === 0) await explainMissedUpdate(await tx.customer.findFirst({ where: { id }, select: { version: true } }), 'customer');
    await audit({ action: 'customer.updated', targetType: 'customer', targetId: id, metadata: { fields: Object.keys(input) } });
    return tx.customer.findFirstOrThrow({ where: { id } });
  });
}

export async function setCustomerArchived(id: string, archived: boolean) {
  await tenantDb().$transaction(async (tx) => {
    const { count } = await tx.customer.updateMany({
      where: { id },
      data: { archivedAt: archived ? new Date() : null, version: { increment: 1 } },
    });
    if (count === 0) throw notFound('customer');
    await audit({ action: archived ? 'customer.archived' : 'customer.restored', targetType: 'customer', targetId: id });
  });
}
