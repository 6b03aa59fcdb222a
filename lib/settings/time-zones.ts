import { tenantDb } from '../tenancy';

// Tenant time zones are names PostgreSQL knows. Intl (ICU) and PostgreSQL (tzdata) do not agree:
// Intl accepts US/Pacific-New, which tzdata dropped in 2020 and PostgreSQL refuses, and the
// SystemV/* names, which are not in pg_timezone_names. A tenant saved with such a zone had every
// report answer 500. The app offers and accepts only zones both know; the database refuses any
// other (trigger tenants_timezone_valid, migration 20261203000300_valid_time_zones); and the
// reports check the zone before they use it, because a tzdata upgrade can still drop a name.

/** Where a zone PostgreSQL no longer knows is reported in, rather than failing. */
export const FALLBACK_TIME_ZONE = 'UTC';

let known: Promise<ReadonlySet<string>> | undefined;

/**
 * pg_timezone_names, read once per process: it is the server's tzdata, the same for every tenant,
 * and reading the view costs a scan of the zone files. A failed read is not cached.
 */
function postgresZones(): Promise<ReadonlySet<string>> {
  known ??= tenantDb().$queryRaw<{ name: string }[]>`SELECT name FROM pg_catalog.pg_timezone_names`
    .then((rows) => new Set(rows.map((r) => r.name)) as ReadonlySet<string>)
    .catch((error: unknown) => {
      known = undefined;
      throw error;
    });
  return known;
}

function intlKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A zone a tenant may choose: a name in pg_timezone_names that Intl can format with too. */
export async function isTimeZone(zone: string): Promise<boolean> {
  if (!zone || zone.length > 64) return false;
  return (await postgresZones()).has(zone) && intlKnows(zone);
}

/** The zones the settings form offers: Intl's canonical list, less any PostgreSQL does not know. */
export async function timeZoneChoices(): Promise<string[]> {
  const zones = await postgresZones();
  return Intl.supportedValuesOf('timeZone').filter((zone) => zones.has(zone));
}

/** The zone to bucket a report in: the tenant's, or UTC when PostgreSQL cannot read it. */
export async function reportingTimeZone(zone: string): Promise<string> {
  if ((await postgresZones()).has(zone)) return zone;
  console.warn(`[reports] tenant time zone ${JSON.stringify(zone)} is not in pg_timezone_names; reporting in ${FALLBACK_TIME_ZONE}`);
  return FALLBACK_TIME_ZONE;
}
