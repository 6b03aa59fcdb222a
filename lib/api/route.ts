import { randomUUID } from 'node:crypto';

import type { z } from 'zod';

import { touchApiKeyWhenDue } from '../api-keys/service';
import type { Permission } from '../auth/permissions';
import { PLANS } from '../billing/plans';
import { env } from '../env';
import { AppError } from '../errors';
import { clientAddress } from '../http/client-address';
import { problem, problemFrom } from '../http/problem';
import { rateLimiter, rateLimitHeaders, rateLimitMessage, refusalPacer, type LimitDecision } from '../rate-limit';
import type { Refusal } from '../rate-limit/pacing';
import { pacingKeyOf, refusalLimiter, type RefusalSubject } from '../rate-limit/refusals';
import { routeOf, runInTenant, tenantDb, type TenantContext } from '../tenancy';
import { authenticate, authorize, presentedKey, type ApiCaller } from './authenticate';
import { parseJsonBody, parseQuery, readBodyText } from './body';
import { fingerprintOf, idempotencyKeyOf, once, type ApiReply } from './idempotency';

// The one wrapper of every /api/v1 route: authenticate the key → its tenant → scope ∩ the
// creator's role → rate limit (tenant, and the key under it) → parse query and body → open the
// tenant context → (for a write: one transaction, with idempotency for POST) → the handler. A route
// file declares what it needs and holds only the handler; every error leaves as problem+json from
// the one AppError type (a busy workspace or a statement past its limit: 503).

export interface ApiInput<Body, Query> {
  body: Body;
  query: Query;
  /** The `[id]` of the path, a UUID (anything else is the same 404 as a missing record). */
  id: string;
  caller: ApiCaller;
}

