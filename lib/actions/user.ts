import { redirect } from 'next/navigation';

import { VERIFY_EMAIL_FIRST } from '../auth/entry';
import { currentUser, type SignedInUser } from '../auth/session';
import { publicActionWith, refusal, type ActionClient } from './client';

// The signed-in rung of the action builder (lib/actions/client.ts): the user from the session,
// and — for anything that hands out access — a verified address.

type WithUser = { user: SignedInUser };

/**
 * Actions of a signed-in user. Without a session the form says so — or, with `signInFrom`, the
 * person is sent to sign in and brought back to that page.
 */
export function signedInAction<Bound extends unknown[] = []>(options: { signInFrom?: string } = {}): ActionClient<WithUser, Bound> {
  return publicActionWith<Bound>().use(async () => {
    const user = await currentUser();
    if (user) return { user };
    if (options.signInFrom) redirect(`/sign-in?callbackUrl=${encodeURIComponent(options.signInFrom)}`);
    return refusal('unauthorized', 'Your session has ended. Sign in again.');
  });
}

/** Actions that open or join workspaces: the address must be confirmed first. */
export function verifiedAction<Bound extends unknown[] = []>(options: { signInFrom?: string } = {}): ActionClient<WithUser, Bound> {
  return signedInAction<Bound>(options).use(async (context) =>
    context.user.emailVerified ? context : refusal('forbidden', VERIFY_EMAIL_FIRST),
  );
}
