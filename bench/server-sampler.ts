/**
 * What the pipeline bench reads off the running server once a second: the classifier figures
 * from its `/metrics` (Prometheus text) and its CPU time and resident memory from /proc.
 *
 * A metric the server does not export reads as `null` (the members gauge and the scale-event
 * counter exist only where the classify stage scales), so the bench runs against any version.
 */
import fs from 'node:fs';

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

/** CPU time (user + system, all threads) and resident memory of a process, from /proc. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: ticks / 100, rssMb: (rssPages * 4096) / 2 ** 20 };
  } catch {
    return undefined;
  }
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

/** One reading of `/metrics` and of the server process's memory. */
export async function sampleServer(url: string, pid: number): Promise<ServerSample> {
  let exposition = '';
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (res.ok) exposition = await res.text();
  } catch {
    // a server too busy to answer within the timeout shows as a gap in the timeline
  }
  return {
    lag: metricValue(exposition, 'pulse_classifier_consumer_lag'),
    members: metricValue(exposition, 'pulse_classifier_members'),
    scaleUps: metricValue(exposition, 'pulse_classifier_scale_events_total', { direction: 'up' }),
    scaleDowns: metricValue(exposition, 'pulse_classifier_scale_events_total', { direction: 'down' }),
    rssMb: sampleProc(pid)?.rssMb ?? null,
  };
}
