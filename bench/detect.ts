/**
 * `npm run --silent detect -- --csv FILE`: the detector offline over a `timestamp,value` CSV
 * (NAB format), printing nothing but the annotated CSV on stdout.
 */
import { parseArgs } from 'node:util';
import { detectSeries, defaultSeriesRules } from '../harness/anomaly/series-detector.ts';
import { readSeriesCsv } from '../harness/anomaly/series-csv.ts';
import { runCli } from '../lib/cli.ts';
import { PulseError } from '../lib/errors.ts';

const r = defaultSeriesRules;
const help = `Usage: npm run --silent detect -- --csv FILE

Runs the anomaly detector over a time series, one row at a time, as the deployed detector
runs over a stream's seconds, and prints the CSV again with two columns added:

  timestamp,value,anomaly_score,alert

FILE: a header row "timestamp,value", then one row per observation in time order (the
Numenta Anomaly Benchmark format; timestamps "YYYY-MM-DD HH:MM:SS" or ISO 8601).
anomaly_score: in [0, 1], the evidence for a new alert at the row (0.5 = the alert
  threshold, |z| = ${r.zThreshold}; 0 while an alert is open or cooling down).
alert: 1 on the rows where the detector raises an alert (|z| ≥ ${r.zThreshold} on ${r.consecutive}
  consecutive row(s), not within ${r.cooldownRows} rows after the previous alert of the same direction ended).

Options:
  --csv FILE    the series to score
  -h, --help    show this help`;

async function main(): Promise<void> {
  // `… | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const { values } = parseArgs({
    options: { csv: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(help);
  if (!values.csv) throw new PulseError('INPUT_INVALID', `--csv FILE is required\n\n${help}`);
  const series = readSeriesCsv(values.csv);
  const { scores, alerts } = detectSeries(series.values);
  const lines = ['timestamp,value,anomaly_score,alert'];
  series.values.forEach((v, i) => lines.push(`${series.timestamps[i]},${v},${scores[i]},${alerts[i]}`));
  process.stdout.write(lines.join('\n') + '\n');
}

runCli(main);
