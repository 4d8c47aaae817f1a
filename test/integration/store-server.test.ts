/**
 * The store contract on a ClickHouse server, in a database of its own that is dropped at the
 * end. Runs only when CLICKHOUSE_URL points at a server (user and password from
 * CLICKHOUSE_USER / CLICKHOUSE_PASSWORD, as for Pulse itself).
 */
import { loadConfig } from '../../lib/config.ts';
import { ServerClient } from '../../lib/store/clickhouse.ts';
import { openStore } from '../../lib/store/index.ts';
import { storeContract } from '../support/store-contract.ts';

const database = `pulse_test_${process.pid}_${Date.now()}`;
const config = loadConfig({ ...process.env, CLICKHOUSE_DB: database }).store;
const server = config.kind === 'clickhouse' ? { url: config.url, user: config.user, password: config.password, database } : undefined;

storeContract(
  'store on a ClickHouse server',
  server && {
    client: () => ServerClient.connect(server),
    open: (retentionDays) => openStore({ kind: 'clickhouse', ...server, retentionDays }),
    cleanup: async () => {
      const sql = await ServerClient.connect(server);
      try {
        await sql.command(`DROP DATABASE IF EXISTS ${database}`);
      } finally {
        await sql.close();
      }
    },
  },
  'CLICKHOUSE_URL is not set (no ClickHouse server to test against)',
);
