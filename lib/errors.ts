import type { z } from 'zod';

// One error type, two renderings (STYLE.md): route handlers render AppError as RFC 9457
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(detail);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'record') => new AppError('not_found', `No such ${what}.`);

/** Every issue of a zod error, keyed by the field's dotted path ('lines.0.quantity'). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  // Collected without a prototype (a field named "constructor" or "__proto__" is a field like any
  // other), returned as a plain object: React refuses null-prototype objects in action results.
  const fields: FieldErrors = Object.create(null);
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // Name each unknown field, so a typo ("quantitiy") points at itself.
      for (const unknown of issue.keys) (fields[[...issue.path, unknown].join('.')] ??= []).push('Unknown field; remove it or check its spelling.');
      continue;
    }
    const key = issue.path.join('.') || 'form';
    (fields[key] ??= []).push(issue.message);
  }
  return { ...fields };
}
