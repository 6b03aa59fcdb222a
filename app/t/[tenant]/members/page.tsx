import type { Metadata } from 'next';

import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { InviteForm, RoleForm } from '@/components/members/member-forms';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
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
  return orUnavailable(
    tenantPage(slug, 'members.view', async (access) => {
      const [members, invitations] = await Promise.all([
        listMembers(),
        can(access.role, 'members.invite') ? listPendingInvitations() : Promise.resolve([]),
      ]);
      const ownerCount = members.filter((m) => m.role === 'owner').length;
      return (
        <div className="max-w-4xl">
          <PageHeader title="Members" description="People who can work in this workspace, and what they may do." />

          {can(access.role, 'members.invite') ? (
            <Card className="mt-8">
              <CardHeader>
                <CardTitle>Invite someone</CardTitle>
              </CardHeader>
              <CardContent>
                <InviteForm action={inviteAction.bind(null, slug)} canInviteOwner={access.role === 'owner'} />
              </CardContent>
            </Card>
          ) : null}

          <div className="mt-8">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Person</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {members.map((member) => {
                  const self = member.userId === access.user.id;
                  const assignable = ROLES.filter(
                    (r) =>
                      !roleChangeRefusal({ actorRole: access.role, actorIsTarget: self, targetRole: member.role, newRole: r, ownerCount }),
                  );
                  return (
                    <TableRow key={member.userId} data-testid="member-row">
                      <TableCell className="py-3">
                        <p className="font-medium text-foreground">{member.name ?? member.email}</p>
                        <p className="text-xs text-muted-foreground">{member.email}</p>
                      </TableCell>
                      <TableCell className="py-3">
                        {can(access.role, 'members.update_role') && assignable.length > 1 ? (
                          <RoleForm
                            action={changeRoleAction.bind(null, slug)}
                            userId={member.userId}
                            role={member.role}
                            assignable={assignable}
                            label={member.email}
                          />
                        ) : (
                          <span className="capitalize" data-testid="member-role">
                            {member.role}
                          </span>
                        )}
                      </TableCell>
                      <TableCell className="py-3 text-right">
                        {self ? (
                          <ConfirmButtonForm
                            action={leaveAction.bind(null, slug)}
                            fields={{}}
                            label="Leave"
                            confirm="Leave this workspace? You will lose access at once."
                            variant="outline"
                          />
                        ) : can(access.role, 'members.remove') ? (
                          <ConfirmButtonForm
                            action={removeMemberAction.bind(null, slug)}
                            fields={{ userId: member.userId }}
                            label="Remove"
                            confirm={`Remove ${member.email}? They lose access at once.`}
                          />
                        ) : null}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>

          {invitations.length > 0 ? (
            <section className="mt-10">
              <h2 className="font-semibold text-foreground">Pending invitations</h2>
              <ul className="mt-3 divide-y text-sm">
                {invitations.map((invitation) => (
                  <li key={invitation.id} className="flex items-center justify-between py-3">
                    <span>
                      {invitation.email}{' '}
                      <span className="text-muted-foreground">
                        as {invitation.role}, expires {invitation.expiresAt.toISOString().slice(0, 10)}
                      </span>
                    </span>
                    <ConfirmButtonForm
                      action={revokeInvitationAction.bind(null, slug)}
                      fields={{ invitationId: invitation.id }}
                      label="Withdraw"
                      confirm={`Withdraw the invitation to ${invitation.email}?`}
                      variant="outline"
                    />
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      );
    }),
    'page',
  );
}
