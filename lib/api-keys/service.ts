import { createHash, randomBytes } from 'node:crypto';

import { assertQuota } from '../billing';
import { notFound } from '../errors';
import { audit, controlPlaneDb, currentTenant } from '../tenancy';

// API keys of the tenant in context. A key is `bk_live_` + 32 random bytes (base64url), shown once
// at creation; the database keeps its sha256 and a short prefix to recognise it by. A key acts
// with its scope, and never beyond the current role of the member who created it
// (lib/api/authenticate.ts).

export type ApiKeyScope = 'read' | 'read_write';
const KEY_PREFIX = 'bk_live_';
/** Keys this app issues, and the demo keys (lib/demo.ts); anything else is refused unhashed. */
export const API_KEY_SHAPE = /^bk_(live|demo)_[A-Za-z0-9_-]{20,100}$/;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const visiblePrefix = (key: string) => key.slice(0, KEY_PREFIX.length + 6);

export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: visiblePrefix(key) };
}

export async function listApiKeys() {
  return controlPlaneDb().apiKey.findMany({
    select: { id: true, name: true, prefix: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
  });
}

/** Creates a key and returns it in full — the only time it is ever readable. */
export async function createApiKey(input: { name: string; scope: ApiKeyScope }): Promise<{ id: string; key: string }> {
  const actor = currentTenant();
  const { key, hash, prefix } = newApiKey();
  return controlPlaneDb().$transaction(async (tx) => {
    await assertQuota(tx, 'apiKeys');
    const created = await tx.apiKey.create({
      data: { name: input.name, prefix, keyHash: hash, scope: input.scope, createdBy: actor.actorId! },
      select: { id: true },
    });
    await audit({
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: created.id,
      metadata: { name: input.name, scope: input.scope, prefix },
    });
    return { id: created.id, key };
  });
}

export async function revokeApiKey(id: string): Promise<void> {
  await controlPlaneDb().$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw notFound('API key');
    await audit({ action: 'api_key.revoked', targetType: 'api_key', targetId: id });
  });
}

/**
 * Stamps the key's last use, at most once a minute per key, so a busy key does not write a row
 * on every request.
 */
export async function touchApiKey(id: string): Promise<void> {
  await controlPlaneDb().apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - 60_000) } }] },
    data: { lastUsedAt: new Date() },
  });
}

const globalForTouches = globalThis as unknown as { bulkheadKeyTouches?: Map<string, number> };

/**
 * touchApiKey, skipped when this process stamped the same key less than a minute ago: a busy key
 * then costs no statement at all for its last-used time (the stamp is "within the last minute").
 */
export async function touchApiKeyWhenDue(id: string, now = Date.now()): Promise<void> {
  const touches = (globalForTouches.bulkheadKeyTouches ??= new Map());
  const last = touches.get(id);
  if (last !== undefined && now - last < 60_000) return;
  await touchApiKey(id);
  touches.delete(id);
  touches.set(id, now);
  const oldest = touches.keys().next().value;
  if (touches.size > 10_000 && oldest !== undefined) touches.delete(oldest);
}
