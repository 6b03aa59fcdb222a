import { createHash } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { PLANS } from '@/lib/billing/plans';
import { AppError } from '@/lib/errors';
import { runInTenant } from '@/lib/tenancy';
import { apiKeyForHash } from '@/lib/tenancy/definer-functions';
import { setPlan, uniqueSlug } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { API_KEY_SHAPE, createApiKey, hashApiKey, listApiKeys, newApiKey, revokeApiKey, touchApiKey, type ApiKeyScope } from './service';

// API keys of the tenant in context: shown once, stored as a hash, limited by the plan, revocable
// only by their own tenant.

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const asOwner = <T>(t: SeededTenant, work: () => Promise<T>) =>
  runInTenant({ tenantId: t.id, actorType: 'user', actorId: t.userId, actorLabel: `owner@${t.slug}.test`, role: 'owner' }, work);
const create = (t: SeededTenant, name = 'a key', scope: ApiKeyScope = 'read_write') => asOwner(t, () => createApiKey({ name, scope }));

const keyRows = (tenantId: string) =>
  withClient(ops(), async (db) => (await db.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at', [tenantId])).rows);
const auditRows = (tenantId: string, prefix: string) =>
  withClient(
    ops(),
    async (db) =>
      (await db.query('SELECT * FROM audit_events WHERE tenant_id = $1 AND action LIKE $2 ORDER BY created_at', [tenantId, `${prefix}%`]))
        .rows,
  );

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

let acme: SeededTenant;
let globex: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
  globex = await seedTenant(ops(), uniqueSlug('globex'), 1);
  // Room for the keys the tests below make; the quota has tenants of its own.
  await setPlan(ops(), acme.id, 'enterprise');
  await setPlan(ops(), globex.id, 'enterprise');
});

