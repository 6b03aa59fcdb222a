import { AppError } from '../errors';
import { controlPlaneDb, currentTenant, tenantDb, type TenantTransaction } from '../tenancy';

// Plans, their quotas and rate limits, and how a tenant moves between them. Quotas are checked in
// the transaction that would exceed them, under a per-tenant lock, so two requests at once cannot
// both take the last slot. The plan itself is changed through a provider: here the built-in
// "manual" one, which applies the change at once; a Stripe provider would start a checkout and
// apply the change from its verified webhook, through the same database function.

export type PlanName = 'free' | 'pro' | 'enterprise';
export const PLAN_NAMES: readonly PlanName[] = ['free', 'pro', 'enterprise'];

export interface PlanLimits {
  label: string;
  /** What the plan costs, for the plan page only: there is no payment provider here. */
  priceLabel: string;
  /** Orders created per calendar month (UTC); null is unlimited. */
  ordersPerMonth: number | null;
  /** Members plus pending invitations. */
  members: number | null;
  /** API keys that are not revoked. */
  apiKeys: number;
  /** Requests per minute for the whole tenant: every API key and every form submission. */
  tenantRequestsPerMinute: number;
  /** Requests per minute for one API key, below the tenant's, so one script cannot take it all. */
  keyRequestsPerMinute: number;
  /** Where the plan's data may live (docs/tiers.md): the operator places a tenant only on these. */
  tiers: readonly PlacementTier[];
}

/** The isolation tiers (docs/tiers.md), in the order a growing tenant moves up them. */
export type PlacementTier = 'shared' | 'schema' | 'database';

const TIER_NAMES: Record<PlacementTier, string> = {
  shared: 'the shared tables',
  schema: 'a schema of its own',
  database: 'a database of its own',
};

/** Why `plan` cannot hold a tenant on `tier`, or undefined when it can. */
export function tierRefusal(plan: PlanName, tier: PlacementTier): string | undefined {
  if (PLANS[plan].tiers.includes(tier)) return undefined;
  return `The ${PLANS[plan].label} plan keeps a workspace's data in ${PLANS[plan].tiers.map((t) => TIER_NAMES[t]).join(' or ')}; this workspace's data is in ${TIER_NAMES[tier]}. Ask us to move it first.`;
}

export const PLANS: Readonly<Record<PlanName, PlanLimits>> = {
  free: {
    label: 'Free',
    priceLabel: '$0',
    ordersPerMonth: 1_000,
    members: 5,
    apiKeys: 2,
    tenantRequestsPerMinute: 100,
    keyRequestsPerMinute: 60,
    tiers: ['shared'],
  },
  pro: {
    label: 'Pro',
    priceLabel: '$49 / month',
    ordersPerMonth: 20_000,
    members: 50,
    apiKeys: 10,
    tenantRequestsPerMinute: 1_000,
    keyRequestsPerMinute: 600,
    tiers: ['shared', 'schema'],
  },
  enterprise: {
    label: 'Enterprise',
    priceLabel: 'Contact us',
    ordersPerMonth: null,
    members: null,
    apiKeys: 50,
    tenantRequestsPerMinute: 10_000,
    keyRequestsPerMinute: 5_000,
    tiers: ['shared', 'schema', 'database'],
  },
};

export type QuotaKind = 'orders' | 'members' | 'apiKeys';

const QUOTA_NAMES: Record<QuotaKind, { noun: string; period: string }> = {
  orders: { noun: 'orders', period: ' this month' },
  members: { noun: 'members and pending invitations', period: '' },
  apiKeys: { noun: 'active API keys', period: '' },
};

function limitOf(plan: PlanName, kind: QuotaKind): number | null {
  const limits = PLANS[plan];
  return kind === 'orders' ? limits.ordersPerMonth : kind === 'members' ? limits.members : limits.apiKeys;
}

function startOfMonthUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

type Db = ReturnType<typeof tenantDb>;

/** Orders are tenant data (the tenant's placement); members, invitations and keys, the control plane's. */
const routeOf = (kind: QuotaKind) => (kind === 'orders' ? 'tenant' : 'control');

/** Counts `kind` on `db`, which must be of the kind's route (tenantDb() or controlPlaneDb(), or their transaction). */
async function countUsage(db: Db, kind: QuotaKind): Promise<number> {
  switch (kind) {
    case 'orders':
      return db.order.count({ where: { placedAt: { gte: startOfMonthUtc() } } });
    case 'members': {
      const [members, invitations] = await Promise.all([
        db.membership.count(),
        db.invitation.count({ where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } }),
      ]);
      return members + invitations;
    }
    case 'apiKeys':
      return db.apiKey.count({ where: { revokedAt: null } });
  }
}

