import { hashPassword, hashToken, isTokenShaped, mailFormAttempt, newToken, tooManyRequestsMessage, verifyPassword } from '../auth';
import { AppError, type ErrorCode } from '../errors';
import { appUrl, mailer } from '../mail';
import { runLater, sendLater } from '../mail/later';
import {
  createPasswordResetToken,
  createVerificationToken,
  redeemAccountToken,
  requestEmailChange,
  revokeSessions,
  setPassword,
  signUpPending,
  TokenRefusedError,
  UniqueTakenError,
  userForSignIn,
} from '../tenancy/definer-functions';

// A person's own account: sign-up, verification, password, email, sessions. These are about the
// user, not a tenant, so they go through the SECURITY DEFINER functions rather than a tenant
// client. Mail leaves after the answer (lib/mail/later.ts), and the forms that mail an address
// someone typed answer the same whether or not it has an account.

const RESET_MINUTES = 60;
const EMAIL_CHANGE_HOURS = 24;
const VERIFY_HOURS = 24;

/** The answer to a link that cannot be used (any reason: the person can only ask for a new one). */
export const LINK_REFUSED = new TokenRefusedError('unusable').message;

/** The hash of a token from a link, or the "no longer valid" refusal for anything that cannot be one. */
export function tokenHashOf(token: string, refused = LINK_REFUSED, code: ErrorCode = 'bad_request'): string {
  if (!isTokenShaped(token)) throw new AppError(code, refused);
  return hashToken(token);
}

/** Runs `work`, turning the definer functions' refusals into what the person is told. */
export async function refusing<T>(work: () => Promise<T>, messages: { token?: string; taken?: AppError } = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TokenRefusedError) throw new AppError('bad_request', messages.token ?? error.message);
    if (error instanceof UniqueTakenError && messages.taken) throw messages.taken;
    throw error;
  }
}

/** A workspace address someone else holds: said on the address field. */
export const slugTaken = () => new AppError('conflict', 'This address is taken.', { slug: ['This address is taken. Choose another.'] });

function refuseIfLimited(decision: Awaited<ReturnType<typeof mailFormAttempt>>): boolean {
  if (decision.outcome === 'refused') throw new AppError('rate_limited', tooManyRequestsMessage(decision.retryAfterSeconds));
  return decision.outcome === 'send';
}

export interface SignUpInput {
  email: string;
  name: string;
  password: string;
  workspace: string;
  slug: string;
}

/**
 * Verify-first sign-up. A new address gets its account, its workspace and a verification link; an
 * address that already has an account gets a message saying someone tried to register it, with
 * the ways back in. The caller answers both the same ("check your inbox"); the password is hashed
 * either way so the two take the same time. A taken workspace address is refused (a conflict on the
 * slug field) before the email is looked at.
 */
export async function signUp(input: SignUpInput, address: string): Promise<void> {
  const send = refuseIfLimited(await mailFormAttempt('sign_up', input.email, address));
  const passwordHash = await hashPassword(input.password);
  const { token, hash } = newToken();
  const result = await refusing(
    () =>
      signUpPending({
        email: input.email,
        name: input.name,
        passwordHash,
        tenantName: input.workspace,
        slug: input.slug,
        tokenHash: hash,
        expiresAt: new Date(Date.now() + VERIFY_HOURS * 3600_000),
      }),
    { taken: slugTaken() },
  );
  if (!send) return;
  if (result.created) {
    const link = appUrl(`/verify-email/${token}`);
    sendLater({
      to: input.email,
      subject: 'Confirm your email address for Bulkhead',
      text: `Hello ${input.name},\n\nConfirm that ${input.email} is your address to open your workspace “${input.workspace}”: ${link}\n\nThe link works once, for ${VERIFY_HOURS} hours. If you did not sign up for Bulkhead, ignore this message: nothing happens without it.`,
      link,
    });
  } else {
    const link = appUrl('/forgot-password');
    sendLater({
      to: input.email,
      subject: 'Someone tried to sign up for Bulkhead with your address',
      text: `Hello${result.name ? ` ${result.name}` : ''},\n\nSomeone tried to create a Bulkhead account with ${input.email}, which already has one. Nothing was changed.\n\nIf it was you: sign in at ${appUrl('/sign-in')}, or choose a new password at ${link}.\nIf it was not you, you can ignore this message.`,
      link,
    });
  }
}

