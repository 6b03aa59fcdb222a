import { AppError } from '../errors';

// The two ways the shared pool says no. Both are AppErrors, so route handlers render them as
// problem+json (503) and server actions as a form message, like every other refusal.

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
    super(
      'tenant_busy',
      reason === 'queue_full'
        ? `Your workspace has too much work queued right now (it runs ${share} database operation${share === 1 ? '' : 's'} at a time on its plan). Nothing was changed; try again in a few seconds.`
        : `Your workspace is already running ${share} database operation${share === 1 ? '' : 's'} at once, the most its plan allows, and this one waited ${formatSeconds(waitedMs)} for a turn. Nothing was changed; try again in a few seconds.`,
    );
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
    super(
      'statement_timeout',
      `A database query took longer than the ${formatSeconds(limitMs)} your ${plan} plan allows, and was stopped. Nothing was changed. Narrow the request (a shorter date range, a smaller page) or try again later.`,
    );
    this.name = 'StatementTimeoutError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
