import { describe, expect, it } from 'vitest';

import { bindsTenant, fragileComparisons, maskQuoted, settingReads, splitTopLevel, tautology } from '../src/audit/policy-expression';

// The expression reader on text exactly as pg_get_expr prints it (identical on PostgreSQL 15 and
// 18). The database-backed fixtures in audit.test.ts prove the same rules end to end.

const SETTING = `( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif")`;
const CANONICAL = `(tenant_id = ${SETTING})`;
const USERS_POLICY = `(EXISTS ( SELECT 1
   FROM memberships m
  WHERE ((m.user_id = users.id) AND (m.tenant_id = ${SETTING}))))`;

describe('reading deparsed policy expressions', () => {
  it('sees the canonical policy as binding the tenant, either way round and qualified', () => {
    expect(bindsTenant(CANONICAL, 'tenant_id')).toBe(true);
    expect(bindsTenant(`(${SETTING} = orders.tenant_id)`, 'tenant_id')).toBe(true);
    expect(bindsTenant(`(id = ${SETTING})`, 'id')).toBe(true);
    expect(bindsTenant(`((tenant_id = ${SETTING}) AND (archived_at IS NULL))`, 'tenant_id')).toBe(true);
  });

  it('does not take another column, an OR, or a pattern for a binding', () => {
    expect(bindsTenant(`(customer_id = ${SETTING})`, 'tenant_id')).toBe(false);
    expect(bindsTenant(`((tenant_id = ${SETTING}) OR true)`, 'tenant_id')).toBe(false);
    expect(bindsTenant(`((tenant_id)::text ~~ current_setting('app.tenant_id'::text, true))`, 'tenant_id')).toBe(false);
    expect(bindsTenant('(archived_at IS NULL)', 'tenant_id')).toBe(false);
  });

  it('accepts a binding through EXISTS only for tables without a tenant key', () => {
    expect(bindsTenant(USERS_POLICY, null)).toBe(true);
    expect(bindsTenant(USERS_POLICY, 'tenant_id')).toBe(false);
    expect(bindsTenant(`(EXISTS ( SELECT 1 FROM memberships m WHERE (m.user_id = users.id)))`, null)).toBe(false);
  });

  it('finds tautologies at the top level only', () => {
    expect(tautology('true')).toMatch(/always true/);
    expect(tautology(`((tenant_id = ${SETTING}) OR true)`)).toMatch(/branch that is always true/);
    expect(tautology(`((tenant_id IS NULL) OR (tenant_id = ${SETTING}))`)).toMatch(/IS NULL/);
    expect(tautology(`((tenant_id = ${SETTING}) AND (1 = 1))`)).toBeNull();
    expect(tautology(CANONICAL)).toBeNull();
  });

  it('tells a setting read once per statement from one read per row', () => {
    expect(settingReads(CANONICAL)).toEqual([{ name: 'app.tenant_id', missingOk: true, wrapped: true }]);
    expect(settingReads(USERS_POLICY)).toEqual([{ name: 'app.tenant_id', missingOk: true, wrapped: true }]);
    expect(settingReads(`(tenant_id = (NULLIF(current_setting('app.tenant_id'::text), ''::text))::uuid)`)).toEqual([
      { name: 'app.tenant_id', missingOk: false, wrapped: false },
    ]);
    // A subquery that reads a table runs per row, wrapper or not.
    expect(
      settingReads(`(EXISTS ( SELECT 1 FROM memberships m WHERE (m.tenant_id = (current_setting('app.tenant_id'::text, true))::uuid)))`)[0]
        ?.wrapped,
    ).toBe(false);
  });

  it('flags pattern matches on the tenant and current_user, not on other columns', () => {
    expect(
      fragileComparisons(`((tenant_id)::text ~~ ( SELECT current_setting('app.tenant_id'::text, true) AS current_setting))`),
    ).toHaveLength(1);
    expect(fragileComparisons(`((CURRENT_USER = 'acme'::name) AND ${CANONICAL})`)).toEqual([expect.stringMatching(/CURRENT_USER/)]);
    expect(fragileComparisons(`(${CANONICAL} AND (name ~ 'x'::text))`)).toEqual([]);
  });

  it('is not fooled by operators and parentheses inside literals', () => {
    expect(maskQuoted(`'a OR (b' = "x)y"`)).toBe(`'_______' = "___"`);
    expect(splitTopLevel(`(name = ' OR true') OR (x = 1)`, ' OR ')).toEqual([`(name = ' OR true')`, '(x = 1)']);
    expect(tautology(`((name = ' OR true'::text) AND ${CANONICAL})`)).toBeNull();
  });
});
