// Reading policy expressions as PostgreSQL deparses them (pg_get_expr), e.g. on 15 and 18 alike:
//
//   (tenant_id = ( SELECT (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid AS "nullif"))
//
// The source text is gone: PostgreSQL stores the parsed tree and prints it back with its own
// parentheses, casts and aliases. So we do not compare strings; we read structure — an OR at the
// top level, an equality between the tenant column and the tenant setting, a setting read inside
// or outside a scalar (SELECT …) — with a small scanner that is not fooled by parentheses or
// operators inside quoted literals and identifiers.

export const TENANT_SETTING = 'app.tenant_id';

/** Collapses line breaks and runs of spaces (pg_get_expr pretty-prints subqueries over lines). */
export function normalise(expression: string): string {
  return expression.replace(/\s+/g, ' ').trim();
}

/**
 * The same text with the insides of '…' literals and "…" identifiers blanked out. Same length, so
 * positions found in the mask index the original.
 */
export function maskQuoted(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote && text[i + 1] === quote) {
        out += '__';
        i++;
      } else if (ch === quote) {
        quote = null;
        out += ch;
      } else {
        out += '_';
      }
    } else {
      if (ch === "'" || ch === '"') quote = ch;
      out += ch;
    }
  }
  return out;
}

function matchingParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return i;
  }
  return masked.length - 1;
}

/** `((a = b))` → `a = b`; leaves `(a) AND (b)` alone. */
export function stripOuterParens(text: string): string {
  let current = text.trim();
  for (;;) {
    const masked = maskQuoted(current);
    if (!masked.startsWith('(') || matchingParen(masked, 0) !== masked.length - 1) return current;
    current = current.slice(1, -1).trim();
  }
}

/** Splits on a keyword or operator that stands outside every parenthesis: `a OR (b OR c)` → [a, (b OR c)]. */
export function splitTopLevel(text: string, separator: string): string[] {
  const masked = maskQuoted(text).toUpperCase();
  const needle = separator.toUpperCase();
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && masked.startsWith(needle, i)) {
      parts.push(text.slice(start, i).trim());
      start = i + needle.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

const orBranches = (text: string) => splitTopLevel(stripOuterParens(normalise(text)), ' OR ');
const andConjuncts = (text: string) => splitTopLevel(stripOuterParens(normalise(text)), ' AND ');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SETTING_READ = new RegExp(`(?:pg_catalog\\.)?current_setting\\(\\s*'${escapeRegExp(TENANT_SETTING)}'`, 'i');

/** Does this text read the tenant setting (current_setting('app.tenant_id' …))? */
export function readsTenantSetting(text: string): boolean {
  return SETTING_READ.test(text);
}

function isColumn(text: string, column: string): boolean {
  const qualifier = '(?:(?:"[^"]+"|[a-z_][a-z0-9_$]*)\\.)?';
  return new RegExp(`^${qualifier}"?${escapeRegExp(column)}"?$`, 'i').test(stripOuterParens(text));
}

/** `tenant_id = <reads the tenant setting>`, either way round, the column optionally qualified. */
function isTenantEquality(text: string, tenantKey: string): boolean {
  const sides = splitTopLevel(stripOuterParens(text), ' = ');
  if (sides.length !== 2) return false;
  const [left, right] = sides as [string, string];
  return (isColumn(left, tenantKey) && readsTenantSetting(right)) || (isColumn(right, tenantKey) && readsTenantSetting(left));
}

/** `EXISTS (SELECT … FROM <tenant table> x WHERE … x.tenant_id = <setting> …)`: bound through a tenant table. */
function bindsThroughExists(text: string): boolean {
  const stripped = stripOuterParens(text);
  if (!/^EXISTS\s*\(/i.test(stripped)) return false;
  const subquery = stripOuterParens(stripped.replace(/^EXISTS\s*/i, ''));
  const where = splitTopLevel(subquery, ' WHERE ');
  return where.length === 2 && bindsTenant(where[1]!, 'tenant_id');
}

/**
 * Does the expression only admit rows of the tenant in context? True when it is (or ANDs in) an
 * equality between the tenant key and the tenant setting, and every OR branch does the same.
 * With no tenant key (a global table such as users), binding must go through EXISTS over a
 * tenant table.
 */
export function bindsTenant(expression: string, tenantKey: string | null): boolean {
  const branches = orBranches(expression);
  if (branches.length > 1) return branches.every((branch) => bindsTenant(branch, tenantKey));
  const conjuncts = andConjuncts(expression);
  if (conjuncts.length > 1) return conjuncts.some((conjunct) => bindsTenant(conjunct, tenantKey));
  const atom = stripOuterParens(normalise(expression));
  return tenantKey === null ? bindsThroughExists(atom) : isTenantEquality(atom, tenantKey);
}

function isConstantTrue(text: string): boolean {
  const atom = stripOuterParens(text);
  if (/^(true|NOT false)$/i.test(atom)) return true;
  const sides = splitTopLevel(atom, ' = ');
  const constant = /^(?:\d+(?:\.\d+)?|'(?:[^']|'')*'(?:::[a-z ]+)?)$/i;
  return sides.length === 2 && sides[0] === sides[1] && constant.test(sides[0]!);
}

/**
 * Why the expression admits rows regardless of the tenant, or null: always true, or an OR with a
 * branch that is always true or an `… IS NULL` escape hatch (a NULL tenant column or an unset
 * setting then shows every row).
 */
export function tautology(expression: string): string | null {
  const whole = stripOuterParens(normalise(expression));
  if (isConstantTrue(whole)) return `it is always true (${whole})`;
  const branches = orBranches(expression);
  if (branches.length < 2) return null;
  for (const branch of branches) {
    const atom = stripOuterParens(branch);
    if (isConstantTrue(atom)) return `it ORs in a branch that is always true (${atom})`;
    if (/\bIS NULL$/i.test(atom)) return `it ORs in "${atom}", which admits rows no tenant owns or every row when no tenant is set`;
  }
  return null;
}

/** Where the parentheses still open at `position` start, outermost first. */
function openParensBefore(masked: string, position: number): number[] {
  const open: number[] = [];
  for (let i = 0; i < position; i++) {
    if (masked[i] === '(') open.push(i);
    else if (masked[i] === ')') open.pop();
  }
  return open;
}

/** The innermost (SELECT …) around `position`, if that subquery reads no table (runs once, as an InitPlan). */
function insideScalarSelect(masked: string, position: number): boolean {
  const open = openParensBefore(masked, position);
  for (let k = open.length - 1; k >= 0; k--) {
    const start = open[k]!;
    const inner = masked.slice(start + 1, matchingParen(masked, start));
    if (!/^\s*SELECT\b/i.test(inner)) continue;
    return splitTopLevel(inner, ' FROM ').length === 1;
  }
  return false;
}

export interface SettingRead {
  /** The setting's name, or null when it is not a literal. */
  name: string | null;
  missingOk: boolean;
  /** Inside a scalar (SELECT …): evaluated once per statement rather than once per row. */
  wrapped: boolean;
}

/** Every current_setting(…) call in the expression. */
export function settingReads(expression: string): SettingRead[] {
  const text = normalise(expression);
  const masked = maskQuoted(text);
  const reads: SettingRead[] = [];
  for (const match of masked.matchAll(/\bcurrent_setting\s*\(/gi)) {
    const open = match.index + match[0].length - 1;
    const args = splitTopLevel(text.slice(open + 1, matchingParen(masked, open)), ',');
    const literal = /^'((?:[^']|'')*)'/.exec(args[0] ?? '');
    reads.push({
      name: literal ? literal[1]!.replace(/''/g, "'") : null,
      missingOk: args.length >= 2 && /^\(?true\)?$/i.test(stripOuterParens(args[1]!)),
      wrapped: insideScalarSelect(masked, match.index),
    });
  }
  return reads;
}

