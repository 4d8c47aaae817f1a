'use client';
import Link from 'next/link';
import { useSession } from '../../hooks/useSession.ts';

/**
 * On every page while the server runs open (no admin yet): nothing is protected, and here is
 * how to change that. Words and the ⚠ glyph say it; the orange frame only repeats it.
 */
export function OpenModeBanner() {
  const { mode } = useSession();
  if (mode !== 'open') return null;
  return (
    <aside aria-label="Authentication is off" className="border-b-2 border-[#E69F00] bg-amber-50 px-4 py-2 text-sm" data-testid="open-mode-banner">
      <strong><span aria-hidden="true">⚠ </span>Authentication is off (open mode).</strong>{' '}
      Anyone who can reach this server can read and change everything: streams, alert channels, API keys and users.{' '}
      <Link href="/admin/users" className="font-medium text-[#0072B2] underline hover:no-underline">
        Create the first admin on the Users page
      </Link>{' '}
      to turn sign-in on.
    </aside>
  );
}
