import type { Metadata } from 'next';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { InviteForm, RoleForm } from '@/components/members/member-forms';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { roleChangeRefusal } from '@/lib/auth/rules';
import { listMembers, listPendingInvitations } from '@/lib/members/service';
import { changeRoleAction, inviteAction, leaveAction, removeMemberAction, revokeInvitationAction } from './actions';

export const metadata: Metadata = { title: 'Members' };

const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

export default async function MembersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(tenantPage(slug, 'members.view', async (access) => {
    const [members, invitations] = await Promise.all([listMembers(), can(access.role, 'members.invite') ? listPendingInvitations() : Promise.resolve([])]);
    const ownerCount = members.filter((m) => m.role === 'owner').length;
    return (
      <div className="max-w-4xl">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Members</h1>
        <p className="mt-1 text-sm text-slate-600">People who can work in this workspace, and what they may do.</p>

        {can(access.role, 'members.invite') ? (
          <section className="mt-8 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 className="font-semibold text-slate-900">Invite someone</h2>
            <div className="mt-4">
              <InviteForm action={inviteAction.bind(null, slug)} canInviteOwner={access.role === 'owner'} />
            </div>
          </section>
        ) : null}

        <table className="mt-8 w-full text-left text-sm">
          <thead className="text-xs text-slate-500 uppercase">
            <tr>
              <th className="py-2">Person</th>
              <th className="py-2">Role</th>
              <th className="py-2 text-right">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {members.map((member) => {
              const self = member.userId === access.user.id;
              const assignable = ROLES.filter(
                (r) => !roleChangeRefusal({ actorRole: access.role, actorIsTarget: self, targetRole: member.role, newRole: r, ownerCount }),
              );
              return (
                <tr key={member.userId} data-testid="member-row">
                  <td className="py-3">
                    <p className="font-medium text-slate-900">{member.name ?? member.email}</p>
                    <p className="text-xs text-slate-500">{member.email}</p>
                  </td>
                  <td className="py-3">
                    {can(access.role, 'members.update_role') && assignable.length > 1 ? (
                      <RoleForm action={changeRoleAction.bind(null, slug)} userId={member.userId} role={member.role} assignable={assignable} label={member.email} />
                    ) : (
                      <span className="text-slate-700 capitalize" data-testid="member-role">
                        {member.role}
                      </span>
                    )}
                  </td>
                  <td className="py-3 text-right">
                    {self ? (
                      <ConfirmButtonForm action={leaveAction.bind(null, slug)} fields={{}} label="Leave" confirm="Leave this workspace? You will lose access at once." variant="secondary" />
                    ) : can(access.role, 'members.remove') ? (
                      <ConfirmButtonForm action={removeMemberAction.bind(null, slug)} fields={{ userId: member.userId }} label="Remove" confirm={`Remove ${member.email}? They lose access at once.`} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>

        {invitations.length > 0 ? (
          <section className="mt-10">
            <h2 className="font-semibold text-slate-900">Pending invitations</h2>
            <ul className="mt-3 divide-y divide-slate-200 text-sm">
              {invitations.map((invitation) => (
                <li key={invitation.id} className="flex items-center justify-between py-3">
                  <span>
                    {invitation.email} <span className="text-slate-500">as {invitation.role}, expires {invitation.expiresAt.toISOString().slice(0, 10)}</span>
                  </span>
                  <ConfirmButtonForm action={revokeInvitationAction.bind(null, slug)} fields={{ invitationId: invitation.id }} label="Withdraw" confirm={`Withdraw the invitation to ${invitation.email}?`} variant="secondary" />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    );
  }), 'page');
}
