// check-patch end to end on fixture trees: fixed, new and unchanged findings, RCU review notes,
// the checkpatch format and patch errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkPatch } from '../src/patch/check.js';
import type { PatchCheckReport } from '../src/report/types.js';
import { type CliRun, runCli } from './support/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-cp-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SEED = 'fixtures/ipi-cycle/seed-shaped';
const TRYLOCK = 'fixtures/lock-cycle/trylock';
const patch = (name: string): string => readFileSync(path.join('test/patches', name), 'utf8');

const kdeadlock = (...args: string[]): CliRun => runCli(path.join(work, 'cache'), ...args);

describe('check-patch', () => {
  it('reports the seed deadlock fixed by an RCU conversion, with review notes', async () => {
    const { result } = await checkPatch({ root: SEED, paths: [], arch: 'x86' }, patch('seed-shaped-rcu.patch'), 'seed-shaped-rcu.patch');
    assert.equal(result.newFindings.length, 0);
    assert.deepEqual(result.fixedFindings.map((f) => f.rule), ['ipi-cycle']);
    assert.equal(result.reviews.length, 1);
    const [review] = result.reviews;
    assert.equal(review?.function, 'collect_region_procs');
    assert.equal(review?.replacedLock, 'proclist_lock');
    assert.deepEqual(review?.writers.sites.map((s) => s.function), ['fork_task_table']);
    assert.deepEqual(review?.iterators.map((i) => [i.macro, i.rcuSafe]), [['for_each_task', false]]);
    assert.match(review?.note ?? '', /no atomic snapshot/);
  });

  it('counts as writers of the replaced lock no file-static namesake of it', async () => {
    const tree = path.join(work, 'seed-with-namesake');
    cpSync(SEED, tree, { recursive: true });
    mkdirSync(path.join(tree, 'drivers/other'), { recursive: true });
    writeFileSync(path.join(tree, 'drivers/other/table.c'), [
      '#include <linux/spinlock.h>', '', 'static DEFINE_RWLOCK(proclist_lock);', 'static int entries;', '',
      'void other_table_clear(void)', '{', '\twrite_lock(&proclist_lock);', '\tentries = 0;', '\twrite_unlock(&proclist_lock);', '}', '',
    ].join('\n'));
    const { result } = await checkPatch({ root: tree, paths: [], arch: 'x86' }, patch('seed-shaped-rcu.patch'), 'seed-shaped-rcu.patch');
    assert.deepEqual(result.reviews[0]?.writers.sites.map((s) => s.function), ['fork_task_table']);
  });

  it('a patch that gives a lock class a lockdep key of its own fixes its recursive locking, from the image too', async () => {
    const tree = path.join(work, 'same-class-twice');
    cpSync('fixtures/recursive-locking/same-class-twice', tree, { recursive: true });
    const rekey = [
      'diff --git a/drivers/frobbus/ports.c b/drivers/frobbus/ports.c', '--- a/drivers/frobbus/ports.c', '+++ b/drivers/frobbus/ports.c',
      '@@ -16,6 +16,7 @@', ' void frob_port_bind(struct frob_port *port, struct frob_port *peer)', ' {', ' \tport->peer = peer;',
      '+\tlockdep_set_class(&peer->lock, &frob_port_peer_key);', ' }', ' ', ' void frob_port_refill(struct frob_port *port)', '',
    ].join('\n');
    // No cache; a cold cache; the image the second run left (the key call stores a lock pointer, so the patched tree is analysed whole).
    for (const cacheDir of [null, path.join(work, 'rekey-cache'), path.join(work, 'rekey-cache')]) {
      const { result, mode } = await checkPatch({ root: tree, paths: [], arch: 'x86', cacheDir }, rekey, 'rekey.patch');
      assert.deepEqual(result.fixedFindings.map((f) => [f.rule, f.resources]), [['recursive-locking', ['frob_port.lock']]], mode);
      assert.deepEqual(result.newFindings, []);
      assert.equal(result.unchanged, 2);
    }
  });

  it('a patch that has a thread call a function puts that function on the thread, from the image too', async () => {
    const onThread = [
      'diff --git a/drivers/scsi/frob/frob_mbx.c b/drivers/scsi/frob/frob_mbx.c', '--- a/drivers/scsi/frob/frob_mbx.c', '+++ b/drivers/scsi/frob/frob_mbx.c',
      '@@ -52,7 +52,7 @@ static int frob_do_dpc(void *data)', ' \twhile (!kthread_should_stop()) {', ' \t\tif (test_and_clear_bit(FROB_ISP_ABORT_NEEDED, &ha->dpc_flags))',
      ' \t\t\tfrob_abort_isp(ha);', '-\t\tfrob_mailbox_command(ha, FROB_MBC_GET_STATS);', '+\t\tfrob_read_stats(ha, NULL);', ' \t\tset_current_state(TASK_INTERRUPTIBLE);',
      ' \t\tschedule();', ' \t}', '',
    ].join('\n');
    // `frob_read_stats()`'s own body does not change: only the call graph puts it on the DPC thread.
    for (const cacheDir of [null, path.join(work, 'thread-cache'), path.join(work, 'thread-cache')]) {
      const { result, mode } = await checkPatch({ root: 'fixtures/recursive-locking/thread-identity-ok', paths: [], arch: 'x86', cacheDir }, onThread, 'on-thread.patch');
      assert.deepEqual(result.newFindings.map((f) => [f.rule, f.resources]), [['recursive-locking', ['frob_hw.optrom_mutex']]], mode);
      assert.deepEqual(result.fixedFindings, []);
    }
  });

  it('fixing an AB-BA shows the longer cycle it implied, neither new nor fixed', async () => {
    const ring = 'fixtures/lock-cycle/six-lock-ring';
    const { result, after } = await checkPatch({ root: ring, paths: [], arch: 'x86' }, patch('six-lock-ring-fix-abba.patch'), 'six-lock-ring-fix-abba.patch');
    assert.deepEqual(result.fixedFindings.map((f) => f.resources.length), [2]);
    assert.deepEqual(result.newFindings, []);
    // The four-lock cycle through table -> port is reported now, and was implied before.
    assert.ok(after.findings.some((f) => f.resources.length === 4));
    assert.deepEqual(after.implied, []);
  });

  it('exits 1 on a patch that adds a deadlock, in checkpatch form', () => {
    const out = path.join(work, 'new.txt');
    const r = kdeadlock('check-patch', 'test/patches/trylock-to-lock.patch', '--tree', TRYLOCK, '--format', 'checkpatch', '-o', out);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^kernel\/sched\/\S+\.c:\d+: ERROR: \[lock-cycle\] /);
  });

  it('a comment-only patch changes nothing (exit 0, JSON contract)', () => {
    const r = kdeadlock('check-patch', 'test/patches/comment-only.patch', '--tree', TRYLOCK, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as PatchCheckReport;
    assert.equal(report.schemaVersion, 1);
    assert.deepEqual([report.newFindings.length, report.fixedFindings.length, report.unchanged], [0, 0, 0]);
  });

  it('reads the patch from stdin', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'check-patch', '-', '--tree', SEED], {
      input: patch('seed-shaped-rcu.patch'), encoding: 'utf8', env: { ...process.env, KDEADLOCK_CACHE: path.join(work, 'cache') },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 new, 1 fixed, 0 unchanged/);
  });

  it('a hunk that does not apply is one line on stderr and exit 2', () => {
    const r = kdeadlock('check-patch', 'test/patches/seed-shaped-rcu.patch', '--tree', TRYLOCK);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^kdeadlock: seed-shaped-rcu\.patch: mm\/poison\.c: /);
  });

  it('text that is not a patch is exit 2', () => {
    const r = kdeadlock('check-patch', 'README.md', '--tree', SEED);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no diff found/);
  });
});

describe('check-patch on UTF-8 sources', () => {
  it('applies a hunk whose context lines carry UTF-8', async () => {
    const root = path.join(work, 'utf8');
    mkdirSync(path.join(root, 'kernel'), { recursive: true });
    writeFileSync(path.join(root, 'kernel/a.c'), '/* Author: Jörg Ñandú */\nint x;\nvoid f(void)\n{\n}\n');
    const diff = '--- a/kernel/a.c\n+++ b/kernel/a.c\n@@ -1,3 +1,3 @@\n /* Author: Jörg Ñandú */\n-int x;\n+int y;\n void f(void)\n';
    const { result } = await checkPatch({ root, paths: [], arch: 'x86' }, diff, 'utf8.patch');
    assert.deepEqual([result.newFindings.length, result.fixedFindings.length], [0, 0]);
  });
});
