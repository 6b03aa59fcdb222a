import { signOutAction } from './actions';

export function SignOutButton({ className }: { className?: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={className ?? 'text-sm font-medium text-muted-foreground hover:text-foreground'}>
        Sign out
      </button>
    </form>
  );
}
