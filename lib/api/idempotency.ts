import { createHash } from 'node:crypto';

import type { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import { tenantDb } from '../tenancy';

// Idempotency-Key on POST: the same key and the same request return the first response without a
// second write; the same key with another request is refused. The record is written in the
// change's own transaction, so "done" and "recorded as done" cannot disagree: a failed request
// leaves no record and may be retried with the same key. A concurrent duplicate waits on the
// unique index (tenant_id, key) and then replays the committed answer. Keys are per tenant (RLS and
// the key both include the tenant) and expire after 24 hours.

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface ApiReply {
  status: number;
  body: unknown;
  replayed?: boolean;
}

export function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers.get('idempotency-key');
  if (key === null) return undefined;
  if (!KEY.test(key))
    throw new AppError('bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).');
  return key;
}

export function fingerprintOf(request: Request, bodyText: string): string {
  const url = new URL(request.url);
  return createHash('sha256').update(`${request.method} ${url.pathname}\n${bodyText}`).digest('hex');
}

/**
 * Runs `work` once per key. Call it inside the request's transaction (lib/api/route.ts opens one for
 * every write): the record and the change commit together, or neither does.
 */
export async function once(key: string, fingerprint: string, work: () => Promise<ApiReply>): Promise<ApiReply> {
  const tx = tenantDb();
  await tx.idempotencyKey.deleteMany({ where: { key, expiresAt: { lte: new Date() } } });
  const { count } = await tx.idempotencyKey.createMany({
    data: [{ key, fingerprint, expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS) }],
    skipDuplicates: true,
  });
  if (count === 0) {
    const first = await tx.idempotencyKey.findFirstOrThrow({ where: { key }, select: { fingerprint: true, status: true, response: true } });
    if (first.fingerprint !== fingerprint) {
      throw new AppError('validation_failed', 'Idempotency-Key reused.', {
        'Idempotency-Key': ['This key was already used for a different request in the last 24 hours. Use a new key for a new request.'],
      });
    }
    return { status: first.status ?? 200, body: first.response, replayed: true };
  }
  const reply = await work();
  await tx.idempotencyKey.updateMany({
    where: { key },
    data: { status: reply.status, response: (reply.body ?? null) as Prisma.InputJsonValue },
  });
  return reply;
}
