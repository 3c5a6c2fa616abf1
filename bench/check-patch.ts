// Prints warm check-patch time against a cold scan of the same tree, measured in one run, both
// through the built CLI (process start included), with a fresh cache directory:
//   1. cold scan: nothing cached (parses every file, leaves facts, tree index and summary image);
//   2. check-patch, three times, with that cache warm; the median is reported.
//   npm run bench:check-patch -- ROOT PATCH [--config FILE] [PATHS..]
//   npm run bench:check-patch -- ~/.cache/kdeadlock/kernels/linux-source-6.1 \
//     test-kernel/memory-failure-rcu-6.1.patch --config ~/.cache/kdeadlock/kernels/config-6.1-amd64 mm kernel arch/x86
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('bin/kdeadlock.js');

function timed(args: string[], cacheDir: string): { seconds: number; stderr: string } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [CLI, ...args, '--cache', cacheDir, '--timings', '--output', path.join(cacheDir, 'out')], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`kdeadlock ${args[0]} exited ${run.status}: ${run.stderr}`);
  return { seconds, stderr: run.stderr.trim() };
}

const [root, patch, ...rest] = process.argv.slice(2);
if (!root || !patch) {
  console.error('usage: bench/check-patch.ts ROOT PATCH [--config FILE] [PATHS..]');
  process.exit(2);
}
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kdeadlock-bench-'));
try {
  const cold = timed(['scan', '--root', root, '--format', 'json', ...rest], cacheDir);
  const warm = [1, 2, 3].map(() => timed(['check-patch', patch, '--tree', root, '--format', 'json', ...rest], cacheDir));
  const median = warm.map((w) => w.seconds).sort((a, b) => a - b)[1] as number;
  console.log(`cold scan ${cold.seconds.toFixed(2)}s (${cold.stderr})`);
  for (const w of warm) console.log(`warm check-patch ${w.seconds.toFixed(2)}s (${w.stderr.replace(/\n/g, '; ')})`);
  console.log(`ratio warm check-patch / cold scan: ${((median / cold.seconds) * 100).toFixed(1)}% (median of 3; target <= 10%)`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
