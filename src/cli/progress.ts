// Progress on a terminal: one bar on stderr per long stage (parsing files, summarising the call
// graph's components), with rate and ETA. Nothing when stderr is not a terminal, nor when the
// report is JSON or SARIF going down a pipe (a machine reads that run).
import cliProgress from 'cli-progress';
import type { Progress, ProgressEvent } from '../facts/collect.js';

const LABELS: Record<ProgressEvent['phase'], { label: string; unit: string }> = {
  parse: { label: 'parse    ', unit: 'files' },
  summaries: { label: 'summaries', unit: 'components' },
};

export function progressBar(format: string, stdoutIsPipe: boolean, stderr: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stderr.isTTY) return undefined;
  if (stdoutIsPipe && (format === 'json' || format === 'sarif')) return undefined;
  let bar: cliProgress.SingleBar | null = null;
  let phase: ProgressEvent['phase'] | null = null;
  let started = 0;
  return (e) => {
    if (e.phase !== phase) {
      bar?.stop();
      phase = e.phase;
      started = Date.now();
      const { label, unit } = LABELS[e.phase];
      bar = new cliProgress.SingleBar({
        stream: stderr, clearOnComplete: false, hideCursor: true, etaBuffer: 200, fps: 5,
        format: `${label} [{bar}] {value}/{total} ${unit}{rate} | ETA {eta_formatted}`,
      }, cliProgress.Presets.shades_classic);
      bar.start(e.total, 0, { rate: '' });
    }
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    bar?.update(e.done, { rate: e.bytes > 0 ? ` | ${(e.bytes / 1e6 / seconds).toFixed(1)} MB/s` : '' });
    if (e.done >= e.total) { bar?.stop(); bar = null; phase = null; }
  };
}
