// Whole kernel trees as a user runs them, through the built CLI (`npm run build` first): no
// paths, Debian's config, the default heap. A scan must finish within 4 GB of peak RSS; a rescan
// of the unchanged tree must give the same bytes in at most 5% of the cold time; check-patch of
// the RCU conversion must answer from the scan's image in at most 10% of it, the seed fixed.
// And --jobs 1 or 2, cold or warm, must not change a byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { PatchCheckReport, Report } from '../src/report/types.js';
import { fetchKernel, isSeed } from './support.js';

const GiB = 1024 ** 3;
const MAX_RSS = 4 * GiB;
const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-whole-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Run { code: number | null; seconds: number; maxRss: number; stderr: string }

/** The built CLI under /usr/bin/time, for its peak RSS (worker threads included: they are the same process). */
function kdeadlock(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, 'bin/kdeadlock.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { code: r.status, seconds, maxRss: kb * 1024, stderr: r.stderr };
}

function note(text: string): void {
  process.stderr.write(`# ${text}\n`);
}

const gb = (bytes: number): string => `${(bytes / GiB).toFixed(2)} GiB`;

function wholeTree(version: string, withPatch: boolean): void {
  it(`Linux ${version}: scan, rescan${withPatch ? ' and check-patch' : ''} of the whole tree`, { timeout: 80 * 60_000 }, () => {
    assert.ok(existsSync('/usr/bin/time'), '/usr/bin/time (Debian package time) measures peak RSS');
    const root = fetchKernel('fetch-kernel.sh', version);
    const config = fetchKernel('fetch-config.sh', version);
    const cache = path.join(work, `cache-${version}`);
    const common = ['--config', config, '--cache', cache, '--format', 'json', '--timings'];
    const coldJson = path.join(work, `cold-${version}.json`);
    const cold = kdeadlock(['scan', '--root', root, ...common, '-o', coldJson]);
    const report = JSON.parse(readFileSync(coldJson, 'utf8')) as Report;
    note(`${version} whole tree, cold: exit ${cold.code}, ${cold.seconds.toFixed(0)} s, peak RSS ${gb(cold.maxRss)}; `
      + `${report.stats.files} files, ${report.stats.functions} functions, ${report.findings.length} findings; ${cold.stderr.match(/timings: .*/)?.[0] ?? ''}`);
    assert.ok(cold.code === 0 || cold.code === 1, cold.stderr);
    assert.ok(cold.maxRss <= MAX_RSS, `peak RSS ${gb(cold.maxRss)} > 4 GiB`);

    const warmJson = path.join(work, `warm-${version}.json`);
    const warm = kdeadlock(['scan', '--root', root, ...common, '-o', warmJson]);
    note(`${version} whole tree, warm: ${warm.seconds.toFixed(1)} s = ${((100 * warm.seconds) / cold.seconds).toFixed(1)}% of cold, peak RSS ${gb(warm.maxRss)}`);
    assert.equal(warm.code, cold.code);
    assert.equal(readFileSync(warmJson, 'utf8'), readFileSync(coldJson, 'utf8'), 'the rescan gives the same bytes');
    assert.ok(warm.seconds <= 0.05 * cold.seconds, 'a rescan of the unchanged tree takes at most 5% of the cold scan');

    if (!withPatch) return;
    const patchJson = path.join(work, `check-${version}.json`);
    const patch = path.resolve('test-kernel/memory-failure-rcu-6.1.patch');
    const check = kdeadlock(['check-patch', patch, '--tree', root, ...common, '-o', patchJson]);
    const result = JSON.parse(readFileSync(patchJson, 'utf8')) as PatchCheckReport;
    note(`${version} whole tree, check-patch: ${check.seconds.toFixed(1)} s = ${((100 * check.seconds) / cold.seconds).toFixed(1)}% of cold, `
      + `peak RSS ${gb(check.maxRss)}; ${result.fixedFindings.length} fixed, ${result.newFindings.length} new; ${check.stderr.match(/check-patch: .*/)?.[0] ?? ''}`);
    assert.ok(result.fixedFindings.some(isSeed), 'the seed is reported fixed');
    assert.equal(result.newFindings.length, 0);
    assert.ok(check.seconds <= 0.1 * cold.seconds, 'check-patch after a scan takes at most 10% of the cold scan');
  });
}

describe('whole kernel trees', () => {
  wholeTree('6.1', true);
  wholeTree('6.12', false);
});

describe('--jobs does not change a byte, cold or warm', () => {
  it('6.1 mm kernel arch/x86 with --jobs 1 and 2', { timeout: 30 * 60_000 }, () => {
    const root = fetchKernel('fetch-kernel.sh', '6.1');
    const config = fetchKernel('fetch-config.sh', '6.1');
    const outputs: string[] = [];
    for (const [label, jobs, cache] of [['cold, 1 job, no cache', '1', null], ['cold, 2 jobs', '2', 'jobs-a'], ['warm, 2 jobs', '2', 'jobs-a'], ['cold, 1 job', '1', 'jobs-b'], ['warm, 1 job', '1', 'jobs-b']] as const) {
      const out = path.join(work, `jobs-${outputs.length}.json`);
      const cacheArgs = cache ? ['--cache', path.join(work, cache)] : ['--no-cache'];
      const r = kdeadlock(['scan', '--root', root, '--config', config, '--jobs', jobs, ...cacheArgs, '--format', 'json', '-o', out, 'mm', 'kernel', 'arch/x86']);
      note(`6.1 mm kernel arch/x86, ${label}: ${r.seconds.toFixed(1)} s, peak RSS ${gb(r.maxRss)}`);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      outputs.push(readFileSync(out, 'utf8'));
    }
    for (const o of outputs.slice(1)) assert.equal(o, outputs[0]);
  });
});
