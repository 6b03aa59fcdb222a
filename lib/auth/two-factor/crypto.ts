import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

import { authSecret } from '../secret';

// The TOTP secrets are stored encrypted (AES-256-GCM), so a database dump or a leaked backup does
// not hand out everyone's second factor. The key is TWO_FACTOR_KEY (32 bytes, base64); without it,
// a key derived by HKDF-SHA256 from AUTH_SECRET, so a deployment works out of the box. Setting
// TWO_FACTOR_KEY separately lets AUTH_SECRET rotate (which signs everyone out) without losing
// enrolments. Changing the key that encrypted a secret makes that secret unreadable: its owner then
// signs in with a recovery code and enrols again.

const VERSION = 'v1';
const HKDF_INFO = 'bulkhead two-factor secret encryption v1';

/** What is wrong with a TWO_FACTOR_KEY value, or undefined (also used by the start-up checks). */
export function twoFactorKeyProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    return 'TWO_FACTOR_KEY must be 32 bytes in base64 (generate one with `openssl rand -base64 32`), or unset to derive it from AUTH_SECRET.';
  }
  return undefined;
}

export function twoFactorKey(source: Record<string, string | undefined> = process.env): Buffer {
  const configured = source.TWO_FACTOR_KEY;
  const problem = twoFactorKeyProblem(configured);
  if (problem) throw new Error(problem);
  if (configured) return Buffer.from(configured, 'base64');
  return Buffer.from(hkdfSync('sha256', source.AUTH_SECRET ?? authSecret(), 'bulkhead', HKDF_INFO, 32));
}

/** `v1:<iv>:<tag>:<ciphertext>`, each base64url; a fresh 96-bit IV every time. */
export function encryptSecret(plain: string, key: Buffer = twoFactorKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
}

/** The plain secret, or undefined when the value was not encrypted under this key (or was altered). */
export function decryptSecret(stored: string, key: Buffer = twoFactorKey()): string | undefined {
  const [version, iv, tag, ciphertext] = stored.split(':');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
