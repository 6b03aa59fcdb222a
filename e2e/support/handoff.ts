import path from 'node:path';

// Files through which scripts/e2e-server.ts hands tests what must not travel over HTTP: each is
// written mode 0600 under .e2e/ and removed with the throw-away database. No Playwright import, so
// the server can use the same names. (The ops role's URL: e2e/support/ops.ts.)

/** The runtime role's URL of the throw-away database, for a test that starts a second app server on it. */
export const appUrlFile = (port: string) => path.join(process.cwd(), '.e2e', `app-${port}.url`);

/**
 * The owner role's URL of the throw-away database: it owns the tables, so only it can put up the
 * capture triggers with which a test freezes a workspace as a move does (e2e/support/move-freeze.ts).
 */
export const ownerUrlFile = (port: string) => path.join(process.cwd(), '.e2e', `owner-${port}.url`);

/** The test mail channel (MAIL_FILE): one JSON message per line, read by e2e/support/auth.ts. */
export const mailFile = (port: string) => path.join(process.cwd(), '.e2e', `mail-${port}.ndjson`);