/**
 * The tenant's plan as the control plane has it now (not as the request started with). Inside a
 * control-plane transaction it is read in it. Inside a tenant-data transaction it is read in it for
 * a shared tenant, and beside it for a tenant whose data lives apart (docs/tiers.md).
 */
export async function currentPlan(): Promise<PlanName> {
  const tenant = await controlPlaneDb().tenant.findFirstOrThrow({ select: { plan: true } });
  return tenant.plan;
}

/** The tenant's lock on one quota, held to the end of the transaction. */
async function lockQuota(tx: TenantTransaction, kind: QuotaKind): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('bulkhead.quota'), hashtext(current_setting('app.tenant_id') || ${kind}))`;
}

/**
 * Refuses one more `kind` when the plan's quota is used up. Call inside the transaction that adds
 * it: the lock is held to its end, so concurrent requests of this tenant queue here (and only
 * they — the lock key is the tenant in the transaction).
 */
export async function assertQuota(tx: TenantTransaction, kind: QuotaKind): Promise<void> {
  await lockQuota(tx, kind);
  const plan = await currentPlan();
  const limit = limitOf(plan, kind);
  if (limit === null) return;
  const used = await countUsage(tx, kind);
  if (used >= limit) {
    const { noun, period } = QUOTA_NAMES[kind];
    throw new AppError(
      'quota_exceeded',
      `The ${PLANS[plan].label} plan allows ${limit.toLocaleString('en-US')} ${noun}${period}, and this workspace has reached it. An owner can change the plan under Settings → Billing.`,
    );
  }
}

export interface UsageLine {
  kind: QuotaKind;
  label: string;
  used: number;
  limit: number | null;
}

/** What the tenant uses of its plan: the billing page's usage table. */
export async function planUsage(): Promise<{ plan: PlanName; limits: PlanLimits; usage: UsageLine[] }> {
  const plan = await currentPlan();
  const kinds: [QuotaKind, string][] = [
    ['orders', 'Orders this month'],
    ['members', 'Members and pending invitations'],
    ['apiKeys', 'Active API keys'],
  ];
  const usage = await Promise.all(
    kinds.map(async ([kind, label]) => ({
      kind,
      label,
      used: await countUsage(routeOf(kind) === 'tenant' ? tenantDb() : controlPlaneDb(), kind),
      limit: limitOf(plan, kind),
    })),
  );
  return { plan, limits: PLANS[plan], usage };
}

/** How a plan change reaches the tenant. A payment provider implements the same interface. */
export interface PlanProvider {
  readonly name: string;
  /** Applies the change, or answers where the owner must go to confirm it (a checkout page). */
  changePlan(to: PlanName): Promise<{ applied: true; from: PlanName } | { applied: false; redirectTo: string }>;
}

/** The built-in provider: no payment, the change applies at once and is audited. */
export const manualPlanProvider: PlanProvider = {
  name: 'manual',
  async changePlan(to) {
    const actor = currentTenant();
    // A workspace in a schema or a database of its own keeps a plan that allows it there.
    const refusal = tierRefusal(to, actor.placement?.tier ?? 'shared');
    if (refusal) throw new AppError('conflict', refusal);
    return controlPlaneDb().$transaction(async (tx) => {
      // Moving down must not leave the tenant above its new quotas (except orders already placed).
      for (const kind of ['members', 'apiKeys'] as const) {
        // The quota's own lock: a key or invitation added meanwhile would be checked against the
        // old plan and slip in above the new one.
        await lockQuota(tx, kind);
        const limit = limitOf(to, kind);
        const used = await countUsage(tx, kind);
        if (limit !== null && used > limit) {
          throw new AppError(
            'conflict',
            `The ${PLANS[to].label} plan allows ${limit} ${QUOTA_NAMES[kind].noun}; this workspace has ${used}. Remove some first.`,
          );
        }
      }
      const [row] = await tx.$queryRaw<{ from: PlanName }[]>`
        SELECT bulkhead.change_plan(${to}::"Plan", ${actor.actorType}::"ActorType", ${actor.actorId ?? null}::uuid, ${actor.actorLabel ?? null}, ${actor.requestId}) AS "from"`;
      return { applied: true as const, from: row!.from };
    });
  },
};

/** The provider this deployment uses. */
export function planProvider(): PlanProvider {
  return manualPlanProvider;
}
