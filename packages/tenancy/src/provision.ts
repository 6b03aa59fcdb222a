import pg from 'pg';

import { assertIdentifier, rolesFor, type DatabaseRoles } from './roles';

// Creates a Bulkhead database and its four roles on a server where we hold a superuser URL (the
// embedded dev/test cluster, or BOOTSTRAP_DATABASE_URL). Idempotent: re-running it re-asserts every
// role attribute and grant, so a role someone widened by hand is narrowed again.

export interface ProvisionOptions {
  /** Superuser connection string; only dev, test and CI bootstrap ever hold one. */
  bootstrapUrl: string;
  database: string;
  /** Roles are cluster-wide: a shared server needs a distinct prefix per database. */
  rolePrefix?: string;
  /** Password given to the login roles (local clusters only; trust-auth servers ignore it). */
  password?: string;
  /** Copy an already migrated database instead of starting empty. */
  template?: string;
}

export interface DatabaseUrls {
  /** The restricted runtime role: what the app gets as DATABASE_URL. */
  app: string;
  /** The owner role: what migrations get as MIGRATION_DATABASE_URL. */
  migration: string;
  /** The BYPASSRLS ops role: maintenance and verification only. */
  ops: string;
}

export interface ProvisionedDatabase {
  database: string;
  roles: DatabaseRoles;
  urls: DatabaseUrls;
}

const DEFAULT_PASSWORD = 'bulkhead-local';

const ROLE_ATTRIBUTES: Record<keyof DatabaseRoles, string> = {
  owner: 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
  app: 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
  ops: 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS',
  definer: 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
};

/** The connection string for `user` on `database`, on the same server as `base`. */
export function urlFor(base: string, database: string, user: string, password?: string): string {
  const url = new URL(base);
  url.username = encodeURIComponent(user);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Runs `fn` with a superuser connection to the server's maintenance database, serialized. */
async function withBootstrap<T>(bootstrapUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: bootstrapUrl });
  await client.connect();
  try {
    // Role and database DDL from parallel test workers would otherwise race on "already exists".
    await client.query(`SELECT pg_advisory_lock(hashtext('bulkhead.provision'))`);
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function provisionDatabase(options: ProvisionOptions): Promise<ProvisionedDatabase> {
  const database = assertIdentifier(options.database, 'database name');
  const roles = rolesFor(options.rolePrefix ?? database);
  const password = options.password ?? DEFAULT_PASSWORD;
  const template = options.template === undefined ? 'template0' : assertIdentifier(options.template, 'template');

  await withBootstrap(options.bootstrapUrl, async (client) => {
    for (const kind of Object.keys(roles) as (keyof DatabaseRoles)[]) {
      const role = roles[kind];
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      const withPassword = kind === 'definer' ? '' : ` PASSWORD ${client.escapeLiteral(password)}`;
      await client.query(`${verb} ROLE "${role}" WITH ${ROLE_ATTRIBUTES[kind]}${withPassword}`);
    }
    // The owner hands the lookup functions to the definer role (ALTER FUNCTION … OWNER TO needs
    // membership); the definer owns no table, so this gives the owner nothing new over data.
    await client.query(`GRANT "${roles.definer}" TO "${roles.owner}"`);

    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) {
      const encoding = template === 'template0' ? ` ENCODING 'UTF8'` : '';
      await client.query(`CREATE DATABASE "${database}" OWNER "${roles.owner}" TEMPLATE "${template}"${encoding}`);
    }
    // Nobody connects or creates temporary tables unless granted here (PUBLIC has both by default).
    await client.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE "${database}" TO "${roles.app}", "${roles.ops}"`);
    // Migrations read the role names from these settings (bulkhead.role() in the first migration).
    for (const kind of ['app', 'ops', 'definer'] as const) {
      await client.query(`ALTER DATABASE "${database}" SET bulkhead.${kind}_role = ${client.escapeLiteral(roles[kind])}`);
    }
  });

  // PostgreSQL < 15 lets PUBLIC create objects in schema public; close that on every version.
  const inDatabase = new URL(options.bootstrapUrl);
  inDatabase.pathname = `/${database}`;
  const superuser = new pg.Client({ connectionString: inDatabase.toString() });
  await superuser.connect();
  try {
    await superuser.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  } finally {
    await superuser.end();
  }

  return {
    database,
    roles,
    urls: {
      app: urlFor(options.bootstrapUrl, database, roles.app, password),
      migration: urlFor(options.bootstrapUrl, database, roles.owner, password),
      ops: urlFor(options.bootstrapUrl, database, roles.ops, password),
    },
  };
}

/** Drops one database (disconnecting its sessions). Its roles stay: other databases may use them. */
export async function dropDatabase(bootstrapUrl: string, database: string): Promise<void> {
  assertIdentifier(database, 'database name');
  await withBootstrap(bootstrapUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });
}

/** Drops the four roles of a prefix; call after every database that uses them is gone. */
export async function dropRoles(bootstrapUrl: string, rolePrefix: string): Promise<void> {
  const roles = rolesFor(rolePrefix);
  await withBootstrap(bootstrapUrl, async (client) => {
    for (const role of [roles.app, roles.ops, roles.owner, roles.definer]) {
      await client.query(`DROP ROLE IF EXISTS "${role}"`);
    }
  });
}
