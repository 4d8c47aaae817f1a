/**
 * `npm run admin:create -- --email EMAIL [--role admin|editor|viewer]`: creates a user directly in
 * the store, the password read from standard input (never from the command line, where shell
 * history and `ps` would keep it). The first admin turns authentication on. The audit log
 * records the user as created by the command line (lib/audit.ts → localActor).
 */
import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { Audit, localActor } from '../lib/audit.ts';
import { AccessControl } from '../lib/auth/access.ts';
import { Roles, type Role } from '../lib/auth/roles.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { openStore } from '../lib/store/index.ts';

const help = `Usage: printf '%s' "$PASSWORD" | npm run --silent admin:create -- --email EMAIL [--role admin]

Creates a dashboard user in the store the configuration names (CLICKHOUSE_URL, or the embedded
store under PULSE_DATA_DIR). The password (12 characters at least) is read from standard input.
The first admin turns authentication on: from then on every API call needs a session or a key.

On the embedded runtime chdb lets one process open the data directory at a time: stop the
server first (or, while it runs open, create the user from the dashboard's Users page).

Options:
  --email EMAIL   the login
  --role ROLE     admin (default), editor or viewer`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h', default: false }, email: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  if (values.help) return void console.log(help);
  if (!values.email) throw new PulseError('INPUT_INVALID', '--email is required (see --help)');
  if (!Roles.includes(values.role as Role)) throw new PulseError('INPUT_INVALID', `--role must be one of ${Roles.join(', ')}`);
  if (process.stdin.isTTY) console.error('password (then Enter, then Ctrl-D):');
  const password = (await text(process.stdin)).replace(/\r?\n$/, '');
  const config = loadConfig();
  const store = await openStore(config.store);
  try {
    const access = await AccessControl.start(store, new Audit(store.audit), { pollMs: 60_000, sessionTtlMs: config.auth.sessionTtlMs, sessionCacheMs: 0 });
    const user = await access.createUser(localActor, { email: values.email, password, role: values.role as Role });
    await access.stop();
    console.log(`created ${user.role} ${user.email} (${user.id})`);
  } finally {
    await store.close();
  }
}

runCli(main);
