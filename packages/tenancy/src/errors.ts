// The kit's three refusals: the shared pool says no (the tenant's share is full, or a statement ran
// past its plan's limit), or the tenant's data is moving and its writes are frozen for a moment.
// Each carries an HTTP status (503) and a message a user can act on; an app that has its own error
// type maps them with createTenancy({ errors }) so its route handlers and forms render them like
// every other refusal.

/** Base of the kit's refusals: a stable `code` and the HTTP status that fits it. */
export class TenancyError extends Error {
  readonly status: number = 503;

  constructor(
    readonly code: 'tenant_busy' | 'statement_timeout' | 'tenant_moving',
    message: string,
  ) {
    super(message);
    this.name = 'TenancyError';
  }
}

/**
 * The tenant already holds as many of the app's connections as its plan allows, and this piece
 * of work waited its bounded time in the tenant's own queue without getting a turn. Other tenants
 * were not slowed down to serve it: that is the point.
 */
export class TenantBusyError extends TenancyError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly share: number,
    readonly waitedMs: number,
    readonly reason: 'waited' | 'queue_full' = 'waited',
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
export class StatementTimeoutError extends TenancyError {
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

/**
 * The tenant is moving to another placement (moveTenant(), from '@bulkhead/tenancy/admin') and the
 * copy it is leaving refused this write: its fence is closed while the last changes are copied and
 * both copies are checked, and stays closed after the switch. The transaction rolled back, so
 * nothing of the request was written; the freeze lasts a second or two, and a retry resolves the
 * tenant's placement again, so it writes wherever the tenant lives by then.
 */
export class TenantMovingError extends TenancyError {
  /** The freeze lasts at most about two seconds (docs/moves.md): come back then. */
  readonly retryAfterSeconds = 2;

  constructor(options?: { cause?: unknown }) {
    super('tenant_moving', TENANT_MOVING_MESSAGE);
    this.name = 'TenantMovingError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The user-facing text of a TenantMovingError. */
export const TENANT_MOVING_MESSAGE = 'Your workspace is moving to its new home. Back in a few seconds: nothing was changed; try again.';

/** The user-facing text of a TenantBusyError (an app's own error class can reuse it). */
export function busyMessage(share: number, waitedMs: number, reason: 'waited' | 'queue_full' = 'waited'): string {
  return reason === 'queue_full'
    ? `Your workspace has too much work queued right now (it runs ${share} database operation${share === 1 ? '' : 's'} at a time on its plan). Nothing was changed; try again in a few seconds.`
    : `Your workspace is already running ${share} database operation${share === 1 ? '' : 's'} at once, the most its plan allows, and this one waited ${formatSeconds(waitedMs)} for a turn. Nothing was changed; try again in a few seconds.`;
}

/** The user-facing text of a StatementTimeoutError. */
export function statementTimeoutMessage(limitMs: number, plan: string): string {
  return `A database query took longer than the ${formatSeconds(limitMs)} your ${plan} plan allows, and was stopped. Nothing was changed. Narrow the request (a shorter date range, a smaller page) or try again later.`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
