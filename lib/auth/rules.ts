import type { MembershipRole } from '../tenancy/context';
import { can } from './permissions';

// Actor-vs-target rules the matrix cannot express. Each returns a reason when the change is not
// allowed, or undefined when it is.

export interface RoleChange {
  actorRole: MembershipRole;
  actorIsTarget: boolean;
  targetRole: MembershipRole;
  newRole: MembershipRole;
  ownerCount: number;
}

export function roleChangeRefusal(change: RoleChange): string | undefined {
  if (!can(change.actorRole, 'members.update_role')) return 'Only owners and admins can change roles.';
  if (change.targetRole === change.newRole) return undefined;
  if (change.actorRole !== 'owner' && (change.newRole === 'owner' || change.targetRole === 'owner')) {
    return 'Only an owner can grant or take away the owner role.';
  }
  if (change.targetRole === 'owner' && change.ownerCount <= 1) {
    return 'This is the last owner: make someone else an owner first.';
  }
  return undefined;
}

export interface Removal {
  actorRole: MembershipRole;
  actorIsTarget: boolean;
  targetRole: MembershipRole;
  ownerCount: number;
}

export function removalRefusal(removal: Removal): string | undefined {
  if (removal.targetRole === 'owner' && removal.ownerCount <= 1) {
    return removal.actorIsTarget
      ? 'You are the last owner: make someone else an owner before you leave.'
      : 'The last owner cannot be removed.';
  }
  if (removal.actorIsTarget) return undefined; // anyone may leave
  if (!can(removal.actorRole, 'members.remove')) return 'Only owners and admins can remove members.';
  if (removal.targetRole === 'owner' && removal.actorRole !== 'owner') return 'Only an owner can remove another owner.';
  return undefined;
}
