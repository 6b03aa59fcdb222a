/** A hull split into watertight compartments: a leak in one stays in one. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true" fill="none">
      <path d="M3 9h26l-3 15a3 3 0 0 1-3 2.4H9A3 3 0 0 1 6 24L3 9Z" className="fill-primary" />
      <path d="M12 9v17M20 9v17" strokeWidth="2" className="stroke-primary-foreground" />
      <path d="M3 9h26" stroke="currentColor" strokeWidth="2" strokeLinecap="round" className="text-foreground" />
    </svg>
  );
}
