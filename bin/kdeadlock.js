#!/usr/bin/env node
// Installed entry point: the compiled CLI (`npm run build` produces dist/).
//
// Summarising a whole kernel allocates short-lived objects at a high rate: under V8's default
// 16 MB semi-space a third of that stage went to scavenges (6.1: 12,000 of them, 87 s). The CLI
// runs with a 64 MB one; node started without it is started again with it, once.
// The old generation may grow to 1.2 times what survived its last full collection, not V8's
// default of up to twice: on a whole 6.12 tree 1.6 GB stay live while the cycles are simulated,
// and the garbage simulation makes between full collections took peak RSS from 3.2 to 4 GiB.
// A soft bound: past it V8 collects sooner, it never fails an allocation.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SEMI_SPACE = '--max-semi-space-size';
const HEAP_GROWING = '--heap-growing-percent=20';
const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(SEMI_SPACE));

if (chosen) {
  await import('../dist/src/cli/run.js');
} else {
  const args = [...process.execArgv, `${SEMI_SPACE}=64`, HEAP_GROWING, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (child.error) {
    // Cannot start node again (resource limits): run here, with the default young generation.
    await import('../dist/src/cli/run.js');
  } else if (child.signal) {
    process.kill(process.pid, child.signal);
  } else {
    process.exitCode = child.status ?? 1;
  }
}
