import { redirect } from 'next/navigation';
import { cache } from 'react';

import { userSession } from '../tenancy/definer-functions';
import { auth } from './config';

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  /** Workspaces open only once the address is verified (lib/auth/entry.ts); the account page does not need it. */
  emailVerified: boolean;
}

/**
 * The signed-in user, or null. Checked against the database on every request (once per request,
 * thanks to React's cache): a token whose session version is behind the user's — after sign-out
 * everywhere, a password change or a removal — no longer counts.
 */
const sessionUser = cache(async (): Promise<{ user: SignedInUser; pending?: { nonce: string; since: number } } | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const record = await userSession(id);
  if (!record || record.sessionVersion !== session.sessionVersion) return null;
  return { user: { id, email: record.email, name: record.name, emailVerified: record.emailVerified }, pending: session.twoFactorPending };
});

/**
 * The signed-in user, or null. A session that still owes its second factor (two-factor step-up,
 * lib/auth/two-factor) is not signed in: it reaches no page, action or route that asks for a user.
 */
export const currentUser = cache(async (): Promise<SignedInUser | null> => {
  const found = await sessionUser();
  return found && !found.pending ? found.user : null;
});

/** How long a password (or GitHub) sign-in waits for its second factor before it must start again. */
export const PENDING_TWO_FACTOR_MS = 10 * 60 * 1000;

export interface PendingTwoFactor {
  user: SignedInUser;
  nonce: string;
}

/** The person half-way through signing in (first factor done, code owed), or null. */
export const pendingTwoFactor = cache(async (): Promise<PendingTwoFactor | null> => {
  const found = await sessionUser();
  if (!found?.pending || !found.pending.nonce) return null;
  if (Date.now() - found.pending.since > PENDING_TWO_FACTOR_MS) return null;
  return { user: found.user, nonce: found.pending.nonce };
});

/**
 * The signed-in user; otherwise to the sign-in page — or, half-way through a two-factor sign-in,
 * to the code page — coming back to `returnTo` afterwards.
 */
export async function requireUser(returnTo = '/tenants'): Promise<SignedInUser> {
  const user = await currentUser();
  if (user) return user;
  if (await pendingTwoFactor()) redirect(`/sign-in/two-factor?callbackUrl=${encodeURIComponent(returnTo)}`);
  redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
}
