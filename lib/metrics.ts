/**
 * Prometheus metrics (prom-client), one registry per process, served at `/metrics`. Labels
 * are bounded (results, stages), never message ids or stream names.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusLogStatus } from './bus/bus.ts';

const throughputWindowMs = 10_000;
/** What `pulse_classifier_stage_duration_seconds` times of each micro-batch (lib/classify/member.ts). */
export const ClassifyStages = ['inference', 'store', 'publish'] as const;
export type ClassifyStage = (typeof ClassifyStages)[number];
/** Seconds: a micro-batch and each of its stages take milliseconds below saturation, seconds above. */
const batchBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pulse_process_' });
  const registers = [registry];
  // Batches finished by every classifier member of this process, for the throughput gauge: one
  // shared window, since members writing the gauge in turn would each show only their share.
  const finished: Array<{ at: number; n: number }> = [];
  const trim = (now: number) => {
    while (finished.length && finished[0]!.at < now - throughputWindowMs) finished.shift();
  };
  /** The bus's durable log, once `watchBusLog` named it: its gauges read it at each scrape. */
  let busLog: (() => BusLogStatus | null) | undefined;
  return {
    registry,
    /** Reads the durable log's figures at each scrape (the bus is made after the metrics). */
    watchBusLog(read: () => BusLogStatus | null): void {
      busLog = read;
    },
    busLogBytes: new Gauge({
      name: 'pulse_bus_log_bytes', help: "Size of the in-process bus's durable log file (0 without one)", registers,
      collect() {
        this.set(busLog?.()?.fileBytes ?? 0);
      },
    }),
    busLogRecords: new Gauge({
      name: 'pulse_bus_log_records', help: "Records held by the in-process bus's durable log for some group, or for groups to come", registers,
      collect() {
        this.set(busLog?.()?.records ?? 0);
      },
    }),
    /** A classifier member finished a micro-batch of `n` records. */
    noteClassified(n: number): void {
      const now = Date.now();
      finished.push({ at: now, n });
      trim(now);
    },
    ingested: new Counter({
      name: 'pulse_ingest_messages_total', help: 'Messages received by ingest, by result', labelNames: ['result'] as const, registers,
    }),
    deadLettered: new Counter({
      name: 'pulse_dlq_messages_total', help: 'Messages sent to pulse.dlq, by stage', labelNames: ['stage'] as const, registers,
    }),
    classified: new Counter({
      name: 'pulse_classifier_messages_total', help: 'Messages scored by classifiers, by result (stored, duplicate)',
      labelNames: ['result'] as const, registers,
    }),
    batchSize: new Histogram({
      name: 'pulse_classifier_batch_size', help: 'Records per classifier micro-batch',
      buckets: [1, 4, 16, 32, 64, 128, 256, 512, 1024, 4096], registers,
    }),
    batchSeconds: new Histogram({
      name: 'pulse_classifier_batch_duration_seconds', help: 'Time to classify, store and publish one micro-batch',
      buckets: batchBuckets, registers,
    }),
    /** Where a micro-batch's time goes: which stage to look at when the lag grows. */
    stageSeconds: new Histogram({
      name: 'pulse_classifier_stage_duration_seconds',
      help: 'Time a micro-batch spends in each stage: inference (waiting for a model thread and running), store (waiting for the insert and writing), publish',
      labelNames: ['stage'] as const, buckets: batchBuckets, registers,
    }),
    throughput: new Gauge({
      name: 'pulse_classifier_throughput_messages_per_second', help: 'Messages scored per second over the last 10 s', registers,
      collect() {
        trim(Date.now());
        this.set(finished.reduce((sum, b) => sum + b.n, 0) / (throughputWindowMs / 1000));
      },
    }),
    members: new Gauge({
      name: 'pulse_classifier_members',
      help: 'Classifier members running: in-process members of this process, or the classifier processes a supervisor runs', registers,
    }),
    scaleEvents: new Counter({
      name: 'pulse_classifier_scale_events_total', help: 'Steps of the classifier autoscaler, by direction (up, down)',
      labelNames: ['direction'] as const, registers,
    }),
    lag: new Gauge({
      name: 'pulse_classifier_consumer_lag', help: 'Raw messages not yet committed by the classifier group', registers,
    }),
    liveClients: new Gauge({
      name: 'pulse_live_clients', help: 'Dashboard connections on /ws', registers,
    }),
    liveMessages: new Counter({
      name: 'pulse_live_messages_total', help: 'Scored messages seen by the live hub, by result (added, duplicate, late, early)',
      labelNames: ['result'] as const, registers,
    }),
    liveTicksDropped: new Counter({
      name: 'pulse_live_ticks_dropped_total', help: 'Ticks not sent to a slow client (its next tick carries their counts)', registers,
    }),
    liveBufferedBytes: new Gauge({
      name: 'pulse_live_buffered_bytes', help: 'Bytes queued for /ws clients and not yet sent, all clients together', registers,
    }),
    alerts: new Counter({
      name: 'pulse_alerts_total', help: 'Alert versions written by the detector, by event (opened, updated, resolved)',
      labelNames: ['event'] as const, registers,
    }),
    detectorTickSeconds: new Histogram({
      name: 'pulse_detector_tick_duration_seconds', help: 'One detector tick: read every watched stream, detect, store alerts',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
    }),
    detectorStreams: new Gauge({
      name: 'pulse_detector_streams', help: 'Streams the detector watches (the all-messages stream included)', registers,
    }),
    alertDeliveries: new Counter({
      name: 'pulse_alert_deliveries_total',
      help: 'Attempts to deliver an alert event, by channel kind and result (ok, retried, failed, refused)',
      labelNames: ['channel', 'result'] as const, registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `/metrics` (and `/healthz`) on their own port, for worker processes that have no HTTP
 * server of their own; the main server serves the same registry on its main port.
 */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
          (err: Error) => res.writeHead(500).end(err.message),
        );
      } else if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      else res.writeHead(404).end();
    });
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
