import { describe, expect, it } from 'vitest';

import type { MembershipRole } from '../tenancy/context';
import { can, PERMISSIONS, type Permission } from './permissions';
import { removalRefusal, roleChangeRefusal } from './rules';

// The matrix written out by hand as the specification (O = owner, A = admin, M = member,
// V = viewer). The implementation builds its sets differently; this table is what it must equal.
const SPEC: Record<Permission, string> = {
  'dashboard.view': 'OAMV',
  'revenue.view': 'OA',
  'orders.view': 'OAMV',
  'orders.create': 'OAM',
  'orders.update': 'OAM',
  'orders.pay': 'OAM',
  'orders.refund': 'OA',
  'orders.cancel': 'OAM',
  'customers.view': 'OAMV',
  'customers.create': 'OAM',
  'customers.update': 'OAM',
  'customers.archive': 'OA',
  'products.view': 'OAMV',
  'products.create': 'OA',
  'products.update': 'OA',
  'products.archive': 'OA',
  'reports.view': 'OA',
  'reports.export': 'OA',
  'members.view': 'OAMV',
  'members.invite': 'OA',
  'members.update_role': 'OA',
  'members.remove': 'OA',
  'audit.view': 'OA',
  'settings.view': 'OA',
  'settings.update': 'OA',
  'billing.view': 'OA',
  'billing.update': 'O',
  'api_keys.manage': 'OA',
};

const LETTER: Record<MembershipRole, string> = { owner: 'O', admin: 'A', member: 'M', viewer: 'V' };
const cases = PERMISSIONS.flatMap((permission) =>
  (Object.keys(LETTER) as MembershipRole[]).map((role) => ({ role, permission, allowed: SPEC[permission].includes(LETTER[role]) })),
);

describe('the permission matrix', () => {
  it('covers every permission in the specification', () => {
    expect(Object.keys(SPEC).sort()).toEqual([...PERMISSIONS].sort());
  });

  it.each(cases)('$role → $permission: allowed=$allowed', ({ role, permission, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it('no role means no permission', () => {
    expect(PERMISSIONS.some((p) => can(undefined, p))).toBe(false);
  });
});

describe('actor-vs-target rules', () => {
  it.each([
    // actor, target, new role, owners, refusal (undefined = allowed)
    ['owner', 'member', 'admin', 1, undefined],
    ['owner', 'member', 'owner', 1, undefined],
    ['owner', 'owner', 'admin', 2, undefined],
    ['owner', 'owner', 'admin', 1, 'last owner'],
    ['admin', 'member', 'admin', 1, undefined],
    ['admin', 'viewer', 'member', 1, undefined],
    ['admin', 'member', 'owner', 1, 'Only an owner can grant'],
    ['admin', 'owner', 'member', 2, 'Only an owner can grant'],
    ['member', 'viewer', 'member', 1, 'Only owners and admins'],
    ['viewer', 'viewer', 'admin', 1, 'Only owners and admins'],
  ] as const)('%s changing a %s to %s with %i owner(s)', (actorRole, targetRole, newRole, ownerCount, refusal) => {
    const result = roleChangeRefusal({ actorRole, targetRole, newRole, ownerCount, actorIsTarget: false });
    if (refusal === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(refusal);
  });

  it.each([
    ['owner', 'member', false, 1, undefined],
    ['owner', 'owner', false, 2, undefined],
    ['owner', 'owner', true, 1, 'last owner'],
    ['owner', 'owner', false, 1, 'last owner'],
    ['admin', 'owner', false, 2, 'Only an owner can remove another owner'],
    ['admin', 'member', false, 1, undefined],
    ['member', 'viewer', false, 1, 'Only owners and admins'],
    ['member', 'member', true, 1, undefined],
    ['viewer', 'viewer', true, 1, undefined],
  ] as const)('%s removing a %s (self: %s) with %i owner(s)', (actorRole, targetRole, actorIsTarget, ownerCount, refusal) => {
    const result = removalRefusal({ actorRole, targetRole, actorIsTarget, ownerCount });
    if (refusal === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(refusal);
  });
});
