// Real-kernel acceptance (slow, network: Debian's linux-source/linux-config packages).
// On 6.1 the memory-failure / tasklist_lock / ptl / TLB-flush IPI deadlock must be found;
// on 6.12 (collect_procs_* use RCU) it must not.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Report } from '../src/report/types.js';
import { fetchKernel, isSeed, touchesCollectProcs } from './support.js';
import { scan, type Timings } from '../src/scan.js';
import { parseKconfig } from '../src/source/kconfig.js';

const DIRS = ['mm', 'kernel', 'arch/x86'];

async function scanTree(version: string, withConfig: boolean): Promise<Report> {
  const root = fetchKernel('fetch-kernel.sh', version);
  const config = withConfig ? fetchKernel('fetch-config.sh', version) : null;
  const timings: Timings = {};
  const t0 = performance.now();
  const report = await scan({
    root, paths: DIRS, arch: 'x86',
    config: config ? { path: path.basename(config), values: parseKconfig(readFileSync(config, 'utf8'), config) } : undefined,
  }, timings);
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const s = report.stats;
  process.stderr.write(`# ${version} ${withConfig ? 'with' : 'without'} --config: ${report.findings.length} findings `
    + `(${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}), ${((performance.now() - t0) / 1000).toFixed(0)}s; `
    + `${s.files} files, functions with parse errors ${(100 * s.functionsWithErrors / s.functions).toFixed(1)}%, `
    + `lock ops of unknown class ${(100 * s.unknownLockOps / s.lockOps).toFixed(1)}%\n`);
  return report;
}

describe('Linux 6.1: the seed deadlock is found', () => {
  for (const withConfig of [true, false]) {
    it(`${withConfig ? 'with' : 'without'} Debian's config`, { timeout: 30 * 60_000 }, async () => {
      const report = await scanTree('6.1', withConfig);
      const seeds = report.findings.filter(isSeed);
      assert.ok(seeds.length > 0, 'an ipi-cycle through collect_procs_*, an IPI wait under a ptl, and write_lock_irq(&tasklist_lock)');
      for (const c of seeds[0]?.cpus ?? []) for (const s of c.chain) assert.ok(s.file && s.line > 0, `real file:line for ${s.function}`);
    });
  }
});

describe('Linux 6.12: collect_procs_* no longer take tasklist_lock', () => {
  it('with Debian\'s config', { timeout: 30 * 60_000 }, async () => {
    const report = await scanTree('6.12', true);
    assert.deepEqual(report.findings.filter((f) => f.rule === 'ipi-cycle' && touchesCollectProcs(f)).map((f) => f.message), []);
  });
});

describe('Linux 6.1: check-patch of the RCU conversion', () => {
  it('reports the seed as fixed, nothing new, and reviews the three walkers', { timeout: 30 * 60_000 }, async () => {
    const { checkPatch } = await import('../src/patch/check.js');
    const root = fetchKernel('fetch-kernel.sh', '6.1');
    const configPath = fetchKernel('fetch-config.sh', '6.1');
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'kdeadlock-kcache-'));
    try {
      const opts = { root, paths: DIRS, arch: 'x86', cacheDir, jobs: availableParallelism(),
        config: { path: path.basename(configPath), values: parseKconfig(readFileSync(configPath, 'utf8'), configPath) } };
      const t0 = performance.now();
      await scan(opts);
      const cold = performance.now() - t0;
      const text = readFileSync(path.resolve('test-kernel/memory-failure-rcu-6.1.patch'), 'utf8');
      // The scan left its summary image: check-patch analyses only what the patch changes.
      const t1 = performance.now();
      const { result, after, mode } = await checkPatch(opts, text, 'memory-failure-rcu-6.1.patch');
      const warm = performance.now() - t1;
      process.stderr.write(`# check-patch 6.1: cold scan ${(cold / 1000).toFixed(1)}s, warm check-patch ${(warm / 1000).toFixed(1)}s `
        + `(${((100 * warm) / cold).toFixed(0)}%); ${result.fixedFindings.length} fixed, ${result.newFindings.length} new; ${mode}\n`);
      assert.match(mode, /^incremental:/);
      const whole = await checkPatch({ ...opts, incremental: false }, text, 'memory-failure-rcu-6.1.patch');
      assert.deepStrictEqual(result, whole.result, 'incremental and whole analyses agree on the verdict');
      assert.deepStrictEqual(after, whole.after, 'incremental and whole analyses agree on the patched tree');
      // A patch that adds a function: ids move for every later function of the tree.
      const helper = readFileSync(path.resolve('test-kernel/memory-failure-helper-6.1.patch'), 'utf8');
      const added = await checkPatch(opts, helper, 'memory-failure-helper-6.1.patch');
      process.stderr.write(`# check-patch 6.1, a new helper: ${added.mode}\n`);
      assert.match(added.mode, /^incremental: .* 1 added/);
      const addedWhole = await checkPatch({ ...opts, incremental: false }, helper, 'memory-failure-helper-6.1.patch');
      assert.deepStrictEqual(added.result, addedWhole.result);
      assert.deepStrictEqual(added.after, addedWhole.after);
      assert.ok(added.after.findings.some((f) => f.cpus.some((c) => c.chain.some((s) => s.function === 'mf_read_tasklist'))),
        'the seed now runs through the new helper');
      assert.equal(result.newFindings.length, 0);
      assert.ok(result.fixedFindings.some(isSeed), 'the seed ipi-cycle is fixed');
      assert.deepEqual(result.reviews.map((r) => r.function).filter((f) => f.startsWith('collect_procs')).sort(),
        ['collect_procs_anon', 'collect_procs_file', 'collect_procs_fsdax']);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
