/**
 * What a training job's process tells its parent: one JSON object per stdout line. The parent
 * (lib/training/runner.ts) reads every line through here; a line of another shape is ignored
 * (logged), never trusted, since a library in the child may print to stdout too.
 */
import { z } from 'zod';

const Dev = z.object({ epoch: z.number().int().min(0), accuracy: z.number().min(0).max(1), macroRecall: z.number().min(0).max(1) });

export const ProgressLine = z.object({
  type: z.literal('progress'),
  progress: z.number().min(0).max(1),
  phase: z.string().max(200),
  dev: Dev.nullable().optional(),
});

/** The last line of a job that succeeded: the folder it wrote and what to register it with. */
export const ResultLine = z.object({
  type: z.literal('result'),
  version: z.string().min(1),
  name: z.string().min(1),
  dir: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
});

export const JobLine = z.discriminatedUnion('type', [ProgressLine, ResultLine]);
export type JobLine = z.infer<typeof JobLine>;
export type ProgressLine = z.infer<typeof ProgressLine>;
export type ResultLine = z.infer<typeof ResultLine>;

/** The line's message, or null when it is not one (blank, not JSON, another shape). */
export function parseJobLine(line: string): JobLine | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const parsed = JobLine.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Splits a stream's chunks into whole lines, keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    return parts;
  }

  /** What was left without a final newline. */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
