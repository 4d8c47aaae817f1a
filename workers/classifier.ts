/**
 * A classifier worker process for the distributed runtime: joins the `pulse-classifier`
 * consumer group on Kafka, scores raw messages and writes them to ClickHouse. Run as many as
 * the raw topic has partitions; Kafka shares the partitions among them.
 */
import { runWorkerProcess } from './worker-process.ts';

const help = `Usage: npm run worker:classifier [-- --help]

Consumes pulse.messages.raw in the consumer group "pulse-classifier", classifies each
micro-batch with the model pool, writes it to ClickHouse, publishes pulse.messages.scored and
commits. Each message is matched against the keyword streams, re-read from the store every
PULSE_STREAMS_POLL_MS (a saved change applies without a restart). Bad messages go to pulse.dlq. Needs KAFKA_BROKERS and CLICKHOUSE_URL: the
in-process bus and the embedded ClickHouse live inside the server process, which runs its
own classifiers (npm start).

Environment: KAFKA_BROKERS, CLICKHOUSE_URL/USER/PASSWORD/DB, MODEL_DIR, PULSE_DEVICE,
PULSE_MODEL_THREADS, PULSE_BATCH_MAX, PULSE_BATCH_WAIT_MS, PULSE_STREAMS_POLL_MS, PULSE_METRICS_PORT (Prometheus
/metrics of this process, default 9464). PULSE_SHUTDOWN_GRACE_MS (SIGTERM / SIGINT: the in-flight work finishes and commits within
it, then exit 0; a second signal exits at once). Several on one host, a fixed number or as many
as the lag asks for: npm run workers -- --help. See README.md → Configuration and → Scaling.`;

runWorkerProcess({ stage: 'classifier', help });
