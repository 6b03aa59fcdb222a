import { redirect } from 'next/navigation';
import { cache } from 'react';
import { userSession } from '../tenancy/lookups';
import { auth } from './config';

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * The signed-in user, or null. Checked against the database on every request (once per request,
 * thanks to React's cache): a token whose session version is behind the user's — after sign-out
 * everywhere, a password change or a removal — no longer counts.
 */
export const currentUser = cache(async (): Promise<SignedInUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const record = await userSession(id);
  if (!record || record.sessionVersion !== session.sessionVersion) return null;
  return { id, email: record.email, name: record.name };
});

/** The signed-in user; otherwise to the sign-in page, coming back to `returnTo` afterwards. */
export async function requireUser(returnTo = '/tenants'): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