export interface RouteOptions<Body = unknown, Query = unknown> {
  permission: Permission;
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  /** 201 for creations; 200 otherwise. */
  status?: number;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requestIdOf(request: Request): string {
  const header = request.headers.get('x-request-id');
  return header && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
}

async function idOf(context: RouteContext | undefined): Promise<string> {
  const id = (await context?.params)?.id;
  if (id === undefined) return '';
  if (typeof id !== 'string' || !UUID.test(id)) throw new AppError('not_found', 'No such record.');
  return id.toLowerCase();
}

/**
 * How long a write's transaction may stay open: as long as one statement may run on the plan
 * (statement_timeout, which answers 503 statement_timeout), plus Prisma's default 5 s for the rest.
 * Prisma's own default alone (5 s) would end a pro or enterprise write that waits on a row lock as
 * an expired transaction (a 500) before its statement timeout could.
 */
function transactionTimeoutMs(plan: ApiCaller['plan']): number {
  return env().TENANT_STATEMENT_TIMEOUT_MS[plan] + 5_000;
}

function contextOf(caller: ApiCaller, requestId: string): TenantContext {
  return {
    tenantId: caller.tenantId,
    actorType: 'api_key',
    actorId: caller.keyId,
    actorLabel: `API key “${caller.name}”`,
    role: caller.creatorRole,
    plan: caller.plan,
    placement: routeOf(caller.placement),
    requestId,
  };
}

type Admission =
  { caller: ApiCaller; decision: LimitDecision & { allowed: true } } | { decision: Extract<LimitDecision, { allowed: false }> };

/**
 * Pacing of recently refused keys → the key → its scope and its creator's role → the rate limit.
 * A key refused a moment ago is held first and may be answered from memory, with no database work
 * (lib/rate-limit/pacing.ts); whatever the limiter decides is reported back to the pacer.
 */
async function admitKey(request: Request, permission: Permission): Promise<Admission> {
  const key = presentedKey(request);
  const pacer = refusalPacer();
  const held = key.hash ? await pacer.pace(key.hash) : undefined;
  if (held) return { decision: held };
  let decision: LimitDecision | undefined;
  try {
    const caller = await authenticate(request, key);
    authorize(caller, permission);
    decision = await rateLimiter().consume({ tenantId: caller.tenantId, limits: PLANS[caller.plan], keyId: caller.keyId });
    return decision.allowed ? { caller, decision } : { decision };
  } finally {
    if (key.hash) pacer.settle(key.hash, decision);
  }
}

/** Who a refusal of this request is counted against: the key it presents and the address it comes from. */
function refusalSubjectsOf(request: Request): RefusalSubject[] {
  const subjects: RefusalSubject[] = [];
  const address = clientAddress(request.headers);
  if (address !== 'unknown') subjects.push({ scope: 'refused_address', id: address });
  let hash: string | undefined;
  try {
    hash = presentedKey(request).hash;
  } catch {
    hash = undefined; // no key at all: counted by address only
  }
  if (hash) subjects.push({ scope: 'refused_key', id: hash });
  return subjects;
}

/**
 * A caller over its budget of refused requests is held like a refused key (lib/rate-limit/pacing.ts)
 * and answered 429 from memory: no key lookup, no database. Returns that refusal, or undefined.
 */
async function paceRefusedCaller(subjects: RefusalSubject[]): Promise<Refusal | undefined> {
  if (subjects.length === 0) return undefined;
  const pacer = refusalPacer();
  const limits = refusalLimiter();
  for (const subject of subjects) {
    const held = await pacer.pace(pacingKeyOf(subject));
    if (held) return held;
    // Let go after a hold (or never held): still over budget is answered here, and remembered again.
    const blocked = limits.blocked(subject);
    pacer.settle(pacingKeyOf(subject), blocked);
    if (blocked) return blocked;
  }
  return undefined;
}

const isRefusal = (error: unknown) => error instanceof AppError && (error.code === 'unauthorized' || error.code === 'forbidden');

/**
 * Refused callers first (over their budget of 401s and 403s: 429 from memory), then the key. A 401
 * or 403 is counted against the key and the address; the one that spends a budget is answered 429.
 */
async function admit(request: Request, permission: Permission): Promise<Admission> {
  const subjects = refusalSubjectsOf(request);
  const refused = await paceRefusedCaller(subjects);
  if (refused) return { decision: refused };
  try {
    return await admitKey(request, permission);
  } catch (error) {
    if (!isRefusal(error) || subjects.length === 0) throw error;
    const over = await refusalLimiter().count(subjects);
    if (!over) throw error;
    const pacer = refusalPacer();
    for (const subject of subjects) {
      const blocked = refusalLimiter().blocked(subject);
      if (blocked) pacer.settle(pacingKeyOf(subject), blocked);
    }
    return { decision: over };
  }
}

/** A route handler that carries the options it was made with (the OpenAPI test compares them with the document). */
export type ApiHandler = ((request: Request, routeContext?: RouteContext) => Promise<Response>) & { readonly options: RouteOptions };

export function apiRoute<Body = undefined, Query = undefined>(
  options: RouteOptions<Body, Query>,
  handler: (input: ApiInput<Body, Query>) => Promise<unknown>,
): ApiHandler {
  const route = async (request: Request, routeContext?: RouteContext): Promise<Response> => {
    const requestId = requestIdOf(request);
    let headers: Record<string, string> = { 'X-Request-Id': requestId };
    try {
      const admitted = await admit(request, options.permission);
      headers = { ...headers, ...rateLimitHeaders(admitted.decision) };
      if (!('caller' in admitted)) return problem('rate_limited', rateLimitMessage(admitted.decision), {}, headers);
      const { caller } = admitted;

      const id = await idOf(routeContext);
      const query = options.query ? parseQuery(new URL(request.url), options.query) : (undefined as Query);
      const bodyText = request.method === 'GET' ? '' : await readBodyText(request);
      const body = options.body ? parseJsonBody(bodyText, request.headers.get('content-type'), options.body) : (undefined as Body);
      if (!options.body && bodyText.trim() !== '') throw new AppError('bad_request', 'This endpoint takes no request body.');
      const idempotencyKey = request.method === 'POST' ? idempotencyKeyOf(request) : undefined;

      const reply = await runInTenant(contextOf(caller, requestId), async () => {
        await touchApiKeyWhenDue(caller.keyId);
        const work = async (): Promise<ApiReply> => ({ status: options.status ?? 200, body: await handler({ body, query, id, caller }) });
        if (request.method === 'GET') return work();
        // A write and the read that answers it are one transaction on one slot of the tenant's
        // share: a request that has its slot never waits for a second one, so a 503 (busy, or a
        // statement past the plan's limit) always means nothing was written — and an idempotent
        // POST records its answer only when it commits, so its retry runs again.
        return tenantDb().$transaction(() => (idempotencyKey ? once(idempotencyKey, fingerprintOf(request, bodyText), work) : work()), {
          timeout: transactionTimeoutMs(caller.plan),
        });
      });
      if (reply.replayed) headers['Idempotent-Replayed'] = 'true';
      return Response.json(reply.body, { status: reply.status, headers: { ...headers, 'Cache-Control': 'no-store' } });
    } catch (error) {
      return problemFrom(error, requestId, headers);
    }
  };
  return Object.assign(route, { options: options as RouteOptions });
}

/**
 * Answers every method a route does not implement with a problem+json 405 and an Allow header
 * (Next.js would answer an empty 405). `export const { PUT, DELETE, … } = otherMethods('GET, POST')`.
 */
export function otherMethods(allow: string) {
  const refuse = async () => problem('method_not_allowed', `This endpoint allows ${allow}.`, {}, { Allow: allow });
  return { GET: refuse, POST: refuse, PUT: refuse, PATCH: refuse, DELETE: refuse };
}
