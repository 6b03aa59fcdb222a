import { hashPassword, hashToken, isTokenShaped } from '../auth';
import { AppError } from '../errors';
import { acceptInvitation as accept, invitationByToken, signUpInvited, type InvitationPreview } from '../tenancy/definer-functions';
import { refusing, tokenHashOf } from './service';

// Invitations from the invitee's side (the tenant's side — inviting, revoking — is lib/members).
// The token in the link is the only credential; the definer functions check it against the
// invited address and use it once.

const NOT_AN_INVITATION = 'This invitation link is not valid.';

/**
 * What the invitation page shows before anyone acts on it: the workspace, the invited address, and
 * whether it was used, withdrawn or has expired. Nothing for a link that is not an invitation.
 */
export async function invitationFromLink(token: string): Promise<InvitationPreview | undefined> {
  return isTokenShaped(token) ? invitationByToken(hashToken(token)) : undefined;
}

/** A signed-in user whose address matches the invitation joins its tenant; the tenant's slug. */
export async function acceptInvitation(token: string, user: { id: string }): Promise<string> {
  const tokenHash = invitationHashOf(token);
  return refusing(() => accept(tokenHash, user.id));
}

/** Someone without an account signs up through the invitation, with the invited address. */
export async function signUpThroughInvitation(
  token: string,
  input: { name: string; password: string },
): Promise<{ email: string; tenantSlug: string }> {
  const tokenHash = invitationHashOf(token);
  const passwordHash = await hashPassword(input.password);
  return refusing(() => signUpInvited({ tokenHash, name: input.name, passwordHash }), {
    taken: new AppError('conflict', 'An account with this email already exists: sign in to accept.'),
  });
}

const invitationHashOf = (token: string) => tokenHashOf(token, NOT_AN_INVITATION, 'not_found');
