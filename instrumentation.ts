// Runs once when the server starts (Node.js runtime only; the check lives in its own module so the
// Edge bundle never sees process.exit).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./lib/startup-checks');
}
