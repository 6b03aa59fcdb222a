import { AppError } from '../errors';
import { audit, tenantDb } from '../tenancy';

export async function tenantSettings() {
  return tenantDb().tenant.findFirstOrThrow({ select: { name: true, slug: true, timezone: true, currency: true, plan: true, region: true } });
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Renames the tenant, moves it to another address, or changes its reporting time zone. */
export async function updateTenantSettings(input: { name: string; slug: string; timezone: string }): Promise<{ slug: string }> {
  if (!isTimeZone(input.timezone)) throw new AppError('validation_failed', 'Unknown time zone.', { timezone: ['Choose a time zone from the list.'] });
  try {
    return await tenantDb().$transaction(async (tx) => {
      const before = await tx.tenant.findFirstOrThrow({ select: { id: true, name: true, slug: true, timezone: true } });
      await tx.tenant.update({ where: { id: before.id }, data: input });
      await audit({ action: 'tenant.settings_updated', targetType: 'tenant', targetId: before.id, metadata: { before: { name: before.name, slug: before.slug, timezone: before.timezone }, after: input } });
      return { slug: input.slug };
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new AppError('conflict', 'Address taken.', { slug: ['This address is taken. Choose another.'] });
    throw error;
  }
}
