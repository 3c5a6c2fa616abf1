// Prints scan time against a bare tree-sitter parse of the same files, measured in one run.
//   npm run bench -- [ROOT [PATHS..]]     (default: every fixture tree, 20 rounds)
//   npm run bench -- ~/.cache/kdeadlock/kernels/linux-source-6.1 mm kernel arch/x86
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseC } from '../src/parse/parser.js';
import { scan, type Timings } from '../src/scan.js';
import { discoverFiles } from '../src/source/discover.js';

async function bareParse(root: string, files: string[]): Promise<number> {
  const t0 = performance.now();
  for (const f of files) (await parseC(await readFile(path.join(root, f), 'latin1'))).delete();
  return performance.now() - t0;
}

async function measure(root: string, paths: string[]): Promise<{ files: number; parse: number; scan: number; timings: Timings }> {
  const { files } = await discoverFiles({ root, paths, arch: 'x86' });
  const parse = await bareParse(root, files);
  const timings: Timings = {};
  const t0 = performance.now();
  await scan({ root, paths, arch: 'x86' }, timings);
  return { files: files.length, parse, scan: performance.now() - t0, timings };
}

const [root, ...paths] = process.argv.slice(2);
const targets = root ? [{ root, paths, rounds: 1 }] : ['ipi-cycle/seed-shaped', 'lock-cycle/three-locks'].map((d) => ({ root: path.join('fixtures', d), paths: [], rounds: 20 }));
await parseC('int warm_up;');
for (const t of targets) {
  let files = 0; let parse = 0; let total = 0;
  const stages: Timings = {};
  for (let i = 0; i < t.rounds; i++) {
    const m = await measure(t.root, t.paths);
    files = m.files; parse += m.parse; total += m.scan;
    for (const [k, v] of Object.entries(m.timings)) stages[k] = (stages[k] ?? 0) + v;
  }
  const stageText = Object.entries(stages).map(([k, v]) => `${k} ${(v / t.rounds / 1000).toFixed(2)}s`).join(', ');
  console.log(`${t.root} ${t.paths.join(' ')}: ${files} files; bare parse ${(parse / t.rounds / 1000).toFixed(2)}s, `
    + `scan ${(total / t.rounds / 1000).toFixed(2)}s, ratio scan/parse ${(total / parse).toFixed(2)} (${stageText})`);
}
