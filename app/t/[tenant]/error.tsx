'use client';

// An unexpected error inside a workspace page: the shell stays, the user can retry, and the details
// stay in the server log (under the digest shown here), never on the page.
export default function WorkspaceError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-lg rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" role="alert">
      <h1 className="text-lg font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">Nothing was saved by the request that failed. Try again; if it keeps happening, quote this reference to support.</p>
      {error.digest ? <p className="mt-2 font-mono text-xs text-slate-500">Reference: {error.digest}</p> : null}
      <button onClick={reset} className="mt-4 rounded-lg bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700">
        Try again
      </button>
    </div>
  );
}
