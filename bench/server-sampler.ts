/**
 * What the pipeline bench reads off the running server once a second: the classifier figures
 * from its `/metrics` (Prometheus text) and its CPU time and resident memory from /proc.
 *
 * A metric the server does not export reads as `null` (the members gauge and the scale-event
 * counter exist only where the classify stage scales), so the bench runs against any version.
 */
import fs from 'node:fs';
import { ClassifyStages, type ClassifyStage } from '../lib/metrics.ts';
import { InferenceThreadName } from '../models/runtime/pool.ts';

export interface ProcSample {
  cpuSeconds: number;
  rssMb: number;
}

/** One reading of the server's classify stage; `null`: not exported (or not answered). */
export interface ServerSample {
  lag: number | null;
  members: number | null;
  scaleUps: number | null;
  scaleDowns: number | null;
  rssMb: number | null;
}

/**
 * A /proc `stat` line of a process or thread: its name (between the first `(` and the last `)`,
 * since a name may hold either) and the fields after it, counted from the state (field 3) on.
 */
function readStat(path: string): { name: string; fields: string[]; cpuSeconds: number } {
  const stat = fs.readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, in clock ticks of 1/100 s
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** CPU time (user + system, all threads) and resident memory of a process, from /proc. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const { fields, cpuSeconds } = readStat(`/proc/${pid}/stat`);
    const rssPages = Number(fields[21]);
    return { cpuSeconds, rssMb: (rssPages * 4096) / 2 ** 20 };
  } catch {
    return undefined;
  }
}

/**
 * The server's threads in four groups: its main thread (HTTP ingest, the bus, the classify
 * members' JS, the live hub), the inference threads (named by models/runtime/pool-worker.ts),
 * the other threads Node starts, which carry the process's name (libuv's pool, which runs
 * chdb's calls and file I/O, and V8's garbage-collection helpers), and the rest, named by the
 * embedded ClickHouse itself (its query and merge pools: `ThreadPool`, `MergeMutate`, …). Where
 * the CPU goes at saturation is what decides how close the pipeline comes to the model alone.
 */
export type ThreadGroup = 'main' | 'inference' | 'node' | 'engine';

function groupOf(pid: number, tid: number, name: string): ThreadGroup {
  if (tid === pid) return 'main';
  if (name === InferenceThreadName) return 'inference';
  return name === 'node' ? 'node' : 'engine';
}

/** CPU seconds per thread id with the thread's group, from /proc/<pid>/task. */
export function sampleThreads(pid: number): Map<number, { group: ThreadGroup; cpuSeconds: number }> {
  const threads = new Map<number, { group: ThreadGroup; cpuSeconds: number }>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const { name, cpuSeconds } = readStat(`/proc/${pid}/task/${tid}/stat`);
      threads.set(Number(tid), { group: groupOf(pid, Number(tid), name), cpuSeconds });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** CPU seconds per group between two readings (a thread born in between counts from zero). */
export function threadCpuBetween(
  start: ReturnType<typeof sampleThreads>,
  end: ReturnType<typeof sampleThreads>,
): Record<ThreadGroup, number> {
  const used: Record<ThreadGroup, number> = { main: 0, inference: 0, node: 0, engine: 0 };
  for (const [tid, { group, cpuSeconds }] of end) used[group] += cpuSeconds - (start.get(tid)?.cpuSeconds ?? 0);
  return used;
}

/** `name{a="x",b="y"} 12` → name, labels, value; comments and blank lines give undefined. */
function parseSampleLine(line: string): { name: string; labels: Record<string, string>; value: number } | undefined {
  const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
  if (!match) return undefined;
  const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { name: match[1]!, labels, value: Number(match[3]) };
}

/**
 * The sum of every series of `name` whose labels include `labels` (a gauge one process exports
 * per member or per partition adds up to the figure), or null when there is none.
 */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | null {
  let sum: number | null = null;
  for (const line of exposition.split('\n')) {
    const sample = parseSampleLine(line);
    if (sample?.name !== name || !Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) continue;
    sum = (sum ?? 0) + sample.value;
  }
  return sum;
}

/**
 * Each classify stage's mean time per micro-batch since the server started, in ms, and the
 * batches it counted; null where the server does not export the stage or counted no batch.
 */
export async function stageMeans(url: string): Promise<Record<ClassifyStage, { meanMs: number; batches: number } | null>> {
  const exposition = await readMetrics(url);
  const name = 'pulse_classifier_stage_duration_seconds';
  const mean = (stage: string) => {
    const sum = metricValue(exposition, `${name}_sum`, { stage });
    const batches = metricValue(exposition, `${name}_count`, { stage });
    return sum === null || !batches ? null : { meanMs: (sum / batches) * 1000, batches };
  };
  return Object.fromEntries(ClassifyStages.map((stage) => [stage, mean(stage)])) as Awaited<ReturnType<typeof stageMeans>>;
}

/** The server's `/metrics` text; empty when it does not answer within 5 s (every metric then reads null). */
async function readMetrics(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : '';
  } catch {
    // a server too busy to answer within the timeout shows as a gap in the timeline
    return '';
  }
}

/** One reading of `/metrics` and of the server process's memory. */
export async function sampleServer(url: string, pid: number): Promise<ServerSample> {
  const exposition = await readMetrics(url);
  return {
    lag: metricValue(exposition, 'pulse_classifier_consumer_lag'),
    members: metricValue(exposition, 'pulse_classifier_members'),
    scaleUps: metricValue(exposition, 'pulse_classifier_scale_events_total', { direction: 'up' }),
    scaleDowns: metricValue(exposition, 'pulse_classifier_scale_events_total', { direction: 'down' }),
    rssMb: sampleProc(pid)?.rssMb ?? null,
  };
}
