// Shared by the real-kernel checks: Debian's trees and configs, and what the seed looks like.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../src/report/types.js';

const SCRIPTS = path.resolve('scripts');

/** A Debian linux-source tree or its amd64 config, fetched once into the kernels cache. */
export function fetchKernel(script: 'fetch-kernel.sh' | 'fetch-config.sh', version: string): string {
  return execFileSync('bash', [path.join(SCRIPTS, script), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

const functionsOf = (f: Finding): string[] => f.cpus.flatMap((c) => c.chain.map((s) => s.function));
export const touchesCollectProcs = (f: Finding): boolean => functionsOf(f).some((fn) => /^collect_procs_(anon|file|fsdax)$/.test(fn));

/** The seed: a reader of tasklist_lock in collect_procs_*, an IPI waiter under a ptl, write_lock_irq(&tasklist_lock). */
export function isSeed(f: Finding): boolean {
  if (f.rule !== 'ipi-cycle') return false;
  const reader = f.cpus.some((c) => c.holds[0] === 'tasklist_lock' && c.holdMode === 'read'
    && c.chain.some((s) => /^collect_procs_(anon|file)$/.test(s.function)));
  const ipiWaiter = f.cpus.some((c) => c.waitsFor === 'IPI' && c.chain.length > 1);
  const writer = f.cpus.some((c) => c.holds[0] === 'IPI' && c.waitsFor === 'tasklist_lock'
    && c.chain.some((s) => /write_lock_irq\(&tasklist_lock\)/.test(s.event)));
  return reader && ipiWaiter && writer;
}
