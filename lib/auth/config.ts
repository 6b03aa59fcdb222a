import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

import { clientAddress } from '../http/client-address';
import { appUrl } from '../mail';
import { sendLater } from '../mail/later';
import { twoFactorClaimPass, twoFactorState, userForOAuth, userForSignIn } from '../tenancy/definer-functions';
import { githubProvider } from './github';
import { verifyPassword } from './password';
import { safeRedirectPath } from './redirects';
import { authSecret } from './secret';
import { guardedSignIn } from './throttle';
import { hashNonce, newStepUpNonce } from './two-factor/service';

// Auth.js (next-auth 5) with email + password. Sessions are JWTs (credentials need them) that carry
// the user id and the user's session version; lib/auth/session.ts compares that version with the
// database on every request, so sign-out-everywhere, a password change or a removal revokes every
// outstanding token at once. The session never holds a trusted "active tenant": the tenant comes
// from the URL and a membership check, per request.

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
    sessionVersion: number;
    /**
     * Present while the second factor is still owed (lib/auth/two-factor): the session counts as
     * signed out everywhere except /sign-in/two-factor and sign-out (lib/auth/session.ts).
     */
    twoFactorPending?: { nonce: string; since: number };
  }
  interface User {
    sessionVersion?: number;
  }
}

const credentials = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(200),
});

/** One message whatever failed — unknown email or wrong password — so nobody can probe accounts. */
export class InvalidCredentials extends CredentialsSignin {
  code = 'invalid_credentials';
}

/**
 * Too many attempts from this address for this account (or from this address at all). Says
 * nothing about whether the account exists: unknown emails are throttled the same way. The code
 * carries the wait in seconds, for the form's message.
 */
export class TooManyAttempts extends CredentialsSignin {
  constructor(readonly retryAfterSeconds: number) {
    super();
    this.code = `too_many_attempts:${retryAfterSeconds}`;
  }
}

/** The attempt store could not count this attempt, so the password was not checked (lib/auth/throttle.ts). */
export class AttemptsUncounted extends CredentialsSignin {
  code = 'attempts_uncounted';
}

/** The GitHub account has no verified primary address: nothing to link or create an account by. */
const UNVERIFIED_OAUTH_EMAIL = '/sign-in?error=unverified_email';

// Lazy: the secret is read on the first request, not when `next build` imports this module.
export const {
  handlers,
  auth,
  signIn,
  signOut,
  unstable_update: updateSession,
} = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  logger: {
    // A failed sign-in is an expected event, not a server error; keep the log for real problems.
    error(error) {
      // Auth.js wraps what a callback threw; the cause is what an operator needs to see.
      if (!(error instanceof CredentialsSignin)) console.error('[auth]', error, error.cause ?? '');
    },
  },
  providers: [
    // OAuth only when configured (AUTH_GITHUB_ID / AUTH_GITHUB_SECRET); Auth.js reads the keys itself.
    ...(process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET ? [githubProvider()] : []),
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const { email, password } = parsed.data;
        // Counted before it is checked (lib/auth/throttle.ts): parallel guesses cannot outrun the count.
        const result = await guardedSignIn(email, clientAddress(request?.headers), async () => {
          const record = await userForSignIn(email);
          return (await verifyPassword(record?.passwordHash, password)) && record ? record : undefined;
        }).catch((error: unknown) => {
          console.error('[auth] sign-in check failed:', error);
          throw error;
        });
        if (result.outcome === 'unavailable') throw new AttemptsUncounted();
        if (result.outcome === 'throttled') throw new TooManyAttempts(result.retryAfterSeconds);
        if (result.outcome === 'invalid') throw new InvalidCredentials();
        return { id: result.value.id, email, sessionVersion: result.value.sessionVersion };
      },
    }),
  ],
  callbacks: {
    // Where Auth.js sends the browser after signing in or out: a path on this app, never an
    // absolute URL. Behind the front server (scripts/serve.ts) Next.js can hand route handlers an
    // origin other than the one the browser used (localhost for 127.0.0.1), so Auth.js's default —
    // same origin as *its* base URL, else the bare base URL — sent GitHub sign-ins to the wrong
    // host. A path keeps the browser on the origin it is on.
    redirect({ url, baseUrl }) {
      return safeRedirectPath(url, [baseUrl, process.env.AUTH_URL, appUrl('/')]);
    },
    signIn({ user, account }) {
      // An OAuth identity counts only with an address the provider has verified (lib/auth/github.ts).
      if (account?.type === 'oauth' && !user.email) return UNVERIFIED_OAUTH_EMAIL;
      return true;
    },
    async jwt({ token, user, account, trigger }) {
      if (user && account?.type === 'oauth') {
        // The provider verified this email; our account for it carries our id and session version.
        // Linking to an account that had a password clears it (whoever registered the address
        // first, without proving it, loses that way in) and ends its sessions; the address is told.
        if (!user.email) throw new InvalidCredentials();
        const email = user.email.toLowerCase();
        const record = await userForOAuth(email, user.name ?? null);
        if (record.passwordCleared) {
          const reset = appUrl('/forgot-password');
          sendLater({
            to: email,
            subject: 'GitHub is now how you sign in to Bulkhead',
            text:
              `Someone — we hope you — signed in to Bulkhead with a GitHub account whose verified address is ${email}.\n\n` +
              `That GitHub account is now linked to your Bulkhead account. The password your account had was removed and every other session was signed out.\n\n` +
              `To sign in with a password again, set a new one: ${reset}\n\nIf this was not you, secure your GitHub account first.`,
          });
        }
        token.sub = record.id;
        token.sv = record.sessionVersion;
      } else if (user) {
        token.sub = user.id;
        token.sv = user.sessionVersion ?? 0;
      }
      if (user && token.sub) {
        // Two-factor step-up: whichever way the first factor was proven (password or GitHub), a
        // person with two-factor on gets a pending token until /sign-in/two-factor accepts a code.
        delete token.tfp;
        if ((await twoFactorState(token.sub))?.enabled) token.tfp = { nonce: newStepUpNonce(), since: Date.now() };
      } else if (trigger === 'update' && token.tfp && token.sub) {
        // Anyone holding the pending cookie can ask Auth.js for an update (POST /api/auth/session),
        // so what they send is ignored: the token becomes full only by claiming, once, the pass that
        // a correct code recorded for this token's nonce (app/(auth)/sign-in/two-factor/actions.ts).
        const pending = token.tfp as { nonce?: unknown };
        if (typeof pending.nonce === 'string' && (await twoFactorClaimPass(token.sub, hashNonce(pending.nonce)))) delete token.tfp;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? '';
      session.sessionVersion = typeof token.sv === 'number' ? token.sv : -1;
      const pending = token.tfp as { nonce?: unknown; since?: unknown } | undefined;
      if (pending) {
        session.twoFactorPending = {
          nonce: typeof pending.nonce === 'string' ? pending.nonce : '',
          since: typeof pending.since === 'number' ? pending.since : 0,
        };
      }
      return session;
    },
  },
}));
