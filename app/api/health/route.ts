import { checkDatabase } from '@/lib/db/health';
import pkg from '@/package.json';

// Liveness and readiness in one: 200 when the app can reach PostgreSQL as its runtime role, 503
// when it cannot. It names no tenant and reads no tenant data.

export async function GET() {
  const database = await checkDatabase();
  // The reason stays in the server log: a connection error can name hosts and roles.
  if (!database.up) console.error('health: database check failed:', database.error);
  const body = {
    status: database.up ? 'ok' : 'degraded',
    version: pkg.version,
    database: database.up
      ? { status: 'up', latencyMs: database.latencyMs }
      : { status: 'down', latencyMs: database.latencyMs, error: 'database unreachable' },
  };
  return Response.json(body, {
    status: database.up ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}