describe('newApiKey', () => {
  it('makes unguessable keys of the documented shape, with their sha256 and a short prefix', () => {
    const keys = Array.from({ length: 50 }, () => newApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    for (const { key, hash, prefix } of keys) {
      expect(key).toMatch(API_KEY_SHAPE);
      expect(key).toMatch(/^bk_live_[A-Za-z0-9_-]{43}$/);
      expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(key.startsWith(prefix)).toBe(true);
      expect(prefix).toHaveLength('bk_live_'.length + 6);
    }
  });
});

describe('createApiKey', () => {
  it('returns the key once and stores only its hash; the hash resolves to this tenant, scope and creator', async () => {
    const t = await seedTenant(ops(), uniqueSlug('keys'), 1);
    const { id, key } = await create(t, 'CI deploys', 'read');

    const [row, ...others] = await keyRows(t.id);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ id, name: 'CI deploys', scope: 'read', key_hash: hashApiKey(key), created_by: t.userId, revoked_at: null });
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await apiKeyForHash(hashApiKey(key))).toEqual({
      keyId: id,
      tenantId: t.id,
      name: 'CI deploys',
      scope: 'read',
      plan: 'free',
      tenantStatus: 'active',
      creatorRole: 'owner',
      placement: { tier: 'shared', region: 'eu-west' },
    });

    const [event] = await auditRows(t.id, 'api_key.');
    expect(event).toMatchObject({ action: 'api_key.created', target_id: id, actor_id: t.userId });
    expect(JSON.stringify(event)).not.toContain(key);
  });

  it('refuses a key beyond the plan’s quota with quota_exceeded (403), writing nothing; a revoked key frees its slot', async () => {
    const t = await seedTenant(ops(), uniqueSlug('quota'), 1);
    const made: { id: string }[] = [];
    for (let i = 0; i < PLANS.free.apiKeys; i++) made.push(await create(t, `key ${i}`));

    const refused = await refusal(create(t, 'one too many'));
    expect(refused.code).toBe('quota_exceeded');
    expect(refused.status).toBe(403);
    expect(refused.detail).toMatch(/Free plan allows 2 active API keys/);
    expect(await keyRows(t.id)).toHaveLength(PLANS.free.apiKeys);
    expect(await auditRows(t.id, 'api_key.created')).toHaveLength(PLANS.free.apiKeys);

    await asOwner(t, () => revokeApiKey(made[0]!.id));
    await expect(create(t, 'replacement')).resolves.toMatchObject({ key: expect.stringMatching(API_KEY_SHAPE) });
  });

  it('gives the last free slot to exactly one of several concurrent requests', async () => {
    const t = await seedTenant(ops(), uniqueSlug('race'), 1);
    await create(t, 'first');
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => create(t, `racer ${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected'))
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'quota_exceeded' });
    expect(await keyRows(t.id)).toHaveLength(PLANS.free.apiKeys);
  });

  it('allows more keys on a higher plan', async () => {
    const t = await seedTenant(ops(), uniqueSlug('pro'), 1);
    await setPlan(ops(), t.id, 'pro');
    for (let i = 0; i <= PLANS.free.apiKeys; i++) await create(t, `key ${i}`);
    expect(await keyRows(t.id)).toHaveLength(PLANS.free.apiKeys + 1);
  });
});

describe('listApiKeys', () => {
  it('lists this tenant’s keys, active first, and never their hashes', async () => {
    const t = await seedTenant(ops(), uniqueSlug('list'), 1);
    const old = await create(t, 'old');
    const current = await create(t, 'current');
    await create(globex, 'globex key');
    await asOwner(t, () => revokeApiKey(old.id));

    const listed = await asOwner(t, () => listApiKeys());
    expect(listed.map((k) => k.name)).toEqual(['current', 'old']);
    expect(listed[0]!.id).toBe(current.id);
    expect(listed[1]!.revokedAt).toBeInstanceOf(Date);
    for (const key of listed) expect(Object.keys(key)).not.toContain('keyHash');
  });
});

describe('revokeApiKey', () => {
  it('revokes a key of this tenant: its hash no longer resolves, and the revocation is audited', async () => {
    const { id, key } = await create(acme, 'to revoke');
    await asOwner(acme, () => revokeApiKey(id));
    expect(await apiKeyForHash(hashApiKey(key))).toBeUndefined();
    expect(await auditRows(acme.id, 'api_key.revoked')).toEqual([expect.objectContaining({ target_id: id })]);
    // A second revocation finds nothing to revoke.
    expect((await refusal(asOwner(acme, () => revokeApiKey(id)))).code).toBe('not_found');
  });

  it('cannot revoke another tenant’s key: the same not_found as a missing one, and the key keeps working', async () => {
    const { id, key } = await create(globex, 'globex production');
    const refused = await refusal(asOwner(acme, () => revokeApiKey(id)));
    expect(refused.code).toBe('not_found');
    expect(await apiKeyForHash(hashApiKey(key))).toMatchObject({ keyId: id, tenantId: globex.id });
    expect(await auditRows(acme.id, 'api_key.revoked')).not.toContainEqual(expect.objectContaining({ target_id: id }));
  });
});

describe('touchApiKey', () => {
  it('stamps the last use at most once a minute, and only on this tenant’s key', async () => {
    const lastUsed = (id: string) =>
      withClient(
        ops(),
        async (db) =>
          (await db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [id])).rows[0]!.last_used_at,
      );
    const { id } = await create(acme, 'touched');
    const foreign = await create(globex, 'untouched');

    await asOwner(acme, () => touchApiKey(id));
    const first = await lastUsed(id);
    expect(first).toBeInstanceOf(Date);
    await asOwner(acme, () => touchApiKey(id));
    expect(await lastUsed(id)).toEqual(first);

    await withClient(ops(), (db) => db.query(`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [id]));
    await asOwner(acme, () => touchApiKey(id));
    expect(Date.now() - (await lastUsed(id))!.getTime()).toBeLessThan(30_000);

    await asOwner(acme, () => touchApiKey(foreign.id));
    expect(await lastUsed(foreign.id)).toBeNull();
  });
});
