/**
 * A process that uses the in-process bus over a durable log in the folder given as its first
 * argument, for the tests that must kill it or limit it (test/integration/bus-log.test.ts).
 * It prints one JSON line per event on stdout.
 *
 *   publish   publishes batches of 10 records (ids `c-<n>`) one after another and prints
 *             `{"acked": n}` after each one resolves, until it is killed
 *   faults    publishes a small record, one far larger than the process may write (run it
 *             under `ulimit -f`), then another small one, and prints how each one ended
 */
import { MemoryTransport } from '../../lib/bus/memory.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { isPulseError } from '../../lib/errors.ts';

const [dir, mode] = process.argv.slice(2);
if (!dir || (mode !== 'publish' && mode !== 'faults')) {
  console.error('usage: bus-log-child.ts <dir> publish|faults');
  process.exit(2);
}
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
const transport = new MemoryTransport({ partitions: 4, durable: { dir, minFreeBytes: 0 } });
await transport.start();

if (mode === 'publish') {
  for (let n = 0; ; n += 10) {
    await transport.publish(Topics.raw, Array.from({ length: 10 }, (_, i) => ({ key: `c-${n + i}`, value: `c-${n + i}` })));
    say({ acked: n + 10 });
  }
} else {
  const attempt = async (name: string, value: string) => {
    try {
      await transport.publish(Topics.raw, [{ key: name, value }]);
      say({ name, ok: true, failing: transport.logStatus()?.failing ?? null });
    } catch (err) {
      say({ name, ok: false, code: isPulseError(err) ? err.code : String(err), failing: transport.logStatus()?.failing ?? null });
    }
  };
  await attempt('small', 'x');
  await attempt('huge', 'y'.repeat(8 * 2 ** 20));
  await attempt('again', 'z');
  say({ lag: await transport.lag('reader', Topics.raw) });
  await transport.close();
}
