import type pg from 'pg';

import { isTenantMoving } from './client';
import { TenantMovingError } from './errors';
import { assertIdentifier } from './roles';

// The definer-function gateway: the questions an app must ask before a tenant is known (sign-in by
// email, slug → tenant, API key → tenant) are answered by SECURITY DEFINER functions owned by the
// definer role, never by reading tables without a tenant. This helper is the one way to call them:
// a function name (checked to be a plain identifier), positional parameters (always bound, never
// spliced) and, for set-returning functions, the columns to read. The functions themselves —
// what they may return, to whom EXECUTE is granted — are the app's, in its migrations.

export interface DefinerGatewayOptions {
  /** The runtime role's pool (a function, so it is read at call time: tests swap the pool). */
  pool: () => pg.Pool;
  /** The schema holding the functions (default `bulkhead`, the kit's own). */
  schema?: string;
  /**
   * Maps a write refused by a moving tenant's fence (a definer function writing that tenant's audit
   * event during a move, docs/moves.md) to the app's own error, as createTenancy({ errors }) does.
   */
  errors?: { moving?: (error: TenantMovingError) => Error };
}

export interface DefinerGateway {
  /** `SELECT <columns> FROM schema.fn($1, …)`: the rows of a set-returning (or composite) function. */
  rows<T extends pg.QueryResultRow>(fn: string, args: readonly unknown[], columns?: readonly string[]): Promise<T[]>;
  /** `SELECT schema.fn($1, …) AS value`: the one value of a scalar function (undefined when no row). */
  value<T>(fn: string, args: readonly unknown[]): Promise<T | undefined>;
}

export function definerGateway(options: DefinerGatewayOptions): DefinerGateway {
  const schema = assertIdentifier(options.schema ?? 'bulkhead', 'schema');
  const call = (fn: string, args: readonly unknown[]) =>
    `"${schema}"."${assertIdentifier(fn, 'definer function')}"(${args.map((_, i) => `$${i + 1}`).join(', ')})`;
  const mapMoving = options.errors?.moving ?? ((error: TenantMovingError) => error);
  const run = async <T extends pg.QueryResultRow>(text: string, args: readonly unknown[]) => {
    try {
      return await options.pool().query<T>(text, [...args]);
    } catch (error) {
      if (isTenantMoving(error)) throw mapMoving(new TenantMovingError({ cause: error }));
      throw error;
    }
  };
  return {
    async rows<T extends pg.QueryResultRow>(fn: string, args: readonly unknown[], columns?: readonly string[]) {
      const list = columns?.length ? columns.map((column) => `"${assertIdentifier(column, 'column')}"`).join(', ') : '*';
      return (await run<T>(`SELECT ${list} FROM ${call(fn, args)}`, args)).rows;
    },
    async value<T>(fn: string, args: readonly unknown[]) {
      const { rows } = await run<{ value: T }>(`SELECT ${call(fn, args)} AS value`, args);
      return rows[0]?.value;
    },
  };
}
