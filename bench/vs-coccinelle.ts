// Prints, measured in one run: the kernel's own Coccinelle lock checks (scripts/coccinelle/locks/
// *.cocci, intraprocedural, in report mode, as `make coccicheck` runs them) against a cold
// kdeadlock scan (no cache) of the same directory, both on 2 threads. Needs spatch
// (`apt-get install coccinelle`) and the built CLI (`npm run build`).
//   npm run bench:coccinelle -- ~/.cache/kdeadlock/kernels/linux-source-6.1 [--config FILE] [DIR]   (DIR: mm)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
  return (performance.now() - t0) / 1000;
}

const argv = process.argv.slice(2);
const configAt = argv.indexOf('--config');
const configArgs = configAt >= 0 ? ['--config', argv[configAt + 1] as string] : [];
const rest = configAt >= 0 ? argv.filter((_, i) => i !== configAt && i !== configAt + 1) : argv;
const [root, dir = 'mm'] = rest;
if (!root) throw new Error('usage: npm run bench:coccinelle -- KERNEL_TREE [--config FILE] [DIR]');
const scripts = path.join(root, 'scripts/coccinelle/locks');
const cocci = readdirSync(scripts).filter((f) => f.endsWith('.cocci')).sort();
let spatch = 0;
for (const sp of cocci) {
  spatch += timed('spatch', ['-D', 'report', '--very-quiet', '--no-includes', '--include-headers', '-j', '2', '--sp-file', path.join(scripts, sp), '--dir', path.join(root, dir)]);
}
const kdeadlock = timed(process.execPath, ['bin/kdeadlock.js', 'scan', '--root', root, ...configArgs, '--no-cache', '--jobs', '2', '--format', 'json', '-o', '/dev/null', dir]);
console.log(`${root} ${dir}: Coccinelle ${cocci.join(' ')} (spatch -j 2): ${spatch.toFixed(1)} s; `
  + `kdeadlock scan, cold, --jobs 2: ${kdeadlock.toFixed(1)} s; kdeadlock is ${(spatch / kdeadlock).toFixed(1)}x faster`);
