import { signOutAction } from './actions';

export function SignOutButton({ className }: { className?: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={className ?? 'text-sm font-medium text-slate-600 hover:text-slate-900'}>
        Sign out
      </button>
    </form>
  );
}
