import { newToken, removalRefusal, roleChangeRefusal } from '../auth';
import { assertQuota } from '../billing';
import { AppError } from '../errors';
import { appUrl } from '../mail';
import { sendLater } from '../mail/later';
import { audit, controlPlaneDb, currentTenant, type MembershipRole } from '../tenancy';

// Members and invitations of the tenant in context. No function here takes a tenant: the context
// (opened by the entry wrapper from the session) decides, and the tenant client enforces it.

const INVITATION_DAYS = 7;
/**
 * Invitation mail carries text the tenant chose (its name) to an address the inviter typed: without
 * a cap a workspace is a free mail cannon. Per inviting member and per workspace, over 24 hours.
 */
export const INVITATIONS_PER_MEMBER_PER_DAY = 20;
export const INVITATIONS_PER_TENANT_PER_DAY = 100;

export async function listMembers() {
  const members = await controlPlaneDb().membership.findMany({
    include: { user: { select: { id: true, name: true, email: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return members.map((m) => ({ userId: m.userId, role: m.role, joinedAt: m.createdAt, name: m.user.name, email: m.user.email }));
}

export async function listPendingInvitations() {
  return controlPlaneDb().invitation.findMany({
    where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  });
}

/** The owners, locked for the rest of the transaction: two owners demoting each other at once
 *  must not leave the tenant with none. */
async function lockedOwnerCount(): Promise<number> {
  const owners = await controlPlaneDb().$queryRaw<{ user_id: string }[]>`SELECT user_id FROM memberships WHERE role = 'owner' FOR UPDATE`;
  return owners.length;
}

/**
 * The member a role change or removal is about, with the owner count locked first (so two
 * concurrent changes cannot both leave the workspace without an owner); 404 if not a member.
 */
async function targetMember(tx: Tx, userId: string) {
  const ownerCount = await lockedOwnerCount();
  const target = await tx.membership.findFirst({ where: { userId } });
  if (!target) throw new AppError('not_found', 'No such member.');
  return { target, ownerCount };
}

export async function inviteMember(input: { email: string; role: MembershipRole }): Promise<{ email: string }> {
  const actor = currentTenant();
  if (input.role === 'owner' && actor.role !== 'owner') {
    throw new AppError('forbidden', 'Only an owner can invite another owner.', { role: ['Only an owner can invite another owner.'] });
  }
  const { token, hash } = newToken();
  const tenant = await controlPlaneDb().$transaction(async (tx) => {
    const existing = await tx.user.findFirst({ where: { email: input.email }, select: { id: true } });
    if (existing) throw new AppError('conflict', 'Already a member.', { email: ['This person is already a member of this workspace.'] });
    await assertInvitationBudget(tx, actor.actorId);
    await tx.invitation.updateMany({ where: { email: input.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    await assertQuota(tx, 'members');
    const invitation = await tx.invitation.create({
      data: {
        email: input.email,
        role: input.role,
        tokenHash: hash,
        invitedBy: actor.actorId,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 60 * 60 * 1000),
      },
    });
    await audit({
      action: 'member.invited',
      targetType: 'invitation',
      targetId: invitation.id,
      metadata: { email: input.email, role: input.role },
    });
    return tx.tenant.findFirstOrThrow({ select: { name: true } });
  });
  const link = appUrl(`/invite/${token}`);
  sendLater({
    to: input.email,
    subject: `You are invited to ${tenant.name} on Bulkhead`,
    text: `${actor.actorLabel ?? 'A colleague'} invited you to join ${tenant.name} as ${input.role}.\n\nAccept: ${link}\n\nThe link works once and expires in ${INVITATION_DAYS} days.`,
    link,
  });
  return { email: input.email };
}

type Tx = Parameters<Parameters<ReturnType<typeof controlPlaneDb>['$transaction']>[0]>[0];

/** Refuses a 21st invitation by the same member, or a 101st in the workspace, within 24 hours. */
async function assertInvitationBudget(tx: Tx, inviterId: string | undefined): Promise<void> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  // Serialise the count and the insert for this tenant: parallel invitations cannot all pass a count.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('invitations:' || bulkhead.current_tenant_id()::text, 0))`;
  const [byMember, byTenant] = await Promise.all([
    inviterId ? tx.invitation.count({ where: { invitedBy: inviterId, createdAt: { gte: since } } }) : Promise.resolve(0),
    tx.invitation.count({ where: { createdAt: { gte: since } } }),
  ]);
  if (byMember >= INVITATIONS_PER_MEMBER_PER_DAY) {
    throw new AppError(
      'rate_limited',
      `You have sent ${INVITATIONS_PER_MEMBER_PER_DAY} invitations in the last 24 hours, the most one member may. Try again tomorrow.`,
    );
  }
  if (byTenant >= INVITATIONS_PER_TENANT_PER_DAY) {
    throw new AppError(
      'rate_limited',
      `This workspace has sent ${INVITATIONS_PER_TENANT_PER_DAY} invitations in the last 24 hours, the most it may. Try again tomorrow.`,
    );
  }
}

export async function revokeInvitation(invitationId: string): Promise<void> {
  await controlPlaneDb().$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitationId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new AppError('not_found', 'No such invitation.');
    await audit({ action: 'member.invitation_revoked', targetType: 'invitation', targetId: invitationId });
  });
}

export async function changeRole(input: { userId: string; role: MembershipRole }): Promise<void> {
  const actor = currentTenant();
  await controlPlaneDb().$transaction(async (tx) => {
    const { target, ownerCount } = await targetMember(tx, input.userId);
    const refusal = roleChangeRefusal({
      actorRole: actor.role!,
      actorIsTarget: target.userId === actor.actorId,
      targetRole: target.role,
      newRole: input.role,
      ownerCount,
    });
    if (refusal) throw new AppError('forbidden', refusal);
    if (target.role === input.role) return;
    await tx.membership.updateMany({ where: { userId: input.userId }, data: { role: input.role } });
    await audit({
      action: 'member.role_changed',
      targetType: 'user',
      targetId: input.userId,
      metadata: { from: target.role, to: input.role },
    });
  });
}

/** Removes a member (or, with the actor's own id, leaves). Access ends on their next request. */
export async function removeMember(input: { userId: string }): Promise<void> {
  const actor = currentTenant();
  await controlPlaneDb().$transaction(async (tx) => {
    const { target, ownerCount } = await targetMember(tx, input.userId);
    const leaving = target.userId === actor.actorId;
    const refusal = removalRefusal({ actorRole: actor.role!, actorIsTarget: leaving, targetRole: target.role, ownerCount });
    if (refusal) throw new AppError('forbidden', refusal);
    await tx.membership.deleteMany({ where: { userId: input.userId } });
    // What they set in motion leaves with them, in the same transaction: their API keys (which
    // would otherwise come back to life if they were invited again) and the invitations they sent.
    const now = new Date();
    const keys = await tx.apiKey.updateMany({ where: { createdBy: input.userId, revokedAt: null }, data: { revokedAt: now } });
    const invitations = await tx.invitation.updateMany({
      where: { invitedBy: input.userId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    await audit({
      action: leaving ? 'member.left' : 'member.removed',
      targetType: 'user',
      targetId: input.userId,
      metadata: { role: target.role, apiKeysRevoked: keys.count, invitationsRevoked: invitations.count },
    });
  });
}
