/**
 * The trainer process for the distributed runtime: runs the training jobs people queue through
 * any server's API (POST /api/models/train), one at a time, each in its own child process, and
 * cancels them when asked (lib/training/runner.ts). Run exactly one, with the servers' own
 * trainer off (PULSE_EMBEDDED_TRAINER=0).
 */
import { runWorkerProcess } from './worker-process.ts';

const help = `Usage: npm run worker:trainer [-- --help]

Every second reads ClickHouse's training_jobs for the oldest queued job and runs it in its own
process group: lib/training/job-process.ts fine-tunes MODEL_DIR's model with
models/train/finetune.py (Python 3 with PyTorch and ONNX) on a sample of the base datasets
under DATASETS_DIR, people's labels and the chosen sets, writes the model to
PULSE_MODELS_DIR/<version>/ and evaluates it beside the champion. Each state the job reports
is stored, the model is registered, and a cancel asked for through the API (read every second)
kills the job's process. At start, a job a previous trainer left running is marked failed.
Run exactly one trainer per deployment, and set PULSE_EMBEDDED_TRAINER=0 on every server:
two trainers would both run the next queued job. Needs KAFKA_BROKERS and CLICKHOUSE_URL: the
embedded runtime (npm start) runs its trainer itself. PULSE_MODELS_DIR must be the folder the
classifier workers read (a shared volume).

Environment: KAFKA_BROKERS, CLICKHOUSE_URL/USER/PASSWORD/DB, MODEL_DIR, PULSE_MODELS_DIR,
DATASETS_DIR, PULSE_DEVICE, PULSE_METRICS_PORT (Prometheus /metrics of this process, default
9464). PULSE_SHUTDOWN_GRACE_MS (SIGTERM / SIGINT: a running job's process is killed at once
and the job marked failed, since a training run does not fit in a grace; then exit 0; a second
signal exits at once). See README.md → Configuration and → Training jobs.`;

runWorkerProcess({ stage: 'trainer', help });
