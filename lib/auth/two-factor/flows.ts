import { AppError } from '../../errors';
import {
  checkCode,
  codeRefusal,
  confirmEnrolment,
  disableTwoFactor,
  hasPassword,
  passwordMatches,
  recordStepUp,
  replaceRecoveryCodes,
  type CodeCheck,
} from './service';
import { guardedCode, tooManyCodesMessage } from './throttle';

// The signed-in person's own second factor, as the account forms use it. Every code is counted
// before it is checked (./throttle.ts), so these forms cannot be used to guess codes either; each
// refusal is an AppError the action builder shows on the right field.

const throttled = (seconds: number) => new AppError('rate_limited', tooManyCodesMessage(seconds));
const onField = (field: string, message: string) => new AppError('validation_failed', message, { [field]: [message] });

/** Enrolment, step 2: the first code proves the app has the secret; two-factor is on; the ten recovery codes. */
export async function confirmTwoFactor(user: { id: string }, code: string, address: string): Promise<string[]> {
  const result = await guardedCode(user.id, address, () => confirmEnrolment(user.id, code));
  if (result.outcome === 'throttled') throw throttled(result.retryAfterSeconds);
  if (result.outcome === 'invalid')
    throw onField('code', 'That code is not right. Check the time on your phone and enter the code it shows now.');
  return result.value;
}

async function guardedCheck(userId: string, address: string, raw: string, allowRecovery: boolean, before?: () => Promise<boolean>) {
  let refused: Extract<CodeCheck, { ok: false }> | undefined;
  let wrongPassword = false;
  const result = await guardedCode(userId, address, async () => {
    if (before && !(await before())) {
      wrongPassword = true;
      return undefined;
    }
    const check = await checkCode(userId, raw, { allowRecovery });
    if (check.ok) return check;
    refused = check;
    return undefined;
  });
  if (result.outcome === 'throttled') throw throttled(result.retryAfterSeconds);
  if (wrongPassword) throw onField('password', 'That is not your password.');
  if (result.outcome === 'invalid') return refused ?? { ok: false as const, reason: 'wrong' as const };
  return undefined;
}

/** New recovery codes (the old ones stop working); needs a current code from the app. */
export async function newRecoveryCodes(user: { id: string }, currentCode: string, address: string): Promise<string[]> {
  const refused = await guardedCheck(user.id, address, currentCode, false);
  if (refused) throw onField('currentCode', codeRefusal(refused, false));
  return replaceRecoveryCodes(user.id);
}

/** Two-factor off: the account's password (none for a GitHub-only account) and a code (or a recovery code). */
export async function turnOffTwoFactor(
  user: { id: string; email: string },
  input: { password?: string; code: string },
  address: string,
): Promise<void> {
  const needsPassword = await hasPassword(user.email);
  if (needsPassword && !input.password) throw onField('password', 'Enter your password.');
  const refused = await guardedCheck(user.id, address, input.code, true, () =>
    needsPassword ? passwordMatches(user.email, input.password ?? '') : Promise.resolve(true),
  );
  if (refused) throw onField('code', codeRefusal(refused, true));
  await disableTwoFactor(user.id);
}

/**
 * Step 2 of signing in for a person with two-factor on: a TOTP code (accepted once) or a recovery
 * code (single use), throttled like passwords. A right code records a one-time pass for this
 * session's nonce (the session update then claims it); returns how the person got in.
 */
export async function verifySignInCode(
  pending: { user: { id: string }; nonce: string },
  code: string,
  address: string,
): Promise<Extract<CodeCheck, { ok: true }>> {
  let refused: Extract<CodeCheck, { ok: false }> | undefined;
  const result = await guardedCode(pending.user.id, address, async () => {
    const check = await checkCode(pending.user.id, code, { allowRecovery: true });
    if (check.ok) return check;
    refused = check;
    return undefined;
  });
  if (result.outcome === 'throttled') throw throttled(result.retryAfterSeconds);
  if (result.outcome === 'invalid') throw new AppError('unauthorized', codeRefusal(refused ?? { ok: false, reason: 'wrong' }, true));
  await recordStepUp(pending.user.id, pending.nonce);
  return result.value;
}
