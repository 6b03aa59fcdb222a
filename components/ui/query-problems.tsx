import type { QueryProblem } from '@/lib/page-query';

import { Alert } from './alert';

/** The filters in the address that a list page ignored (lib/page-query.ts), said once above the list. */
export function QueryProblems({ problems }: { problems: QueryProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert variant="warning" className="mt-4" role="status" data-testid="query-problems">
      <ul className="space-y-0.5">
        {problems.map((problem) => (
          <li key={problem.param}>
            Ignored filter: <code className="font-mono">{problem.param}</code> — {problem.reason}.
          </li>
        ))}
      </ul>
    </Alert>
  );
}
