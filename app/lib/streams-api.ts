/**
 * Typed calls of `/api/streams` (README → HTTP API): keyword streams, their versions and the
 * preview of a draft. A change carries `If-Match` with the version it was made on, so a save
 * over somebody else's newer version answers 409 CONFLICT instead of overwriting it. A stored
 * channel can be sent a test alert.
 */
import type { AlertEvent } from '../../lib/contracts/alerts.ts';
import type { AlertRuleInput, PreviewResult, PublicStream, RemovedExamples } from '../../lib/contracts/streams.ts';
import { requestJson } from './api.ts';

export type { PreviewResult, PublicStream };

/**
 * A channel as the form sends it. An existing webhook or Slack channel sent as `{id, kind}`
 * keeps its stored URL and secret; with `url`/`secret` they are replaced.
 */
export interface ChannelInput {
  id?: string;
  kind: 'dashboard' | 'webhook' | 'slack';
  url?: string;
  secret?: string;
  /** Webhook and Slack: the alert events sent there; absent: opened, escalated, acknowledged, resolved. */
  events?: AlertEvent[];
}

/**
 * A channel URL saved although it reaches inside the network (the server allows that with
 * PULSE_ALLOW_PRIVATE_WEBHOOKS=1, and says so); `field` is `channels.<i>.url`.
 */
export interface ChannelWarning {
  field: string;
  message: string;
}

/** What a save answers: the stream, and the warnings about its channels, if any. */
export interface SavedStream {
  stream: PublicStream;
  warnings: ChannelWarning[];
}

/** How one "Send test" went (lib/alerts/test-send.ts). */
export interface ChannelTestResult {
  status: 'ok' | 'failed' | 'refused';
  target: string;
  httpStatus?: number;
  error?: string;
}

/** What POST and PUT take (lib/streams/stream.ts → StreamInputSchema). */
export interface StreamInput {
  /** Only on create; default: derived from the name. */
  id?: string;
  name: string;
  query: string;
  sources: string[];
  rule: AlertRuleInput;
  channels: ChannelInput[];
}

export type PreviewInput = Pick<StreamInput, 'query' | 'sources' | 'rule'> & { name?: string };

/** What the single-stream calls answer. */
type One = { stream: PublicStream };

const path = (id: string) => `/api/streams/${encodeURIComponent(id)}`;
/** The API's `ETag` is the version in quotes. */
const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

export async function listStreams(signal?: AbortSignal): Promise<PublicStream[]> {
  return (await requestJson<{ streams: PublicStream[] }>('/api/streams', { signal })).body.streams;
}

/** The latest version; its `version` is the server's `ETag`, what a save sends back as `If-Match`. */
export async function getStream(id: string, signal?: AbortSignal): Promise<PublicStream> {
  return (await requestJson<One>(path(id), { signal })).body.stream;
}

type Saved = One & { warnings?: ChannelWarning[] };
const savedOf = ({ stream, warnings }: Saved): SavedStream => ({ stream, warnings: warnings ?? [] });

export async function createStream(input: StreamInput): Promise<SavedStream> {
  return savedOf((await requestJson<Saved>('/api/streams', { method: 'POST', body: input })).body);
}

/** Saves a new version of the stream made on `version`; 409 CONFLICT if it is no longer the latest. */
export async function updateStream(id: string, version: number, input: Omit<StreamInput, 'id'>): Promise<SavedStream> {
  return savedOf((await requestJson<Saved>(path(id), { method: 'PUT', body: input, headers: ifMatch(version) })).body);
}

/** Sends a test alert to one stored channel of the stream; answers how the receiver took it. */
export async function testChannel(id: string, channel: string): Promise<ChannelTestResult> {
  return (await requestJson<{ result: ChannelTestResult }>(`${path(id)}/test-channel`, { method: 'POST', body: { channel } })).body.result;
}

export async function deleteStream(id: string, version: number): Promise<PublicStream> {
  return (await requestJson<One>(path(id), { method: 'DELETE', headers: ifMatch(version) })).body.stream;
}

/** Deletes every example stream (a first run's, made by Pulse for the demo) in one request. */
export async function removeExampleStreams(): Promise<RemovedExamples['removed']> {
  return (await requestJson<RemovedExamples>('/api/streams?example=true', { method: 'DELETE' })).body.removed;
}

/** Every version of the stream, newest first. */
export async function streamVersions(id: string, signal?: AbortSignal): Promise<PublicStream[]> {
  return (await requestJson<{ versions: PublicStream[] }>(`${path(id)}/versions`, { signal })).body.versions;
}

/** Matches, sample and would-be alerts of a draft over the stored messages of the last 24 h. */
export async function previewStream(input: PreviewInput, signal?: AbortSignal): Promise<PreviewResult> {
  return (await requestJson<PreviewResult>('/api/streams/preview', { method: 'POST', body: input, signal })).body;
}
