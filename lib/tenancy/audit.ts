import { currentTransaction, maybeCurrentTenant, TenantContextMissingError } from '@bulkhead/tenancy';

import type { Prisma } from '../db/generated/client';
import type { TenantContext } from './context';
import type { TenantTransaction } from './index';

export interface AuditEventInput {
  /** What happened, as resource.verb: 'order.refunded', 'member.role_changed'. */
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Prisma.InputJsonObject;
}

/**
 * Records who did what in the current tenant, inside the transaction of the change it describes:
 * both commit or neither does. The actor and request come from the context, never from arguments.
 */
export async function audit(event: AuditEventInput): Promise<void> {
  const store = maybeCurrentTenant() as TenantContext | undefined;
  if (!store) throw new TenantContextMissingError('audit()');
  const tx = currentTransaction() as TenantTransaction | undefined;
  if (!tx) {
    throw new Error(
      'audit() must run inside db.$transaction(async (tx) => …) so the event commits or rolls back with the change it records.',
    );
  }
  await tx.auditEvent.create({
    data: {
      actorType: store.actorType,
      actorId:
        store.actorType === 'user' || store.actorType === 'api_key' || store.actorType === 'platform_admin' ? store.actorId : undefined,
      actorLabel: store.actorLabel,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      metadata: event.metadata ?? {},
      requestId: store.requestId,
    },
  });
}
