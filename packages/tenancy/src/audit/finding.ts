// One thing the isolation audit found: which check (its number in the audit's catalog, the README's check list), a stable
// machine-readable code, the database object it is about, and a sentence a person can act on —
// the threat and the fix.

export interface Finding {
  check: number;
  code: string;
  object: string;
  message: string;
}

export function finding(check: number, code: string, object: string, message: string): Finding {
  return { check, code, object, message };
}

export function byCheckThenObject(a: Finding, b: Finding): number {
  return a.check - b.check || a.object.localeCompare(b.object) || a.code.localeCompare(b.code);
}

/** Thrown when the audit cannot run at all (unreachable server, unknown role…): not a finding. */
export class AuditSetupError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'AuditSetupError';
  }
}
