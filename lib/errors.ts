import type { z } from 'zod';

// One error type, two renderings: route handlers render AppError as RFC 9457
// problem+json, server actions as an ActionResult the form shows inline. Another tenant's record is
// always `not_found`, the same as a record that does not exist.

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  quota_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  /** The tenant's share of the connection pool stayed full for the whole bounded wait. */
  tenant_busy: 503,
  /** A statement ran past the plan's statement timeout; its transaction rolled back. */
  statement_timeout: 503,
  /** The workspace is moving to another tier: its writes are frozen for a second or two (docs/moves.md). */
  tenant_moving: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldErrors = Record<string, string[]>;

const APP_ERROR = Symbol.for('bulkhead.AppError');

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(detail);
    this.name = 'AppError';
    Object.defineProperty(this, APP_ERROR, { value: true });
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /**
   * `error instanceof AppError` holds for an AppError of any copy of this module. Next.js bundles a
   * module once per route, and the tenant clients are shared by the whole process: a TenantBusyError
   * thrown by the copy of the route that built them is still an AppError to every other route's
   * problemFrom() and failure() (rendered as a 503, not as an unknown 500). Subclasses keep the
   * ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }
}

/**
 * Makes an error of another module an AppError as it is: its class, message and fields stay. The
 * isolation kit's refusals (TenantBusyError, StatementTimeoutError, TenantMovingError) already
 * carry an ErrorCode and a message a person can act on; lib/tenancy/index.ts adopts them rather
 * than copying them into classes of its own, and they render like every other refusal.
 */
export function adoptAsAppError<E extends Error & { readonly code: ErrorCode }>(error: E): E & AppError {
  Object.defineProperty(error, APP_ERROR, { value: true });
  Object.defineProperty(error, 'detail', { value: error.message, enumerable: true });
  return error as E & AppError;
}

/**
 * The kit's three refusals (adopted as AppErrors): the shared pool's two, and a workspace whose
 * writes a move froze for a moment. As much of them as a page needs to say what happened: not
 * faults, so the app shows each as a message of its own, never as "Something went wrong".
 */
export type Unavailable =
  { code: 'tenant_busy'; share: number } | { code: 'statement_timeout'; limitMs: number } | { code: 'tenant_moving' };

// In a production build Next.js hands an error boundary only an error's `digest` (the message is
// withheld), and keeps a digest the error already carries (app-render/create-error-handler.ts): so
// a refusal that escapes to app/t/[tenant]/error.tsx carries one saying which it is. Numbers only;
// nothing of the tenant. A move's freeze needs no number: `bulkhead:tenant_moving`.
const DIGEST = /^bulkhead:(?:(tenant_busy|statement_timeout):(\d{1,9})|(tenant_moving))$/;

/** The refusal `error` is — an AppError on the server, or its digest in an error boundary. */
export function unavailableOf(error: unknown): Unavailable | undefined {
  if (error instanceof AppError) {
    const { share, limitMs } = error as AppError & { share?: unknown; limitMs?: unknown };
    if (error.code === 'tenant_busy' && typeof share === 'number') return { code: 'tenant_busy', share };
    if (error.code === 'statement_timeout' && typeof limitMs === 'number') return { code: 'statement_timeout', limitMs };
    if (error.code === 'tenant_moving') return { code: 'tenant_moving' };
    return undefined;
  }
  const digest = typeof error === 'object' && error !== null ? (error as { digest?: unknown }).digest : undefined;
  const match = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  if (!match) return undefined;
  if (match[3] === 'tenant_moving') return { code: 'tenant_moving' };
  return match[1] === 'tenant_busy'
    ? { code: 'tenant_busy', share: Number(match[2]) }
    : { code: 'statement_timeout', limitMs: Number(match[2]) };
}

function digestOf(refusal: Unavailable): string {
  switch (refusal.code) {
    case 'tenant_busy':
      return `bulkhead:tenant_busy:${refusal.share}`;
    case 'statement_timeout':
      return `bulkhead:statement_timeout:${refusal.limitMs}`;
    case 'tenant_moving':
      return 'bulkhead:tenant_moving';
  }
}

/** Gives a refusal its digest before it is rethrown towards an error boundary; other errors pass as they are. */
export function withUnavailableDigest<E>(error: E): E {
  const refusal = unavailableOf(error);
  if (refusal) (error as { digest?: string }).digest = digestOf(refusal);
  return error;
}

export const notFound = (what = 'record') => new AppError('not_found', `No such ${what}.`);

/**
 * After an optimistic update (`where: { id, version }`) matched no row: either the record is gone
 * (404) or someone saved first (409). Every versioned record (customers, products, orders) says it
 * the same way.
 */
export async function explainMissedUpdate(current: { version: number } | null, what: string): Promise<never> {
  if (!current) throw notFound(what);
  throw new AppError(
    'conflict',
    `Someone else changed this ${what} while you were editing (now version ${current.version}). Reload to see their changes, then edit again.`,
  );
}

/** Every issue of a zod error, keyed by the field's dotted path ('lines.0.quantity'). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  // Collected without a prototype (a field named "constructor" or "__proto__" is a field like any
  // other), returned as a plain object: React refuses null-prototype objects in action results.
  const fields: FieldErrors = Object.create(null);
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown field, so a typo ("quantitiy") points at itself.
      for (const unknown of issue.keys)
        (fields[[...issue.path, unknown].join('.')] ??= []).push('Unknown field; remove it or check its spelling.');
      continue;
    }
    const key = issue.path.join('.') || 'form';
    (fields[key] ??= []).push(issue.message);
  }
  return { ...fields };
}