/** Calls of `qualifiedName(` that are not inside a scalar (SELECT …). */
export function unwrappedCalls(expression: string, qualifiedName: string): number {
  const text = normalise(expression);
  const masked = maskQuoted(text);
  const pattern = new RegExp(`(?<![\\w.])${escapeRegExp(qualifiedName)}\\s*\\(`, 'gi');
  return [...masked.matchAll(pattern)].filter((match) => !insideScalarSelect(masked, match.index)).length;
}

/** The innermost parenthesised group around `position`, or the whole text. */
function enclosingGroup(text: string, masked: string, position: number): string {
  const start = openParensBefore(masked, position).at(-1);
  return start === undefined ? text : text.slice(start, matchingParen(masked, start) + 1);
}

/**
 * Ways the expression ties rows to something other than an exact match on the tenant: pattern
 * matches on the tenant (LIKE, ILIKE, regular expressions — `%` or `.*` match other tenants) and
 * the current user (under a pooled runtime role, every tenant is the same user).
 */
export function fragileComparisons(expression: string): string[] {
  const text = normalise(expression);
  const masked = maskQuoted(text);
  const problems: string[] = [];
  for (const match of masked.matchAll(/ (!?~~\*?|!?~\*?) /g)) {
    const group = enclosingGroup(text, masked, match.index);
    if (/\btenant_id\b/i.test(group) || readsTenantSetting(group)) {
      problems.push(`it compares the tenant with a pattern (${match[1]} in ${group}): a % or .* in the value matches other tenants`);
    }
  }
  const user = /\b(CURRENT_USER|SESSION_USER|CURRENT_ROLE)\b/.exec(masked);
  if (user) {
    problems.push(`it keys rows on ${user[1]}, which is the same pooled runtime role for every tenant`);
  }
  return problems;
}
