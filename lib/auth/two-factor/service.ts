import { createHash, randomBytes } from 'node:crypto';

import QRCode from 'qrcode';

import { AppError } from '../../errors';
import {
  twoFactorBegin,
  twoFactorDisable,
  twoFactorEnable,
  twoFactorRecordPass,
  twoFactorSetRecoveryCodes,
  twoFactorState,
  twoFactorUseRecoveryCode,
  twoFactorUseStep,
  userForSignIn,
} from '../../tenancy/definer-functions';
import { verifyPassword } from '../password';
import { decryptSecret, encryptSecret } from './crypto';
import { hashRecoveryCode, newRecoveryCodes } from './recovery';
import { matchingStep, newSecret, normaliseCode, otpauthUri } from './totp';

// Two-factor sign-in for one person: enrolment, checking a code (TOTP or recovery code), new
// recovery codes, turning it off. Throttling is the caller's (./throttle.ts), around checkCode.

export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  const state = await twoFactorState(userId);
  return { enabled: state?.enabled ?? false, recoveryCodesLeft: state?.enabled ? state.recoveryCodesLeft : 0 };
}

export interface Enrolment {
  /** Base32, for typing into an authenticator by hand. */
  secret: string;
  uri: string;
  /** The QR code of `uri`, as an SVG document (rendered server-side, shown as an <img> data URL). */
  qrSvg: string;
}

/**
 * The secret being enrolled: the unconfirmed one already stored (so a reload shows the same QR
 * code), or a new one. Refused once two-factor is on: the secret of an enrolled account is never
 * shown again, and never replaced without turning two-factor off first.
 */
export async function startEnrolment(user: { id: string; email: string }): Promise<Enrolment> {
  const state = await twoFactorState(user.id);
  if (state?.enabled) throw new AppError('conflict', 'Two-factor sign-in is already on.');
  let secret = state ? decryptSecret(state.secretEncrypted) : undefined;
  if (!secret) {
    secret = newSecret();
    if (!(await twoFactorBegin(user.id, encryptSecret(secret)))) throw new AppError('conflict', 'Two-factor sign-in is already on.');
  }
  const uri = otpauthUri(secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, uri, qrSvg };
}

const WRONG_CODE = 'That code is not right. Enter the 6-digit code your authenticator app shows now.';
const USED_CODE = 'That code was used already. Wait for the next one (codes change every 30 seconds).';

/** Confirms enrolment with a first code; returns the ten recovery codes, shown this once. */
export async function confirmEnrolment(userId: string, code: string, now = Date.now()): Promise<string[] | undefined> {
  const state = await twoFactorState(userId);
  if (!state) throw new AppError('conflict', 'Start again: open the two-factor page to get a new QR code.');
  if (state.enabled) throw new AppError('conflict', 'Two-factor sign-in is already on.');
  const secret = decryptSecret(state.secretEncrypted);
  if (!secret) throw new AppError('conflict', 'Start again: open the two-factor page to get a new QR code.');
  const step = matchingStep(secret, code, now);
  if (step === undefined) return undefined;
  const codes = newRecoveryCodes();
  if (
    !(await twoFactorEnable(
      userId,
      step,
      codes.map((c) => hashRecoveryCode(c)!),
    ))
  )
    throw new AppError('conflict', USED_CODE);
  return codes;
}

export type CodeCheck =
  | { ok: true; method: 'totp' }
  | { ok: true; method: 'recovery'; recoveryCodesLeft: number }
  | { ok: false; reason: 'wrong' | 'used' | 'not_enrolled' };

/**
 * Checks a second-factor code of an enrolled person: a TOTP code (its time step accepted once, so
 * the same code cannot be replayed), or — when `allowRecovery` — a recovery code (removed as it
 * is used).
 */
export async function checkCode(userId: string, raw: string, options: { allowRecovery: boolean; now?: number }): Promise<CodeCheck> {
  const state = await twoFactorState(userId);
  if (!state?.enabled) return { ok: false, reason: 'not_enrolled' };
  if (normaliseCode(raw)) {
    const secret = decryptSecret(state.secretEncrypted);
    const step = secret === undefined ? undefined : matchingStep(secret, raw, options.now ?? Date.now());
    if (step === undefined) return { ok: false, reason: 'wrong' };
    return (await twoFactorUseStep(userId, step)) ? { ok: true, method: 'totp' } : { ok: false, reason: 'used' };
  }
  const hash = options.allowRecovery ? hashRecoveryCode(raw) : undefined;
  if (!hash) return { ok: false, reason: 'wrong' };
  const left = await twoFactorUseRecoveryCode(userId, hash);
  return left === undefined ? { ok: false, reason: 'wrong' } : { ok: true, method: 'recovery', recoveryCodesLeft: left };
}

export function codeRefusal(check: Extract<CodeCheck, { ok: false }>, allowRecovery: boolean): string {
  if (check.reason === 'used') return USED_CODE;
  if (check.reason === 'not_enrolled') return 'Two-factor sign-in is not on for this account.';
  return allowRecovery ? 'That code is not right, or that recovery code was used already.' : WRONG_CODE;
}

/** Ten new recovery codes replace the old ones (the caller has checked a code). */
export async function replaceRecoveryCodes(userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  if (
    !(await twoFactorSetRecoveryCodes(
      userId,
      codes.map((c) => hashRecoveryCode(c)!),
    ))
  ) {
    throw new AppError('conflict', 'Two-factor sign-in is not on for this account.');
  }
  return codes;
}

/**
 * Whether `password` is the account's password; true for an account without one (GitHub only),
 * which proves itself with the code alone.
 */
export async function passwordMatches(email: string, password: string): Promise<boolean> {
  const record = await userForSignIn(email);
  if (!record?.passwordHash) return true;
  return verifyPassword(record.passwordHash, password);
}

export async function hasPassword(email: string): Promise<boolean> {
  return Boolean((await userForSignIn(email))?.passwordHash);
}

export async function disableTwoFactor(userId: string): Promise<void> {
  await twoFactorDisable(userId);
}

// ── Step-up ────────────────────────────────────────────────────────────────────────────────────

/** A pending sign-in carries a random nonce; the database keeps only its hash. */
export const newStepUpNonce = () => randomBytes(18).toString('base64url');
export const hashNonce = (nonce: string) => createHash('sha256').update(nonce).digest('hex');
const PASS_SECONDS = 120;

/** A pending sign-in proved a code: its token (the one carrying `nonce`) may become a full session, once. */
export async function recordStepUp(userId: string, nonce: string): Promise<boolean> {
  return twoFactorRecordPass(userId, hashNonce(nonce), new Date(Date.now() + PASS_SECONDS * 1000));
}
