import { AppError } from '../../errors';
import type { SignInOutcome } from '../throttle';
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
import { CODES_UNAVAILABLE_MESSAGE, guardedCode, tooManyCodesMessage } from './throttle';

// The signed-in person's own second factor, as the account forms use it. Every code is counted
// before it is checked (./throttle.ts), so these forms cannot be used to guess codes either; each
// refusal is an AppError the action builder shows on the right field.

const onField = (field: string, message: string) => new AppError('validation_failed', message, { [field]: [message] });

/** An attempt that was not checked is refused: too many wrong codes, or the attempt store was down. */
function refuseUnchecked<T>(result: SignInOutcome<T>): asserts result is Extract<SignInOutcome<T>, { outcome: 'signed_in' | 'invalid' }> {
  if (result.outcome === 'unavailable') throw new AppError('rate_limited', CODES_UNAVAILABLE_MESSAGE);
  if (result.outcome === 'throttled') throw new AppError('rate_limited', tooManyCodesMessage(result.retryAfterSeconds));
}

/** Enrolment, step 2: the first code proves the app has the secret; two-factor is on; the ten recovery codes. */
export async function confirmTwoFactor(user: { id: string }, code: string, address: string): Promise<string[]> {
  const result = await guardedCode(user.id, address, () => confirmEnrolment(user.id, code));
  refuseUnchecked(result);
  if (result.outcome === 'invalid')
    throw onField('code', 'That code is not right. Check the time on your phone and enter the code it shows now.');
  return result.value;
}

/** A code (or recovery code) checked behind the throttle; `before` may refuse first (a wrong password). */
async function guardedCheck(
  userId: string,
  address: string,
  raw: string,
  allowRecovery: boolean,
  before?: () => Promise<boolean>,
): Promise<CodeCheck> {
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
  refuseUnchecked(result);
  if (wrongPassword) throw onField('password', 'That is not your password.');
  if (result.outcome === 'invalid') return refused ?? { ok: false, reason: 'wrong' };
  return result.value;
}

/** New recovery codes (the old ones stop working); needs a current code from the app. */
export async function newRecoveryCodes(user: { id: string }, currentCode: string, address: string): Promise<string[]> {
  const check = await guardedCheck(user.id, address, currentCode, false);
  if (!check.ok) throw onField('currentCode', codeRefusal(check, false));
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
  const check = await guardedCheck(user.id, address, input.code, true, () =>
    needsPassword ? passwordMatches(user.email, input.password ?? '') : Promise.resolve(true),
  );
  if (!check.ok) throw onField('code', codeRefusal(check, true));
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
  const check = await guardedCheck(pending.user.id, address, code, true);
  if (!check.ok) throw new AppError('unauthorized', codeRefusal(check, true));
  await recordStepUp(pending.user.id, pending.nonce);
  return check;
}
