import { AppError } from '../errors';
import { hashPassword, verifyPassword } from '../auth/password';
import { newToken } from '../auth/tokens';
import { appUrl, mailer } from '../mail';
import {
  createPasswordResetToken,
  redeemAccountToken,
  requestEmailChange,
  revokeSessions,
  setPassword,
  userForSignIn,
} from '../tenancy/lookups';

// A person's own account: password, email, sessions. These are about the user, not a tenant, so
// they go through the SECURITY DEFINER functions rather than a tenant client.

const RESET_MINUTES = 60;
const EMAIL_CHANGE_HOURS = 24;

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
  await mailer().send({
    to: newEmail,
    subject: 'Confirm your new email address for Bulkhead',
    text: `Confirm that ${newEmail} is your new sign-in address: ${link}\n\nThe link works once, for ${EMAIL_CHANGE_HOURS} hours. If you did not ask for this, ignore this message.`,
    link,
  });
}

export async function confirmEmailChange(token: string): Promise<void> {
  await redeemAccountToken(token, 'email_change');
}

/** Sends a reset link if an account has this email. The caller answers the same either way. */
export async function requestPasswordReset(email: string): Promise<void> {
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
}

export async function resetPassword(tokenHash: string, password: string): Promise<void> {
  await redeemAccountToken(tokenHash, 'password_reset', await hashPassword(password));
}

export async function signOutEverywhere(userId: string): Promise<void> {
  await revokeSessions(userId);
}
