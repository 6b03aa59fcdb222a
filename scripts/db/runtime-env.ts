/**
 * The environment the Next.js process gets: everything we have, with DATABASE_URL set to the
 * restricted runtime role and the owner's and superuser's URLs removed. The running app never
 * holds a URL that could bypass row-level security.
 */
export function runtimeEnv(appUrl: string): NodeJS.ProcessEnv {
  // Next's telemetry stays off unless the user opts in (machines here have no route out anyway).
  const env: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: '1', ...process.env, DATABASE_URL: appUrl };
  delete env.MIGRATION_DATABASE_URL;
  delete env.BOOTSTRAP_DATABASE_URL;
  delete env.OPS_DATABASE_URL;
  return env;
}
