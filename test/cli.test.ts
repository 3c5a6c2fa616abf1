// The command line as users run it: exit codes, formats, --output, errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Report } from '../src/report/types.js';
import { type CliRun, runCli } from './support/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

const kdeadlock = (...args: string[]): CliRun => runCli(path.join(work, 'cache'), ...args);

const SEED = 'fixtures/ipi-cycle/seed-shaped';

describe('kdeadlock scan', () => {
  it('reports the seed-shaped deadlock as JSON with the three CPU paths (exit 1)', () => {
    const r = kdeadlock('scan', '--root', SEED, '--format', 'json');
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.findings.length, 1);
    const [f] = report.findings;
    assert.equal(f?.rule, 'ipi-cycle');
    assert.deepEqual([...(f?.resources ?? [])].sort(), ['IPI', 'proclist_lock', 'tbl_page.ptl']);
    const roots = f?.cpus.map((c) => c.chain[0]?.function).sort();
    assert.deepEqual(roots, ['collect_region_procs', 'fault_copy_entry', 'fork_task_table']);
    const ends = f?.cpus.map((c) => `${c.chain.at(-1)?.file}:${c.chain.at(-1)?.line}`).sort();
    assert.deepEqual(ends, ['arch/x86/mm/flush.c:43', 'kernel/fork.c:33', 'mm/walk.c:27']);
    const writer = f?.cpus.find((c) => c.holds[0] === 'IPI');
    assert.equal(writer?.waitsFor, 'proclist_lock');
    assert.equal(writer?.irqsDisabled, true);
  });

  it('prints the lockdep-style table in text form', () => {
    const r = kdeadlock('scan', '--root', SEED);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^kernel\/fork\.c:33:\d+: error: \[ipi-cycle\]/m);
    assert.match(r.stdout, /Possible unsafe locking scenario/);
    assert.match(r.stdout, /CPU0 +CPU1 +CPU2/);
    assert.match(r.stdout, /\*\*\* DEADLOCK \*\*\*/);
    for (const fn of ['fork_task_table', 'collect_region_procs', 'walk_map_entry', 'native_flush_others']) {
      assert.match(r.stdout, new RegExp(`${fn}\\+`));
    }
  });

  it('stops quietly when its reader closes the pipe early (`| head`)', () => {
    // The HTML report is larger than a pipe's buffer: writing it meets the closed end.
    const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/run.ts scan --root ${SEED} --format html`;
    const r = spawnSync('bash', ['-c', `${cli} | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KDEADLOCK_CACHE: path.join(work, 'cache') },
    });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
  });

  it('exits 0 on a tree without findings', () => {
    const r = kdeadlock('scan', '--root', 'fixtures/ipi-cycle/reader-rcu', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Report).findings, []);
  });

  it('writes --output byte-identical whatever --jobs', () => {
    const a = path.join(work, 'a.json');
    const b = path.join(work, 'b.json');
    assert.equal(kdeadlock('scan', '--root', SEED, '--format', 'json', '-o', a, '--jobs', '1').code, 1);
    assert.equal(kdeadlock('scan', '--root', SEED, '--format', 'json', '-o', b, '--jobs', '3').code, 1);
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  });

  for (const [what, args] of [
    ['an unknown flag', ['scan', '--root', SEED, '--frobnicate']],
    ['a missing root', ['scan', '--root', 'no/such/dir']],
    ['a missing path', ['scan', '--root', SEED, 'no-such-subdir']],
    ['an unknown format', ['scan', '--root', SEED, '--format', 'xml']],
    ['an arch the tree does not have', ['scan', '--root', SEED, '--arch', 'vax']],
    ['no parser threads', ['scan', '--root', SEED, '--jobs', '0']],
    ['a cycle length of one', ['scan', '--root', SEED, '--max-cycle-length', '1']],
    ['check-patch with --root (its tree is --tree)', ['check-patch', 'test/patches/plain.diff', '--root', SEED]],
    ['no command', []],
  ] as const) {
    it(`exits 2 with one line on stderr for ${what}, writing nothing`, () => {
      const out = path.join(work, `err-${what.replace(/\W/g, '')}.json`);
      const r = kdeadlock(...args, '--output', out);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^kdeadlock: /);
      assert.equal(existsSync(out), false);
    });
  }
});

describe('kdeadlock --help', () => {
  it('lists each format of check-patch once, and one option for its tree', () => {
    const r = kdeadlock('check-patch', '--help');
    assert.equal(r.code, 0);
    const formats = /choices: ([^\]]*)\]/.exec(r.stdout.replace(/\s+/g, ' ').split('--format')[1] ?? '')?.[1] ?? '';
    assert.deepEqual(formats.split(', ').map((f) => f.replace(/"/g, '').trim()), ['text', 'json', 'sarif', 'mail', 'html', 'checkpatch']);
    assert.match(r.stdout, /--tree/);
    assert.doesNotMatch(r.stdout, /--root/);
  });
});

describe('kdeadlock scan --baseline', () => {
  it('reports only findings not in the baseline, and exits on those', () => {
    const base = path.join(work, 'base.json');
    assert.equal(kdeadlock('scan', '--root', SEED, '--format', 'json', '-o', base).code, 1);
    const again = kdeadlock('scan', '--root', SEED, '--format', 'json', '--baseline', base);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as Report).findings, []);
    const sarif = path.join(work, 'base.sarif');
    assert.equal(kdeadlock('scan', '--root', SEED, '--format', 'sarif', '-o', sarif).code, 1);
    assert.equal(kdeadlock('scan', '--root', SEED, '--baseline', sarif).code, 0);
    const other = kdeadlock('scan', '--root', 'fixtures/lock-cycle/abba-two-files', '--baseline', base, '--format', 'json');
    assert.equal(other.code, 1);
    assert.equal((JSON.parse(other.stdout) as Report).findings.length, 1);
  });

  it('rejects a baseline that is not a report with exit 2', () => {
    const junk = path.join(work, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    const r = kdeadlock('scan', '--root', SEED, '--baseline', junk);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kdeadlock: --baseline/);
  });
});
