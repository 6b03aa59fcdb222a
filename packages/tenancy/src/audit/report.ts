import { isExempt, knownDefects, type Allowlist } from './allowlist';
import { CHECK_TITLES } from './checks';
import type { Finding } from './finding';

// The audit's findings as a person reads them in CI output: grouped by check (number and title),
// each finding naming its object and what to do, then the known defects the allowlist accepts
// (so they are seen on every run), then one summary line.

export interface ReportHeading {
  /** What was audited, e.g. `database "bulkhead" on 127.0.0.1:5432`. */
  target?: string;
  runtimeRole?: string;
}

export interface ReportInput {
  /** Findings that fail the audit. */
  failures: Finding[];
  /** Findings the allowlist accepts as known defects. */
  accepted: Finding[];
  /** Known-defect entries that no longer match anything: fixed, delete them. */
  fixed: Allowlist['exemptions'];
}

/**
 * Sorts findings of an audit run WITHOUT the known-defect exemptions (see withoutKnownDefects)
 * into failures and accepted known defects.
 */
export function classify(findings: Finding[], allowlist: Allowlist): ReportInput {
  const known = knownDefects(allowlist);
  const accepted = findings.filter((f) => isExempt(f, known));
  return {
    failures: findings.filter((f) => !accepted.includes(f)),
    accepted,
    fixed: known.exemptions.filter((entry) => !accepted.some((f) => isExempt(f, { ...known, exemptions: [entry] }))),
  };
}

export function formatReport(input: ReportInput | Finding[], heading: ReportHeading = {}): string {
  const { failures, accepted, fixed } = Array.isArray(input) ? { failures: input, accepted: [], fixed: [] } : input;
  const about = [heading.target, heading.runtimeRole && `runtime role ${heading.runtimeRole}`].filter(Boolean).join(', ');
  const lines: string[] = [`Isolation audit${about ? ` of ${about}` : ''}`, ''];
  for (const [check, group] of groupByCheck(failures)) {
    lines.push(`Check ${check}: ${CHECK_TITLES.get(check) ?? 'unknown check'} (${plural(group.length, 'finding')})`);
    for (const f of group) {
      lines.push(`  ✗ ${f.object}  [${f.code}]`, ...wrap(f.message, 96).map((line) => `      ${line}`));
    }
    lines.push('');
  }
  if (accepted.length > 0) {
    lines.push(`Known defects accepted by the allowlist until fixed (${accepted.length}):`);
    for (const f of accepted) lines.push(`  ! check ${f.check}: ${f.object}  [${f.code}]`);
    lines.push('');
  }
  for (const entry of fixed) {
    lines.push(`  ✓ known defect no longer found: check ${entry.check} ${entry.object} — delete its allowlist entry`);
  }
  if (fixed.length > 0) lines.push('');
  lines.push(summarize(failures));
  return lines.join('\n');
}

/** One line: how many checks ran and what failed. */
export function summarize(failures: Finding[]): string {
  const checks = [...new Set(failures.map((f) => f.check))].sort((a, b) => a - b);
  return failures.length === 0
    ? `✓ No findings: ${CHECK_TITLES.size} isolation checks passed.`
    : `✗ ${plural(failures.length, 'finding')} in ${plural(checks.length, 'check')} (${checks.join(', ')}) of ${CHECK_TITLES.size}.`;
}

function groupByCheck(findings: Finding[]): Map<number, Finding[]> {
  const groups = new Map<number, Finding[]>();
  for (const f of [...findings].sort((a, b) => a.check - b.check)) groups.set(f.check, [...(groups.get(f.check) ?? []), f]);
  return groups;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Breaks a long message at spaces so CI logs stay readable; never splits a word. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
