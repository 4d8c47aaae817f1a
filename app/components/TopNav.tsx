'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const pages = [
  { href: '/', name: 'Overview' },
  { href: '/streams', name: 'Streams' },
  { href: '/alerts', name: 'Alerts' },
] as const;

/** The pages of the dashboard; the current one is marked in words for screen readers, in weight and underline for eyes. */
export function TopNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Pages" className="flex items-center gap-1 bg-slate-800 px-4 py-1 text-sm text-white">
      <span className="mr-3 font-bold">Pulse</span>
      {pages.map((page, i) => {
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
    </nav>
  );
}
