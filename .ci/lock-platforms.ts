/**
 * Restores the other-platform optional packages that `npm install` leaves out of
 * package-lock.json on these build machines, so that `npm ci` accepts the lock file.
 *
 * Why: the registry reachable here lacks some platform builds (e.g. @chdb/lib-darwin-*, some
 * @next/swc-* and @tailwindcss/oxide-* versions). `npm install` then silently drops them from
 * the lock, and `npm ci` refuses the lock as out of sync ("Missing: … from lock file"). A lock
 * written against the full registry lists them with their platform; this writes the same
 * entries (name, pinned version, os/cpu from the package name, optional), which `npm ci`
 * skips on any other platform. Run after changing dependencies:
 *   npx tsx .ci/lock-platforms.ts
 */
import fs from 'node:fs';
import path from 'node:path';

const lockPath = path.join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { packages: Record<string, Record<string, unknown>> };
const oses = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'sunos', 'aix'];
const cpus = ['arm64', 'x64', 'arm', 'ia32', 'wasm32', 'ppc64', 's390x', 'riscv64', 'loong64'];

function platformOf(name: string): { os?: string[]; cpu?: string[] } {
  const parts = name.split('/').at(-1)!.split('-');
  const os = oses.find((o) => parts.includes(o));
  const cpu = cpus.find((c) => parts.includes(c));
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

const added: string[] = [];
for (const entry of Object.values(lock.packages)) {
  const optional = (entry.optionalDependencies ?? {}) as Record<string, string>;
  for (const [name, version] of Object.entries(optional)) {
    const key = `node_modules/${name}`;
    const platform = platformOf(name);
    // Only exact-pinned platform builds: anything else is a real optional feature, left to npm.
    if (lock.packages[key] || !/^\d+\.\d+\.\d+/.test(version) || !platform.cpu) continue;
    lock.packages[key] = { version, optional: true, ...platform };
    added.push(`${name}@${version}`);
  }
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root!, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added ${added.length} platform entries:\n  ${added.join('\n  ')}` : 'lock file complete');
