import { createHash, randomBytes } from 'node:crypto';

// Invitation, password-reset and email-change tokens: 256 random bits, shown once (in the email),
// stored only as sha256. A database dump holds nothing that can be redeemed.

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as it arrives in a URL: refuse anything that cannot be one before touching the database. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
