import { cache } from 'react';

import { AppError } from '../errors';
import { audit, controlPlaneDb, currentTenant, type TenantContext } from '../tenancy';
import { isTimeZone } from './time-zones';

// A page and the services it calls (the dashboard's figures, the revenue report) all need the
// workspace's name, currency or time zone. React's cache() makes that one read per tenant context:
// it lasts one server render (it is not Next's data cache, which is shared across tenants), and it
// is keyed by the context object itself, so a render that opened contexts of two tenants could
// never hand one the other's row. Route handlers and tests run outside a render and read every
// time; the writes below read the row afresh inside their own transaction.
const settingsIn = cache(async (_context: TenantContext) =>
  controlPlaneDb().tenant.findFirstOrThrow({
    select: { name: true, slug: true, currency: true, timezone: true, plan: true, region: true, requireTwoFactor: true },
  }),
);

export type TenantSettings = Awaited<ReturnType<typeof settingsIn>>;

/** The settings of the workspace in context, read once per tenant context. */
export function tenantSettings(): Promise<TenantSettings> {
  return settingsIn(currentTenant());
}

export { isTimeZone } from './time-zones';

/** Renames the tenant, moves it to another address, or changes its reporting time zone. */
export async function updateTenantSettings(input: { name: string; slug: string; timezone: string }): Promise<{ slug: string }> {
  if (!(await isTimeZone(input.timezone)))
    throw new AppError('validation_failed', 'Unknown time zone.', { timezone: ['Choose a time zone from the list.'] });
  try {
    return await controlPlaneDb().$transaction(async (tx) => {
      const before = await tx.tenant.findFirstOrThrow({ select: { id: true, name: true, slug: true, timezone: true } });
      await tx.tenant.update({ where: { id: before.id }, data: input });
      await audit({
        action: 'tenant.settings_updated',
        targetType: 'tenant',
        targetId: before.id,
        metadata: { before: { name: before.name, slug: before.slug, timezone: before.timezone }, after: input },
      });
      return { slug: input.slug };
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002')
      throw new AppError('conflict', 'Address taken.', { slug: ['This address is taken. Choose another.'] });
    throw error;
  }
}

/** Whether members of the tenant in context must use two-factor sign-in. */
export async function twoFactorRule(): Promise<boolean> {
  return (await tenantSettings()).requireTwoFactor;
}

/**
 * Turns the rule "members must use two-factor" on or off for the tenant in context. Turning it on
 * is refused to someone without two-factor themselves: it would lock them out of the workspace on
 * their next request.
 */
export async function setTwoFactorRule(required: boolean, actor: { userTwoFactor: boolean }): Promise<void> {
  if (required && !actor.userTwoFactor) {
    throw new AppError(
      'conflict',
      'Turn on two-factor sign-in for your own account first (Your account → Two-factor sign-in): otherwise this rule would lock you out of this workspace.',
    );
  }
  await controlPlaneDb().$transaction(async (tx) => {
    const before = await tx.tenant.findFirstOrThrow({ select: { id: true, requireTwoFactor: true } });
    if (before.requireTwoFactor === required) return;
    await tx.tenant.update({ where: { id: before.id }, data: { requireTwoFactor: required } });
    await audit({
      action: 'tenant.two_factor_rule_changed',
      targetType: 'tenant',
      targetId: before.id,
      metadata: { before: before.requireTwoFactor, after: required },
    });
  });
}
