import { AppError, ERROR_STATUS, type ErrorCode } from '../errors';

// RFC 9457 problem details: the one rendering of AppError for HTTP. Unknown errors become a generic
// 500 whose details stay in the server log (with the request id), never in the response.

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  quota_exceeded: 'Plan limit reached',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  validation_failed: 'Validation failed',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  tenant_busy: 'Workspace busy',
  statement_timeout: 'Query took too long',
  tenant_moving: 'Workspace moving',
};

export function problem(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}, headers: HeadersInit = {}): Response {
  return Response.json(
    { type: `https://bulkhead.dev/problems/${code}`, title: TITLES[code], status: ERROR_STATUS[code], detail, ...extra },
    { status: ERROR_STATUS[code], headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers } },
  );
}

export function problemFrom(error: unknown, requestId?: string, headers: HeadersInit = {}): Response {
  if (error instanceof AppError) {
    // A refusal that ends by itself says when to come back (TenantBusyError, TenantMovingError).
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    const withRetry: HeadersInit = retryAfter ? { 'Retry-After': String(retryAfter), ...headers } : headers;
    return problem(error.code, error.detail, error.fieldErrors ? { errors: error.fieldErrors } : {}, withRetry);
  }
  console.error(`request ${requestId ?? '?'} failed:`, error);
  return problem('internal', 'Something went wrong on our side. Nothing was changed.', requestId ? { requestId } : {}, headers);
}
