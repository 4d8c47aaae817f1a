'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useSession } from '../hooks/useSession.ts';
import { SignedInAs } from './auth/SignedInAs.tsx';

const pages = [
  { href: '/', name: 'Overview', admin: false },
  { href: '/streams', name: 'Streams', admin: false },
  { href: '/compare', name: 'Compare', admin: false },
  { href: '/alerts', name: 'Alerts', admin: false },
  { href: '/models', name: 'Models', admin: false },
  // Only for whoever may use them (admins, and everybody in open mode): a link to a refusal helps nobody.
  { href: '/admin/keys', name: 'Keys', admin: true },
  { href: '/admin/users', name: 'Users', admin: true },
  { href: '/admin/audit', name: 'Audit', admin: true },
] as const;

/**
 * The pages of the dashboard and who is signed in; the current page is marked in words for
 * screen readers, in weight and underline for eyes. Nothing but the name shows until somebody
 * may see the pages (while the session loads, and on the sign-in page when signed out).
 */
export function TopNav() {
  const pathname = usePathname();
  const { mode, principal, can } = useSession();
  const shown = mode === 'open' || principal ? pages.filter((p) => !p.admin || can('admin')) : [];
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center gap-1 bg-slate-800 px-4 py-1 text-sm text-white">
      <span className="mr-3 font-bold">Pulse</span>
      {shown.map((page, i) => {
        const current = page.href === '/' ? pathname === '/' : pathname.startsWith(page.href);
        return (
          <span key={page.href} className="flex items-center gap-1">
            {i > 0 && <span aria-hidden="true" className="text-slate-400">·</span>}
            <Link
              href={page.href}
              aria-current={current ? 'page' : undefined}
              className={`rounded px-2 py-0.5 hover:bg-slate-700 focus:outline-2 focus:outline-white ${current ? 'font-semibold underline underline-offset-4' : ''}`}
            >
              {page.name}
            </Link>
          </span>
        );
      })}
      <SignedInAs />
    </nav>
  );
}
