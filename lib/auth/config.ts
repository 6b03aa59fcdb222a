import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import { z } from 'zod';
import { userForOAuth, userForSignIn } from '../tenancy/lookups';
import { verifyPassword } from './password';
import { isLocked, recordFailure, recordSuccess } from './throttle';
import { authSecret } from './secret';

// Auth.js (next-auth 5) with email + password. Sessions are JWTs (credentials need them) that carry
// the user id and the user's session version; lib/auth/session.ts compares that version with the
// database on every request, so sign-out-everywhere, a password change or a removal revokes every
// outstanding token at once. The session never holds a trusted "active tenant": the tenant comes
// from the URL and a membership check, per request.

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
    sessionVersion: number;
  }
  interface User {
    sessionVersion?: number;
  }
}

const credentials = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(200),
});

function clientAddress(request: Request | undefined): string {
  const forwarded = request?.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || request?.headers.get('x-real-ip') || 'unknown';
}

/** One message whatever failed — unknown email, wrong password, locked — so nobody can probe accounts. */
export class InvalidCredentials extends CredentialsSignin {
  code = 'invalid_credentials';
}

// Lazy: the secret is read on the first request, not when `next build` imports this module.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: '/sign-in' },
  logger: {
    // A failed sign-in is an expected event, not a server error; keep the log for real problems.
    error(error) {
      if (!(error instanceof CredentialsSignin)) console.error('[auth]', error);
    },
  },
  providers: [
    // OAuth only when configured (AUTH_GITHUB_ID / AUTH_GITHUB_SECRET); Auth.js reads the keys itself.
    ...(process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET ? [GitHub] : []),
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const { email, password } = parsed.data;
        const address = clientAddress(request);
        if (await isLocked(email, address)) throw new InvalidCredentials();
        const record = await userForSignIn(email);
        if (!(await verifyPassword(record?.passwordHash, password)) || !record) {
          await recordFailure(email, address);
          throw new InvalidCredentials();
        }
        await recordSuccess(email);
        return { id: record.id, email, sessionVersion: record.sessionVersion };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, account }) {
      if (user && account?.type === 'oauth') {
        // The provider verified this email; our account for it carries our id and session version.
        if (!user.email) throw new InvalidCredentials();
        const record = await userForOAuth(user.email, user.name ?? null);
        token.sub = record.id;
        token.sv = record.sessionVersion;
      } else if (user) {
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? '';
      session.sessionVersion = typeof token.sv === 'number' ? token.sv : -1;
      return session;
    },
  },
}));