/** A new verification link for the signed-in user (earlier ones stop working). */
export async function resendVerification(user: { id: string; email: string }, address: string): Promise<void> {
  const send = refuseIfLimited(await mailFormAttempt('verify_email', user.email, address));
  if (!send)
    throw new AppError('rate_limited', 'We have sent several links to this address in the last hour. Use the newest, or try again later.');
  const { token, hash } = newToken();
  const account = await createVerificationToken(user.id, hash, new Date(Date.now() + VERIFY_HOURS * 3600_000));
  if (!account) return; // verified meanwhile
  const link = appUrl(`/verify-email/${token}`);
  sendLater({
    to: account.email,
    subject: 'Confirm your email address for Bulkhead',
    text: `Hello${account.name ? ` ${account.name}` : ''},\n\nConfirm that ${account.email} is your address: ${link}\n\nThe link works once, for ${VERIFY_HOURS} hours; earlier links no longer work.`,
    link,
  });
}

/** Redeems a verification link (single use, expiring, only for the address it was sent to). */
export async function confirmEmailAddress(token: string): Promise<{ userId: string }> {
  const { userId } = await refusing(() => redeemAccountToken(tokenHashOf(token), 'email_verify'), {
    token: 'This link is no longer valid: it was used already, it expired, or a newer one was sent. Sign in to ask for a new one.',
  });
  return { userId };
}

export async function changePassword(user: { id: string; email: string }, current: string, next: string): Promise<void> {
  const record = await userForSignIn(user.email);
  if (!record || !(await verifyPassword(record.passwordHash, current))) {
    throw new AppError('validation_failed', 'Current password is wrong.', { currentPassword: ['This is not your current password.'] });
  }
  await setPassword(user.id, await hashPassword(next)); // bumps the session version: every session ends
}

export async function startEmailChange(user: { id: string; email: string }, newEmail: string, password: string): Promise<void> {
  const record = await userForSignIn(user.email);
  if (!record || !(await verifyPassword(record.passwordHash, password))) {
    throw new AppError('validation_failed', 'Password is wrong.', { password: ['This is not your current password.'] });
  }
  if (newEmail === user.email) throw new AppError('validation_failed', 'Same email.', { email: ['This is already your email address.'] });
  const { token, hash } = newToken();
  await requestEmailChange(user.id, newEmail, hash, new Date(Date.now() + EMAIL_CHANGE_HOURS * 3600_000));
  const link = appUrl(`/confirm-email/${token}`);
  sendLater({
    to: newEmail,
    subject: 'Confirm your new email address for Bulkhead',
    text: `Confirm that ${newEmail} is your new sign-in address: ${link}\n\nThe link works once, for ${EMAIL_CHANGE_HOURS} hours. If you did not ask for this, ignore this message.`,
    link,
  });
}

/**
 * Confirms an email change (a POST from the link's page: mail scanners that open links must not
 * confirm anything). Every session and every other open token of the account ends, and the old
 * address is told, so a change made by someone else is noticed by the person who can undo it.
 */
export async function confirmEmailChange(token: string): Promise<void> {
  const { oldEmail, newEmail } = await refusing(() => redeemAccountToken(tokenHashOf(token), 'email_change'), {
    taken: new AppError('conflict', 'Another account already uses that address.'),
  });
  if (oldEmail === newEmail) return;
  sendLater({
    to: oldEmail,
    subject: 'Your Bulkhead sign-in address has changed',
    text: `The sign-in address of your Bulkhead account changed from ${oldEmail} to ${newEmail}, and every session was signed out.\n\nIf you did not do this, someone else has access to your account or to ${newEmail}: contact your workspace owner or support at once.`,
  });
}

/** Sends a reset link if an account has this email. The caller answers the same either way. */
export async function requestPasswordReset(email: string, address: string): Promise<void> {
  const send = refuseIfLimited(await mailFormAttempt('password_reset', email, address));
  if (!send) return;
  // Whether a token is written depends on whether the account exists, so it is written after the
  // answer (lib/mail/later.ts): the request costs the same for every address.
  runLater('a password reset', async () => {
    const { token, hash } = newToken();
    const account = await createPasswordResetToken(email, hash, new Date(Date.now() + RESET_MINUTES * 60_000));
    if (!account) return;
    const link = appUrl(`/reset-password/${token}`);
    await mailer().send({
      to: email,
      subject: 'Reset your Bulkhead password',
      text: `Hello${account.name ? ` ${account.name}` : ''},\n\nChoose a new password: ${link}\n\nThe link works once, for ${RESET_MINUTES} minutes. If you did not ask for this, ignore this message.`,
      link,
    });
  });
}

export async function resetPassword(token: string, password: string): Promise<void> {
  const tokenHash = tokenHashOf(token);
  await refusing(async () => redeemAccountToken(tokenHash, 'password_reset', await hashPassword(password)));
}

export async function signOutEverywhere(userId: string): Promise<void> {
  await revokeSessions(userId);
}
