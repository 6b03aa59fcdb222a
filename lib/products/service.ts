import { AppError, explainMissedUpdate, notFound } from '../errors';
import { cataloguePage, toPage, type CatalogueQuery } from '../pagination';
import { audit, tenantDb } from '../tenancy';
import type { ProductInput } from './schema';

export async function listProducts(query: CatalogueQuery = {}) {
  const db = tenantDb();
  const rows = await db.product.findMany(cataloguePage(db, query, ['name', 'sku']));
  return toPage(rows);
}

export async function getProduct(id: string) {
  const product = await tenantDb().product.findFirst({ where: { id } });
  if (!product) throw notFound('product');
  return product;
}

export async function productOptions() {
  return tenantDb().product.findMany({
    where: { archivedAt: null },
    select: { id: true, name: true, sku: true, unitPrice: true },
    orderBy: { name: 'asc' },
    take: 500,
  });
}

function skuTaken(error: unknown): never {
  if ((error as { code?: string }).code === 'P2002')
    throw new AppError('conflict', 'SKU taken.', { sku: ['Another product already has this SKU.'] });
  throw error;
}

export async function createProduct(input: ProductInput) {
  try {
    return await tenantDb().$transaction(async (tx) => {
      const product = await tx.product.create({ data: input });
      await audit({ action: 'product.created', targetType: 'product', targetId: product.id, metadata: { sku: input.sku } });
      return product;
    });
  } catch (error) {
    skuTaken(error);
  }
}

export async function updateProduct(id: string, expectedVersion: number, input: ProductInput) {
  try {
    return await tenantDb().$transaction(async (tx) => {
      const { count } = await tx.product.updateMany({
        where: { id, version: expectedVersion },
        data: { ...input, version: { increment: 1 } },
      });
      if (count === 0) await explainMissedUpdate(await tx.product.findFirst({ where: { id }, select: { version: true } }), 'product');
      await audit({ action: 'product.updated', targetType: 'product', targetId: id, metadata: { sku: input.sku } });
      return tx.product.findFirstOrThrow({ where: { id } });
    });
  } catch (error) {
    skuTaken(error);
  }
}

export async function setProductArchived(id: string, archived: boolean) {
  await tenantDb().$transaction(async (tx) => {
    const { count } = await tx.product.updateMany({
      where: { id },
      data: { archivedAt: archived ? new Date() : null, version: { increment: 1 } },
    });
    if (count === 0) throw notFound('product');
    await audit({ action: archived ? 'product.archived' : 'product.restored', targetType: 'product', targetId: id });
  });
}
