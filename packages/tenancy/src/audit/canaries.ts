import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import type { AuditedTable } from './catalog';
import { AuditSetupError, finding, type Finding } from './finding';
import { TENANT_SETTING } from './policy-expression';

// Checks 40 and 41: not catalog queries but experiments, run as the runtime role itself. The
// catalog checks reason about what PostgreSQL will do; these ask PostgreSQL. If R is exempt from
// row-level security on a table for any reason the catalog checks missed, the server answers
// differently, and we report it. Nothing is written: every attempt runs in a transaction that is
// rolled back.

/**
 * What refusing COPY FROM into a table under row-level security looks like, by server version.
 * PostgreSQL has refused it since row-level security arrived in 9.5 (verified unchanged on 15 and
 * 18); the audit itself requires 15+. If a release ever supports COPY FROM under RLS, this is the
 * one place to teach the canary the new answer.
 */
export function expectedCopyRefusal(serverVersion: number): { sqlstate: string; message: RegExp } {
  if (serverVersion < 90500) throw new AuditSetupError('Row-level security needs PostgreSQL 9.5 or later.');
  return { sqlstate: '0A000', message: /COPY FROM not supported with row-level security/ };
}

// node-postgres answers a CopyInResponse it has no stream for with CopyFail('No source stream
// defined'); the server then ends the COPY with query_canceled. Seeing that means the server had
// accepted the COPY — R was exempt from row-level security on that table.
const COPY_ACCEPTED = { sqlstate: '57014', message: /No source stream defined/ };

const ROW_SECURITY_REFUSAL = { sqlstate: '42501', message: /row-level security/ };

interface Outcome {
  error?: pg.DatabaseError;
}

/** Runs `sql` in a savepoint of the open transaction; the savepoint is always rolled back. */
async function attempt(client: pg.Client, sql: string): Promise<Outcome> {
  await client.query('SAVEPOINT canary');
  try {
    await client.query(sql);
    return {};
  } catch (error) {
    if (!isDatabaseError(error)) throw error;
    return { error };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT canary');
  }
}

function isDatabaseError(error: unknown): error is pg.DatabaseError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

const matches = (outcome: Outcome, expected: { sqlstate: string; message: RegExp }) =>
  outcome.error?.code === expected.sqlstate && expected.message.test(outcome.error.message);

const describe = (outcome: Outcome) => (outcome.error ? `${outcome.error.message} (SQLSTATE ${outcome.error.code})` : 'it succeeded');

// Check 40. COPY FROM is refused for any role row-level security applies to. If the server
// accepts it, R is exempt on that table (superuser, BYPASSRLS, owner without FORCE, RLS off).
async function copyFromIsRefused(client: pg.Client, role: string, serverVersion: number, tables: AuditedTable[]): Promise<Finding[]> {
  const expected = expectedCopyRefusal(serverVersion);
  const found: Finding[] = [];
  await client.query('BEGIN');
  try {
    // Any tenant will do: the refusal must not depend on which tenant is in context.
    await client.query(`SELECT set_config($1, $2, true)`, [TENANT_SETTING, randomUUID()]);
    for (const t of tables) {
      const outcome = await attempt(client, `COPY ${t.name} FROM STDIN`);
      if (matches(outcome, expected)) continue;
      found.push(
        matches(outcome, COPY_ACCEPTED)
          ? finding(
              40,
              'copy-from-accepted',
              t.name,
              `runtime role ${role} was allowed to start COPY ${t.name} FROM STDIN: the server only does that for a role row-level security does not apply to, ` +
                `so ${role} is exempt on ${t.name}. Fix: find why (checks 1, 3, 7, 8) — R must not be superuser, BYPASSRLS or an owner, and the table must ENABLE and FORCE row-level security`,
            )
          : finding(
              40,
              'copy-canary-inconclusive',
              t.name,
              `COPY ${t.name} FROM STDIN as runtime role ${role} should fail with "${expected.message.source}" (SQLSTATE ${expected.sqlstate}) but ${describe(outcome)}. ` +
                `Fix: investigate — the canary could not prove row-level security applies to ${role} on ${t.name}`,
            ),
      );
    }
  } finally {
    await client.query('ROLLBACK');
  }
  return found;
}

// Check 41. With row_security off, a query that row-level security would filter raises instead of
// running. If it runs, no policy stood between R and the rows.
async function rowSecurityOffIsRefused(client: pg.Client, role: string, tables: AuditedTable[]): Promise<Finding[]> {
  const found: Finding[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL row_security = off');
    for (const t of tables) {
      const outcome = await attempt(client, `SELECT 1 FROM ${t.name} LIMIT 1`);
      if (matches(outcome, ROW_SECURITY_REFUSAL)) continue;
      found.push(
        outcome.error
          ? finding(
              41,
              'row-security-canary-inconclusive',
              t.name,
              `SELECT from ${t.name} with row_security = off as runtime role ${role} should fail with "query would be affected by row-level security policy" but ${describe(outcome)}. ` +
                `Fix: investigate — the canary could not prove row-level security applies to ${role} on ${t.name}`,
            )
          : finding(
              41,
              'row-security-off-accepted',
              t.name,
              `runtime role ${role} read ${t.name} with row_security = off without an error: row-level security does not apply to ${role} there, so it sees every tenant's rows. ` +
                `Fix: find why (checks 1, 3, 7, 8) and remove the exemption`,
            ),
      );
    }
  } finally {
    await client.query('ROLLBACK');
  }
  return found;
}

/**
 * Runs both canaries over `client`, which must be connected as `role`. Check 41 covers every
 * guarded table R can read; check 40 every one R may INSERT into (COPY FROM needs INSERT first).
 */
export async function runRuntimeCanaries(
  client: pg.Client,
  scope: { role: string; serverVersion: number; guarded: AuditedTable[] },
): Promise<Finding[]> {
  const { rows } = await client.query<{ session_user: string }>('SELECT session_user');
  if (rows[0]?.session_user !== scope.role) {
    throw new AuditSetupError(
      `The runtime connection logs in as "${rows[0]?.session_user}", but the runtime role under audit is "${scope.role}": the canaries would test the wrong role.`,
    );
  }
  return [
    ...(await copyFromIsRefused(
      client,
      scope.role,
      scope.serverVersion,
      scope.guarded.filter((t) => t.runtime.INSERT),
    )),
    ...(await rowSecurityOffIsRefused(
      client,
      scope.role,
      scope.guarded.filter((t) => t.runtime.SELECT),
    )),
  ];
}
