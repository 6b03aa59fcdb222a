import type { MembershipRole } from '../tenancy/context';

// One permission matrix, read by the server wrappers (the permission is a required argument of
// every tenant entry point), by the UI's <Can> (to hide what a role cannot do) and later by API-key
// scopes. Rules that compare the actor with the target (an admin cannot grant owner) live in
// ./rules.ts, beside it.

export const PERMISSIONS = [
  'dashboard.view',
  'revenue.view',
  'orders.view',
  'orders.create',
  'orders.update',
  'orders.pay',
  'orders.refund',
  'orders.cancel',
  'customers.view',
  'customers.create',
  'customers.update',
  'customers.archive',
  'products.view',
  'products.create',
  'products.update',
  'products.archive',
  'reports.view',
  'reports.export',
  'members.view',
  'members.invite',
  'members.update_role',
  'members.remove',
  'audit.view',
  'settings.view',
  'settings.update',
  'billing.view',
  'billing.update',
  'api_keys.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const ROLES: readonly MembershipRole[] = ['owner', 'admin', 'member', 'viewer'];

const VIEWER: Permission[] = ['dashboard.view', 'orders.view', 'customers.view', 'products.view', 'members.view'];
const MEMBER: Permission[] = [
  ...VIEWER,
  'orders.create',
  'orders.update',
  'orders.pay',
  'orders.cancel',
  'customers.create',
  'customers.update',
];
const ADMIN: Permission[] = PERMISSIONS.filter((p) => p !== 'billing.update');

export const ROLE_PERMISSIONS: Readonly<Record<MembershipRole, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(ADMIN),
  member: new Set(MEMBER),
  viewer: new Set(VIEWER),
};

/**
 * What an API key's scope allows. A key also never exceeds its creator's current role: the API
 * wrapper requires both (`canWithKey`).
 */
export type ApiKeyScope = 'read' | 'read_write';
const READ_SCOPE: Permission[] = ['orders.view', 'customers.view', 'products.view', 'reports.view', 'revenue.view'];
export const SCOPE_PERMISSIONS: Readonly<Record<ApiKeyScope, ReadonlySet<Permission>>> = {
  read: new Set(READ_SCOPE),
  read_write: new Set<Permission>([
    ...READ_SCOPE,
    'orders.create',
    'orders.update',
    'orders.pay',
    'orders.refund',
    'orders.cancel',
    'customers.create',
    'customers.update',
    'products.create',
    'products.update',
  ]),
};

export function canWithKey(scope: ApiKeyScope, creatorRole: MembershipRole, permission: Permission): boolean {
  return SCOPE_PERMISSIONS[scope].has(permission) && can(creatorRole, permission);
}

export function can(role: MembershipRole | undefined, permission: Permission): boolean {
  return role !== undefined && ROLE_PERMISSIONS[role].has(permission);
}

const FORBIDDEN_MESSAGES: Partial<Record<Permission, string>> = {
  'billing.update': 'Only an owner can change the plan.',
  'members.invite': 'Only owners and admins can invite people.',
  'members.update_role': 'Only owners and admins can change roles.',
  'members.remove': 'Only owners and admins can remove members.',
  'revenue.view': 'Revenue figures are visible to owners and admins.',
};

/** What to tell someone whose role lacks `permission` (inside their own tenant: a 403). */
export function forbiddenMessage(permission: Permission): string {
  return FORBIDDEN_MESSAGES[permission] ?? `Your role does not allow this (${permission}). Ask an owner or admin.`;
}
