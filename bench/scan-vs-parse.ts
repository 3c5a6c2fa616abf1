// Prints, measured in one run: a bare single-thread tree-sitter parse of the files a scan reads,
// a cold scan (fresh cache), a warm rescan of the unchanged tree, their ratios and peak RSS.
// The scans run the built CLI (`npm run build` first) under /usr/bin/time.
//   npm run bench -- ROOT [--config FILE] [PATHS..]
//   npm run bench -- ~/.cache/kdeadlock/kernels/linux-source-6.1 --config ~/.cache/kdeadlock/kernels/config-6.1-amd64 mm kernel arch/x86
//   npm run bench                  (the bundled seed-shaped fixture)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { treeFiles } from '../src/analysis/tree.js';
import { parseC } from '../src/parse/parser.js';
import { parseKconfig } from '../src/source/kconfig.js';

async function bareParse(root: string, files: string[]): Promise<number> {
  const t0 = performance.now();
  for (const f of files) (await parseC(await readFile(path.join(root, f), 'latin1'))).delete();
  return (performance.now() - t0) / 1000;
}

function timedScan(args: string[]): { seconds: number; maxRssGiB: number; timings: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, 'bin/kdeadlock.js', 'scan', '--timings', '--format', 'json', '-o', '/dev/null', ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`scan failed: ${r.stderr}`);
  return { seconds, maxRssGiB: Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024 ** 2, timings: /timings: (.*)/.exec(r.stderr)?.[1] ?? '' };
}

const argv = process.argv.slice(2);
const configAt = argv.indexOf('--config');
const configFile = configAt >= 0 ? argv[configAt + 1] : undefined;
const rest = configAt >= 0 ? argv.filter((_, i) => i !== configAt && i !== configAt + 1) : argv;
const [root = 'fixtures/ipi-cycle/seed-shaped', ...paths] = rest;
const config = configFile ? { path: configFile, values: parseKconfig(readFileSync(configFile, 'utf8'), configFile) } : undefined;
const { files } = await treeFiles({ root, paths, arch: 'x86', config });
await parseC('int warm_up;');
const parse = await bareParse(path.resolve(root), files);
const cache = mkdtempSync(path.join(tmpdir(), 'kdeadlock-bench-'));
try {
  const args = ['--root', root, '--cache', cache, ...(configFile ? ['--config', configFile] : []), ...paths];
  const cold = timedScan(args);
  const warm = timedScan(args);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  console.log(`${root} ${paths.join(' ') || '(whole tree)'}: ${files.length} files`);
  console.log(`  bare parse (1 thread)  ${parse.toFixed(2)} s`);
  console.log(`  cold scan              ${cold.seconds.toFixed(2)} s  = ${(cold.seconds / parse).toFixed(2)}x bare parse  peak RSS ${cold.maxRssGiB.toFixed(2)} GiB  (${cold.timings})`);
  console.log(`  warm rescan            ${warm.seconds.toFixed(2)} s  = ${pct(warm.seconds / cold.seconds)} of cold      peak RSS ${warm.maxRssGiB.toFixed(2)} GiB`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
