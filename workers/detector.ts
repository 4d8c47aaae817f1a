/**
 * The detector process for the distributed runtime: every tick it reads the per-second
 * sentiment of every keyword stream from ClickHouse, raises and resolves alerts, stores them
 * and delivers them (pulse.alerts for the dashboards, webhooks, Slack). Run exactly one.
 */
import { runWorkerProcess } from './worker-process.ts';

const help = `Usage: npm run worker:detector [-- --help]

Every PULSE_DETECT_TICK_MS (default 1000) reads the seconds of every keyword stream (and of
all messages, unless PULSE_ALL_STREAM_ALERTS=off) that are PULSE_DETECT_SETTLE_MS old from
ClickHouse's sentiment_1s, runs the anomaly detector (README.md → Anomaly detection), writes
alerts to the alerts table and delivers them to pulse.alerts (dashboards) and each stream's
webhook and Slack channels, with retries; every attempt is stored in alert_deliveries.
At start it reads each stream's recent history, so a restart neither waits for a new
baseline nor announces alerts twice. Every PULSE_DRIFT_CHECK_MS (default 5 min) its drift
watch compares each stream's last hour of messages scored by the champion model with that
model's reference and raises model_drift alerts (README.md → Drift watch).
Run exactly one detector per deployment. Needs
KAFKA_BROKERS and CLICKHOUSE_URL: the embedded runtime (npm start) runs its detector itself.

Environment: KAFKA_BROKERS, CLICKHOUSE_URL/USER/PASSWORD/DB, PULSE_DETECT_TICK_MS,
PULSE_DETECT_SETTLE_MS, PULSE_ALL_STREAM_ALERTS (off|low|medium|high, default medium),
PULSE_STREAMS_POLL_MS, PULSE_ALLOW_PRIVATE_WEBHOOKS, PULSE_PUBLIC_URL, PULSE_ALERT_MAX_ATTEMPTS,
PULSE_ALERT_DELIVERY_WINDOW_MS, PULSE_ALERT_ATTEMPT_TIMEOUT_MS, PULSE_DRIFT_PSI, PULSE_DRIFT_CHECK_MS,
PULSE_DRIFT_WINDOW_MS, PULSE_DRIFT_HOLD_MS, PULSE_DRIFT_REFERENCE_MESSAGES, PULSE_DRIFT_MIN_MESSAGES,
MODEL_DIR and PULSE_MODELS_DIR (the champion's tokenizer counts unknown words),
PULSE_METRICS_PORT (Prometheus /metrics of this process, default 9464). PULSE_SHUTDOWN_GRACE_MS (SIGTERM / SIGINT: the in-flight work finishes and commits within
it, then exit 0; a second signal exits at once). See README.md → Configuration.`;

runWorkerProcess({ stage: 'detector', help });
