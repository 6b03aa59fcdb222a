'use client';

import { UnavailableNotice } from '@/components/ui/unavailable';
import { unavailableOf } from '@/lib/errors';

// An error inside a workspace page: the shell stays and the user can retry (`retry` asks the server
// again; `reset` alone would re-render the same failed answer). A busy workspace or a query past
// the plan's time limit says so — recognised by its digest, the one part of a server error a
// production build passes on (lib/errors.ts). Anything else is unexpected: its details stay in the
// server log, under the digest shown here, never on the page.
export default function WorkspaceError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const tryAgain = (
    <button onClick={retry} className="rounded-lg bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700">
      Try again
    </button>
  );
  const refusal = unavailableOf(error);
  if (refusal) return <UnavailableNotice refusal={refusal} level="page" action={tryAgain} />;
  return (
    <div className="max-w-lg rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" role="alert">
      <h1 className="text-lg font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">Nothing was saved by the request that failed. Try again; if it keeps happening, quote this reference to support.</p>
      {error.digest ? <p className="mt-2 font-mono text-xs text-slate-500">Reference: {error.digest}</p> : null}
      <div className="mt-4">{tryAgain}</div>
    </div>
  );
}
