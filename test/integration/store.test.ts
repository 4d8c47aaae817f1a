/**
 * The store contract on chdb. One data directory for the whole file: chdb binds one directory
 * per process, and `node --test` runs each test file in a process of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChdbClient } from '../../lib/store/chdb.ts';
import { openStore } from '../../lib/store/index.ts';
import { storeContract } from '../support/store-contract.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-store-'));

storeContract('store on chdb', {
  client: async () => ChdbClient.open(dataDir),
  open: (retentionDays) => openStore({ kind: 'chdb', dataDir, retentionDays }),
  // Retries: the engine's background merges may still be finishing files in the directory.
  cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }),
});
