import { busyMessage, statementTimeoutMessage } from '@bulkhead/tenancy';

import { AppError } from '../errors';

// The two ways the shared pool says no, as the app's own AppErrors: route handlers render them as
// problem+json (503) and server actions as a form message, like every other refusal. The kit
// raises its own TenantBusyError / StatementTimeoutError; lib/tenancy/index.ts maps them to these.

/**
 * The tenant already holds as many of the app's connections as its plan allows, and this piece
 * of work waited its bounded time in the tenant's own queue without getting a turn. Other tenants
 * were not slowed down to serve it: that is the point.
 */
export class TenantBusyError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly share: number,
    readonly waitedMs: number,
    reason: 'waited' | 'queue_full' = 'waited',
  ) {
    super('tenant_busy', busyMessage(share, waitedMs, reason));
    this.name = 'TenantBusyError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(waitedMs / 1000));
  }
}

/**
 * A statement ran past the plan's statement timeout and PostgreSQL cancelled it. The transaction it
 * belonged to rolled back, so nothing of the request was written.
 */
export class StatementTimeoutError extends AppError {
  constructor(
    readonly limitMs: number,
    readonly plan: string,
    readonly workload: 'interactive' | 'batch',
    options?: { cause?: unknown },
  ) {
    super('statement_timeout', statementTimeoutMessage(limitMs, plan));
    this.name = 'StatementTimeoutError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
