'use server';

import { redirect } from 'next/navigation';

import { invitedAccountInput } from '@/lib/account/fields';
import { acceptInvitation, signUpThroughInvitation } from '@/lib/account/invitations';
import { noInput, publicActionWith, refusal } from '@/lib/actions/client';
import { signIn } from '@/lib/auth/config';
import { currentUser } from '@/lib/auth/session';

/** A signed-in user whose email matches the invitation joins the tenant. */
export const acceptInviteAction = publicActionWith<[token: string]>()
  .use(async () => {
    const user = await currentUser();
    return user ? { user } : refusal('unauthorized', 'Sign in first.');
  })
  .action(noInput, async (_input, { user }, [token]) => {
    redirect(`/t/${await acceptInvitation(token, user)}`);
  });

/** Someone without an account signs up through the invitation, with the invited email. */
export const signUpInvitedAction = publicActionWith<[token: string]>().action(invitedAccountInput, async (input, _context, [token]) => {
  const created = await signUpThroughInvitation(token, input);
  await signIn('credentials', { email: created.email, password: input.password, redirectTo: `/t/${created.tenantSlug}` });
});
