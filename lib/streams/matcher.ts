/**
 * Which keyword streams a message belongs to. Placeholder until the keyword-streams issue
 * lands: no streams exist yet, so every message matches none and is counted under '*' (all)
 * only. The classifier already calls this per message and stores the result, so streams
 * plug in here without touching the pipeline.
 */
import type { RawMessage } from '../message.ts';

export interface StreamMatcher {
  match(message: RawMessage): string[];
}

export const noStreams: StreamMatcher = { match: () => [] };
