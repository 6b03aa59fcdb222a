'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { changeRole, inviteMember, removeMember, revokeInvitation } from '@/lib/members/service';

const role = z.enum(['owner', 'admin', 'member', 'viewer'], { message: 'Choose a role.' });
const userId = z.uuid('Unknown member.');

export const inviteAction = tenantAction(
  { input: z.object({ email: z.string().trim().toLowerCase().email('Enter a valid email address.'), role }), permission: 'members.invite' },
  async (input, access) => {
    const result = await inviteMember(input);
    revalidatePath(`/t/${access.slug}/members`);
    return result;
  },
);

export const changeRoleAction = tenantAction(
  { input: z.object({ userId, role }), permission: 'members.update_role' },
  async (input, access) => {
    await changeRole(input);
    revalidatePath(`/t/${access.slug}`, 'layout');
  },
);

export const removeMemberAction = tenantAction({ input: z.object({ userId }), permission: 'members.remove' }, async (input, access) => {
  await removeMember(input);
  revalidatePath(`/t/${access.slug}/members`);
});

export const leaveAction = tenantAction({ input: z.object({}), permission: 'members.view' }, async (_input, access) => {
  await removeMember({ userId: access.user.id });
  redirect('/tenants');
});

export const revokeInvitationAction = tenantAction(
  { input: z.object({ invitationId: z.uuid('Unknown invitation.') }), permission: 'members.invite' },
  async (input, access) => {
    await revokeInvitation(input.invitationId);
    revalidatePath(`/t/${access.slug}/members`);
  },
);
