import GitHub from 'next-auth/providers/github';

// "Continue with GitHub", when AUTH_GITHUB_ID and AUTH_GITHUB_SECRET are set. Auth.js's GitHub
// provider takes the profile's public email, or else the primary address from /user/emails,
// without asking whether GitHub has verified it. An unverified address proves nothing, and an
// account is linked by address — so here the email is always the primary address that GitHub says
// is verified, and nothing when there is none (sign-in is then refused: lib/auth/config.ts).
//
// AUTH_GITHUB_ENTERPRISE_URL points at a GitHub Enterprise Server (its API under /api/v3); the
// browser tests point it at a local stub provider (e2e/support/oauth-stub.ts), as there is no
// internet on the machines that run them.

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

interface GitHubProfile {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  avatar_url: string;
}

export function githubProvider() {
  const baseUrl = process.env.AUTH_GITHUB_ENTERPRISE_URL?.replace(/\/+$/, '') || undefined;
  const apiBaseUrl = baseUrl ? `${baseUrl}/api/v3` : 'https://api.github.com';
  return GitHub({
    ...(baseUrl ? { enterprise: { baseUrl } } : {}),
    userinfo: {
      url: `${apiBaseUrl}/user`,
      async request({ tokens }: { tokens: { access_token?: string } }) {
        const headers = { Authorization: `Bearer ${tokens.access_token}`, 'User-Agent': 'bulkhead', Accept: 'application/vnd.github+json' };
        const profile = (await (await fetch(`${apiBaseUrl}/user`, { headers })).json()) as GitHubProfile;
        const response = await fetch(`${apiBaseUrl}/user/emails`, { headers });
        const emails = response.ok ? ((await response.json()) as GitHubEmail[]) : [];
        const verified = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
        return { ...profile, email: verified?.email ?? null };
      },
    },
    profile(profile: GitHubProfile) {
      return { id: String(profile.id), name: profile.name ?? profile.login, email: profile.email, image: profile.avatar_url };
    },
  });
}
