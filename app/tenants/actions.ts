'use server';

import { redirect } from 'next/navigation';

import { newWorkspaceInput } from '@/lib/account/fields';
import { createWorkspace } from '@/lib/account/workspaces';
import { verifiedAction } from '@/lib/actions/user';

/** A signed-in user with a confirmed address opens another workspace and becomes its owner. */
export const createWorkspaceAction = verifiedAction({ signInFrom: '/tenants' }).action(newWorkspaceInput, async (input, { user }) => {
  redirect(`/t/${await createWorkspace(user, input)}`);
});
