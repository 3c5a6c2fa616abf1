// check-patch analyses again only what a patch changes (src/incremental): the answer must be the
// whole analysis's, byte for byte, whether the baseline was computed in process or read back from
// a summary image; patches that change more than bodies fall back to the whole analysis; a
// damaged or stale cache must never change the answer.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { type CheckOptions, type PatchCheck, checkPatch } from '../src/patch/check.js';
import { applyPatchSet } from '../src/patch/apply.js';
import { parsePatch } from '../src/patch/parse.js';
import { type Timings, scan } from '../src/scan.js';
import { RACY_MS } from '../src/source/tree-index.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-inc-'));
after(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const tempDir = (what: string): string => mkdtempSync(path.join(work, `${what}-${dirs++}-`));

const SEED = 'fixtures/ipi-cycle/seed-shaped';
const ABBA = 'fixtures/lock-cycle/abba-two-files';
const THREE = 'fixtures/lock-cycle/three-locks';
const TRYLOCK = 'fixtures/lock-cycle/trylock';
const patchFile = (name: string): string => readFileSync(path.join('test/patches', name), 'utf8');
const optsFor = (root: string): CheckOptions => ({ root, paths: [], arch: 'x86' });

const WHOLE_ASKED = 'whole tree analysed again: asked for a whole analysis';

/** Equal as data and as the bytes a renderer would write. */
function same(actual: PatchCheck, expected: PatchCheck, label: string): void {
  assert.deepStrictEqual(actual.result, expected.result, `${label}: result differs from the whole analysis`);
  assert.deepStrictEqual(actual.after, expected.after, `${label}: after differs from the whole analysis`);
  assert.equal(JSON.stringify(actual.result), JSON.stringify(expected.result), `${label}: result bytes`);
  assert.equal(JSON.stringify(actual.after), JSON.stringify(expected.after), `${label}: after bytes`);
}

function imageDirs(cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'images');
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.endsWith('.tmp')).map((n) => path.join(dir, n)) : [];
}

/** The only image a scan left in a fresh cache. */
function onlyImage(cacheDir: string): string {
  const images = imageDirs(cacheDir);
  assert.equal(images.length, 1, `one image in ${cacheDir}`);
  return images[0] as string;
}

/** incremental, whole (a fallback), or either (where falling back is only caution). */
type Expect = 'incremental' | 'whole' | 'any';

/** The patch applied to a copy of the tree on disk, and that copy scanned. */
async function scanPatchedCopy(root: string, patchText: string): Promise<PatchCheck['after']> {
  const copy = tempDir('patched');
  cpSync(root, copy, { recursive: true });
  const files = applyPatchSet(parsePatch(patchText, 'test.patch'), (p) => {
    try {
      return readFileSync(path.join(copy, p), 'utf8');
    } catch {
      return null;
    }
  });
  for (const [file, text] of files) {
    if (text === null) rmSync(path.join(copy, file));
    else {
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      writeFileSync(path.join(copy, file), text);
    }
  }
  return scan(optsFor(copy));
}

/**
 * The patch checked several ways: whole (also against a scan of the patched tree on disk);
 * incremental from a baseline computed in process; from the image a scan left on disk (twice:
 * the first run must leave the image as it was); from the image check-patch itself left. All
 * must agree exactly. Returns the whole analysis's answer.
 */
async function both(root: string, patchText: string, expect: Expect, name = 'test.patch'): Promise<PatchCheck> {
  const opts = optsFor(root);
  const whole = await checkPatch({ ...opts, incremental: false }, patchText, name);
  assert.equal(whole.mode, WHOLE_ASKED);
  assert.deepStrictEqual(whole.after, await scanPatchedCopy(root, patchText), 'after is the scan of the patched tree');

  const inProcess = await checkPatch(opts, patchText, name);
  same(inProcess, whole, 'baseline computed in process');

  const cacheDir = tempDir('cache');
  const scanned = await scan({ ...opts, cacheDir });
  onlyImage(cacheDir);
  const timings: Timings = {};
  const fromImage = await checkPatch({ ...opts, cacheDir }, patchText, name, timings);
  assert.ok(!('save-image' in timings), 'the image the scan left was used, not a baseline computed again');
  same(fromImage, whole, 'baseline read from the image');
  const again = await checkPatch({ ...opts, cacheDir }, patchText, name);
  same(again, whole, 'baseline read from the image a second time');
  onlyImage(cacheDir);

  // No scan first: check-patch leaves the baseline's image itself, and the next run reads it.
  const ownCache = tempDir('cache');
  const first = await checkPatch({ ...opts, cacheDir: ownCache }, patchText, name);
  same(first, whole, 'baseline computed, then left as an image');
  onlyImage(ownCache);
  const second = await checkPatch({ ...opts, cacheDir: ownCache }, patchText, name);
  same(second, whole, 'baseline read from the image check-patch left');

  // The findings before the patch are the scan's: fixed ones are its findings gone after the patch.
  const before = new Set(scanned.findings.map((f) => f.fingerprint));
  const now = new Set(whole.after.findings.map((f) => f.fingerprint));
  assert.deepEqual(whole.result.fixedFindings, scanned.findings.filter((f) => !now.has(f.fingerprint)));
  assert.equal(whole.result.unchanged, whole.after.findings.filter((f) => before.has(f.fingerprint)).length);

  for (const [label, run] of [['in process', inProcess], ['from the image', fromImage], ['again from the image', again], ['image left', first], ['own image', second]] as const) {
    if (expect === 'any') continue;
    if (expect === 'incremental') assert.match(run.mode, /^incremental: /, `${label}: ${run.mode}`);
    else {
      assert.match(run.mode, /^whole tree analysed again: /, `${label}: ${run.mode}`);
      assert.notEqual(run.mode, WHOLE_ASKED, label);
    }
  }
  assert.equal(fromImage.mode, inProcess.mode, 'the same changes found from either baseline');
  return whole;
}

/** Every line a report's findings name: locations and every chain step, as `function@file:line`. */
const lines = (report: PatchCheck['after']): string[] =>
  report.findings.flatMap((f) => [`@${f.location.file}:${f.location.line}`, ...f.cpus.flatMap((c) => c.chain.map((s) => `${s.function}@${s.file}:${s.line}`))]);

/** `lines` of a report with the lines of `file` from `from` on moved by `by`. */
const shifted = (report: PatchCheck['after'], file: string, from: number, by: number): string[] =>
  lines(report).map((l) => {
    const at = l.lastIndexOf(':');
    const line = Number(l.slice(at + 1));
    return l.slice(0, at).endsWith(`@${file}`) && line >= from ? `${l.slice(0, at)}:${line + by}` : l;
  });

// ---------------------------------------------------------------- patches

/** abba-two-files: xbar_port_event now counts the event with port->lock held (stats_lock after port->lock). */
const ABBA_INVERSION = `--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -30,6 +30,6 @@
 {
 	spin_lock(&port->lock);	// ok: lock-cycle
 	port->tx_events++;
-	spin_unlock(&port->lock);
 	xbar_count_event();
+	spin_unlock(&port->lock);
 }
`;

/** three-locks: jrnl_commit hands the request to the queue after dropping jrnl_lock (breaks the cycle). */
const THREE_FIX = `--- a/fs/jrnl/commit.c
+++ b/fs/jrnl/commit.c
@@ -13,9 +13,8 @@
 {
 	spin_lock(&jrnl_lock);	// expect: lock-cycle
 	rq->seq = ++jrnl_next_seq;
-	/* Queue in sequence order: submit before dropping jrnl_lock. */
-	jq_submit(q, rq);
 	spin_unlock(&jrnl_lock);
+	jq_submit(q, rq);
 }
 EXPORT_SYMBOL_GPL(jrnl_commit);
 
`;

/** three-locks: a comment block at the top of block/jq.c moves jq_submit and jq_run (both in the cycle). */
const THREE_TOP_COMMENT = `--- a/block/jq.c
+++ b/block/jq.c
@@ -1,6 +1,9 @@
 // SPDX-License-Identifier: GPL-2.0
 /*
  * A minimal request queue in front of the journal ring.
+ *
+ * Requests are linked through ->next; q->lock protects the list and
+ * the depth counter, and is taken before jring_lock.
  */
 #include <linux/spinlock.h>
 #include <linux/jrnl.h>
`;

/**
 * seed-shaped: a new statement in vregion_find, the first function of mm/walk.c, moves
 * walk_map_entry (its spin_lock is in the ipi-cycle) and its caller vregion_maps_page; their
 * callers in mm/poison.c do not change but their witness chains must.
 */
const SEED_TOP_STATEMENT = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -10,6 +10,9 @@
 {
 	struct vregion *region;
 
+	/* The list is short: no lookup cache. */
+	cpu_relax();
+
 	for (region = as->regions; region; region = region->next)
 		if (addr >= region->start && addr < region->end)
 			return region;
`;

/** seed-shaped: a comment above everything in mm/poison.c moves collect_region_procs (in the cycle). */
const SEED_TOP_COMMENT = `--- a/mm/poison.c
+++ b/mm/poison.c
@@ -1,6 +1,8 @@
 // SPDX-License-Identifier: GPL-2.0-only
 /*
  * Frame poisoning: find every task that maps a bad frame and kill it.
+ * Victims are collected first and killed after the walk, with no lock
+ * held.
  */
 #include <linux/slab.h>
 #include <linux/spinlock.h>
`;

/** abba-two-files: a field in struct xbar_dev (a declaration others read). */
const ABBA_STRUCT = `--- a/include/linux/xbar.h
+++ b/include/linux/xbar.h
@@ -16,6 +16,7 @@
 	unsigned long		flags;
 	spinlock_t		lock;		/* protects flags, pending */
 	unsigned int		pending;
+	unsigned int		generation;
 	struct xbar_dev		*next;
 };
 
`;

/** abba-two-files: a new object macro. */
const ABBA_DEFINE = `--- a/include/linux/xbar.h
+++ b/include/linux/xbar.h
@@ -7,6 +7,7 @@
 
 #define XBAR_LINKED		0x0001
 #define XBAR_DYING		0x0002
+#define XBAR_STALE		0x0004
 
 #define XBAR_EV_DATA		0x0001
 #define XBAR_EV_GONE		0x0002
`;

/** abba-two-files: a new function taking port->lock then xbar_stats_lock (a new inversion). */
const ABBA_NEW_FUNCTION = `--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -33,3 +33,14 @@
 	spin_unlock(&port->lock);
 	xbar_count_event();
 }
+
+/* Fold the port into the totals while it is quiesced. */
+void xbar_port_quiesce(struct xbar_port *port)
+{
+	spin_lock(&port->lock);
+	spin_lock(&xbar_stats_lock);
+	xbar_totals.rx_events += port->rx_events;
+	port->rx_events = 0;
+	spin_unlock(&xbar_stats_lock);
+	spin_unlock(&port->lock);
+}
`;

/** abba-two-files: the same inversion in a new file. */
const ABBA_NEW_FILE = `--- /dev/null
+++ b/drivers/xbar/quiesce.c
@@ -0,0 +1,16 @@
+// SPDX-License-Identifier: GPL-2.0-only
+/*
+ * Crossbar ports: quiesce before reset.
+ */
+#include <linux/spinlock.h>
+#include <linux/xbar.h>
+
+void xbar_port_quiesce(struct xbar_port *port)
+{
+	spin_lock(&port->lock);
+	spin_lock(&xbar_stats_lock);
+	xbar_totals.rx_events += port->rx_events;
+	port->rx_events = 0;
+	spin_unlock(&xbar_stats_lock);
+	spin_unlock(&port->lock);
+}
`;

/** seed-shaped: walk_map_entry now clears the lock pointer it stored for its caller. */
const SEED_LOCK_POINTER = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -27,6 +27,7 @@
 	spin_lock(walk->ptl);	// expect: ipi-cycle
 	if (!pgent_present(*walk->pte) || pgent_pfn(*walk->pte) != walk->pfn) {
 		spin_unlock(walk->ptl);
+		walk->ptl = NULL;
 		return false;
 	}
 	return true;
`;

/** seed-shaped: a comment at the top of a header moves its inline functions and the pgtbl_map_lock macro (in the cycle). */
const SEED_HEADER_TOP = `--- a/include/linux/pgtbl.h
+++ b/include/linux/pgtbl.h
@@ -1,4 +1,7 @@
 /* SPDX-License-Identifier: GPL-2.0 */
+/*
+ * Page tables: one lock per table page.
+ */
 #ifndef _LINUX_PGTBL_H
 #define _LINUX_PGTBL_H
 
`;

/** seed-shaped: lines removed at the top of mm/walk.c move every function up. */
const SEED_TOP_REMOVED = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -1,7 +1,4 @@
 // SPDX-License-Identifier: GPL-2.0-only
-/*
- * Checking whether a frame is mapped at a given address of a region.
- */
 #include <linux/spinlock.h>
 #include <linux/pgtbl.h>
 #include <linux/pgwalk.h>
`;

/** seed-shaped: a condition changes in flush_mm_range, on the IPI sender's chain. */
const SEED_FLUSH_CONDITION = `--- a/arch/x86/mm/flush.c
+++ b/arch/x86/mm/flush.c
@@ -59,7 +59,7 @@
 	info->stride_shift = stride_shift;
 	info->freed_tables = freed_tables;
 
-	if (cpu_loaded_as[cpu] == as)
+	if (cpu_loaded_as[cpu] == as && !freed_tables)
 		rflush_local(start, end, stride_shift);
 	if (cpumask_any_but(as->cpus, cpu) < nr_cpu_ids)
 		flush_others(as->cpus, info);
`;

/** seed-shaped: a new call in alloc_proc_rec (kernel/fork.c), a callee of the cycle's writer fork_task_table. */
const SEED_ALLOC_CALL = `--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -14,6 +14,7 @@
 
 static struct proc_rec *alloc_proc_rec(void)
 {
+	might_sleep();
 	return kzalloc(sizeof(struct proc_rec), GFP_KERNEL);
 }
 
`;

/** three-locks: jq_run kicks the ring after dropping q->lock (a call leaves the locked region). */
const THREE_RUN_UNLOCK = `--- a/block/jq.c
+++ b/block/jq.c
@@ -36,8 +36,9 @@
 	struct jq_req *rq;
 
 	spin_lock(&q->lock);	// expect: lock-cycle
-	while (!q->stopped && (rq = jq_pop(q)) != NULL)
-		jring_kick(rq);
+	rq = q->stopped ? NULL : jq_pop(q);
 	spin_unlock(&q->lock);
+	if (rq)
+		jring_kick(rq);
 }
 EXPORT_SYMBOL_GPL(jq_run);
`;

describe('incremental check-patch gives the whole analysis, byte for byte', () => {
  it('seed-shaped-rcu.patch: the ipi-cycle is fixed, incrementally', async () => {
    const whole = await both(SEED, patchFile('seed-shaped-rcu.patch'), 'incremental', 'seed-shaped-rcu.patch');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['ipi-cycle']);
    assert.equal(whole.result.newFindings.length, 0);
    assert.equal(whole.result.reviews.length, 1);
  });

  it('a body-only change that inverts two locks is a new finding, incrementally', async () => {
    const whole = await both(ABBA, ABBA_INVERSION, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual(whole.result.fixedFindings, []);
    assert.deepEqual(whole.result.newFindings[0]?.resources.slice().sort(), ['xbar_port.lock', 'xbar_stats_lock']);
  });

  it('a body-only change that breaks a three-lock cycle fixes it, incrementally', async () => {
    const whole = await both(THREE, THREE_FIX, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual([whole.result.newFindings.length, whole.result.unchanged, whole.after.findings.length], [0, 0, 0]);
  });

  it('lines inserted at the top of a file move every later finding line (comment)', async () => {
    const base = await scan(optsFor(THREE));
    const whole = await both(THREE, THREE_TOP_COMMENT, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
    // jq_submit's lines moved inside jrnl_commit's chain too (jrnl_commit itself did not change).
    assert.deepEqual(lines(whole.after), shifted(base, 'block/jq.c', 4, 3));
    assert.ok(lines(whole.after).includes('jq_submit@block/jq.c:13'), lines(whole.after).join('\n'));
  });

  it('lines inserted at the top of a file move every later finding line (statement, callers in another file)', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_TOP_STATEMENT, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'mm/walk.c', 13, 3));
    assert.ok(lines(whole.after).includes('walk_map_entry@mm/walk.c:30'), lines(whole.after).join('\n'));
  });

  it('lines removed at the top of a file move every later finding line', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_TOP_REMOVED, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'mm/walk.c', 5, -3));
    assert.ok(lines(whole.after).includes('walk_map_entry@mm/walk.c:24'), lines(whole.after).join('\n'));
  });

  it('a comment at the top of the file holding a cycle root moves its lines', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_TOP_COMMENT, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'mm/poison.c', 4, 2));
    assert.ok(lines(whole.after).includes('collect_region_procs@mm/poison.c:38'), lines(whole.after).join('\n'));
  });

  it('a comment at the top of a header moves its inline functions and a macro in the cycle', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_HEADER_TOP, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'include/linux/pgtbl.h', 2, 3));
    assert.ok(lines(whole.after).some((l) => l === 'pgtbl_map_lock@include/linux/pgtbl.h:59'), lines(whole.after).join('\n'));
  });

  it('a condition changed on the IPI sender\'s chain', async () => {
    const whole = await both(SEED, SEED_FLUSH_CONDITION, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
  });

  it('a new call in a callee of a function in the cycle', async () => {
    const whole = await both(SEED, SEED_ALLOC_CALL, 'incremental');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
  });

  it('a call moved out of a locked region breaks the cycle', async () => {
    // Moving an unlock is a lock-API call: no lock pointer changes, so only jq_run is redone.
    const whole = await both(THREE, THREE_RUN_UNLOCK, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.findings.length, 0);
  });

  it('two files in one patch: a fix in one, lines moved in the other', async () => {
    const whole = await both(THREE, THREE_FIX + THREE_TOP_COMMENT, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.findings.length, 0);
  });

  it('comment-only.patch changes nothing', async () => {
    const whole = await both(TRYLOCK, patchFile('comment-only.patch'), 'incremental', 'comment-only.patch');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 0]);
  });

  it('trylock-to-lock.patch adds a deadlock', async () => {
    // park_try_retire stores into w->flags, but a trylock becoming a lock stores no lock pointer.
    const whole = await both(TRYLOCK, patchFile('trylock-to-lock.patch'), 'incremental', 'trylock-to-lock.patch');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
  });
});

describe('patches that change more than bodies fall back to the whole analysis', () => {
  it('a struct field', async () => {
    const whole = await both(ABBA, ABBA_STRUCT, 'whole');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
  });

  it('a #define', async () => {
    const whole = await both(ABBA, ABBA_DEFINE, 'whole');
    assert.deepEqual([whole.result.newFindings.length, whole.result.fixedFindings.length, whole.result.unchanged], [0, 0, 1]);
  });

  it('a new function (with a new inversion)', async () => {
    const whole = await both(ABBA, ABBA_NEW_FUNCTION, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.ok(whole.result.newFindings[0]?.cpus.some((c) => c.chain.some((s) => s.function === 'xbar_port_quiesce')));
  });

  it('a new file (with a new inversion)', async () => {
    const whole = await both(ABBA, ABBA_NEW_FILE, 'whole');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.stats.files, (await scan(optsFor(ABBA))).stats.files + 1);
  });

  it('a lock pointer a function stores for its caller', async () => {
    const whole = await both(SEED, SEED_LOCK_POINTER, 'whole');
    const inc = await checkPatch(optsFor(SEED), SEED_LOCK_POINTER, 'test.patch');
    assert.match(inc.mode, /walk_map_entry/);
    assert.equal(whole.after.findings.length, 1);
  });
});

// ---------------------------------------------------------------- the cache

/** A fresh cache holding the scan's image of `root`, and the image's directory. */
async function scannedCache(root: string): Promise<{ cacheDir: string; image: string }> {
  const cacheDir = tempDir('cache');
  await scan({ ...optsFor(root), cacheDir });
  return { cacheDir, image: onlyImage(cacheDir) };
}

/** checkPatch with the cache must not throw and must give the whole analysis. */
async function sameAsWhole(root: string, patchText: string, cacheDir: string, label: string): Promise<void> {
  const whole = await checkPatch({ ...optsFor(root), incremental: false }, patchText, 'test.patch');
  const cached = await checkPatch({ ...optsFor(root), cacheDir }, patchText, 'test.patch');
  same(cached, whole, label);
  // Whatever happened to the cache, the next run is right too.
  same(await checkPatch({ ...optsFor(root), cacheDir }, patchText, 'test.patch'), whole, `${label}, next run`);
}

function factsEntries(cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'facts');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((n) => path.join(dir, n)).filter((p) => p.endsWith('.json') && statSync(p).isFile());
}

/** The facts cache entry holding `file`'s facts. */
function factsEntryOf(cacheDir: string, file: string): string {
  const found = factsEntries(cacheDir).filter((p) => {
    try {
      return (JSON.parse(readFileSync(p, 'utf8')) as { value?: { path?: string } }).value?.path === file;
    } catch {
      return false;
    }
  });
  assert.equal(found.length, 1, `one facts entry for ${file}`);
  return found[0] as string;
}

describe('a damaged cache never changes the answer', () => {
  const cases: [string, (c: { cacheDir: string; image: string }) => void][] = [
    ['summaries.jsonl truncated', ({ image }) => {
      const p = path.join(image, 'summaries.jsonl');
      writeFileSync(p, readFileSync(p).subarray(0, 40));
    }],
    ['link.json garbage of another length', ({ image }) => writeFileSync(path.join(image, 'link.json'), 'garbage')],
    ['link.json garbage of the same length', ({ image }) => {
      const p = path.join(image, 'link.json');
      writeFileSync(p, Buffer.alloc(statSync(p).size, '#'));
    }],
    ['analysis.json valid JSON of the same length, wrong shape', ({ image }) => {
      const p = path.join(image, 'analysis.json');
      const n = statSync(p).size;
      writeFileSync(p, `[${' '.repeat(n - 2)}]`);
    }],
    ['witnesses.json removed', ({ image }) => rmSync(path.join(image, 'witnesses.json'))],
    ['manifest.json garbage', ({ image }) => writeFileSync(path.join(image, 'manifest.json'), '{"format":')],
    ['the facts cache deleted, the image kept', ({ cacheDir }) => rmSync(path.join(cacheDir, 'facts'), { recursive: true, force: true })],
    ['the tree index deleted', ({ cacheDir }) => rmSync(path.join(cacheDir, 'trees'), { recursive: true, force: true })],
    // Bodies (and more) of functions are read lazily from the facts cache, long after the image was opened.
    ['mm/poison.c\'s facts entry garbage', ({ cacheDir }) => writeFileSync(factsEntryOf(cacheDir, 'mm/poison.c'), 'garbage')],
    ['mm/poison.c\'s facts entry removed', ({ cacheDir }) => rmSync(factsEntryOf(cacheDir, 'mm/poison.c'))],
    ['mm/walk.c\'s facts entry garbage', ({ cacheDir }) => writeFileSync(factsEntryOf(cacheDir, 'mm/walk.c'), 'garbage')],
    ['kernel/fork.c\'s facts entry garbage', ({ cacheDir }) => writeFileSync(factsEntryOf(cacheDir, 'kernel/fork.c'), 'garbage')],
    ['include/linux/pgtbl.h\'s facts entry garbage', ({ cacheDir }) => writeFileSync(factsEntryOf(cacheDir, 'include/linux/pgtbl.h'), 'garbage')],
  ];
  // One patch whose changes reach callers in another file, one whose RCU review reads callees' bodies.
  const patches: [string, () => string][] = [['lines moved in mm/walk.c', () => SEED_TOP_STATEMENT], ['seed-shaped-rcu.patch', () => patchFile('seed-shaped-rcu.patch')]];
  for (const [label, damage] of cases) {
    for (const [patchLabel, text] of patches) {
      it(`${label} (${patchLabel})`, async () => {
        const c = await scannedCache(SEED);
        damage(c);
        await sameAsWhole(SEED, text(), c.cacheDir, label);
      });
    }
  }

  it('a damaged image is dropped when found, made anew by the next run, and read by the one after', async () => {
    const c = await scannedCache(SEED);
    const p = path.join(c.image, 'summaries.jsonl');
    writeFileSync(p, Buffer.alloc(statSync(p).size, '#'));
    const text = patchFile('seed-shaped-rcu.patch');
    const found = await checkPatch({ ...optsFor(SEED), cacheDir: c.cacheDir }, text, 'seed-shaped-rcu.patch');
    assert.match(found.mode, /summary image unusable/);
    assert.equal(imageDirs(c.cacheDir).length, 0, 'the damaged image is gone');
    const remade: Record<string, number> = {};
    await checkPatch({ ...optsFor(SEED), cacheDir: c.cacheDir }, text, 'seed-shaped-rcu.patch', remade);
    assert.ok('save-image' in remade, 'the next run makes the image anew');
    const timings: Record<string, number> = {};
    const again = await checkPatch({ ...optsFor(SEED), cacheDir: c.cacheDir }, text, 'seed-shaped-rcu.patch', timings);
    assert.match(again.mode, /^incremental:/);
    assert.ok(!('save-image' in timings), 'the image rewritten by the previous run was read');
    assert.equal(readFileSync(p, 'utf8').includes('##'), false);
  });

  it('the image made under other options is not read', async () => {
    const cacheDir = tempDir('cache');
    await scan({ ...optsFor(SEED), cacheDir, rules: ['lock-cycle'], maxChainDepth: 2 });
    onlyImage(cacheDir);
    const text = patchFile('seed-shaped-rcu.patch');
    await sameAsWhole(SEED, text, cacheDir, 'image of other options');
    const { result } = await checkPatch({ ...optsFor(SEED), cacheDir }, text, 'seed-shaped-rcu.patch');
    assert.deepEqual(result.fixedFindings.map((f) => f.rule), ['ipi-cycle']);
  });

  it('the image of another tree state is not read for this one', async () => {
    const { cacheDir } = await scannedCache(ABBA);
    // An image under every key this cache has for SEED would be wrong; ABBA's is simply not found.
    await sameAsWhole(SEED, SEED_TOP_STATEMENT, cacheDir, 'cache of another tree');
    assert.equal(imageDirs(cacheDir).length, 2, 'check-patch left the image of the tree it read');
  });
});

// ---------------------------------------------------------------- a tree that changed since the scan

/** A copy of a fixture tree whose files are old enough for the tree index to trust their stats. */
function copyTree(root: string): string {
  const dir = tempDir('tree');
  cpSync(root, dir, { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) utimesSync(path.join(dir, f), old, old);
  return dir;
}

describe('a tree changed on disk after the scan', () => {
  it('the image of the old state is not used for the new one', async () => {
    const tree = copyTree(THREE);
    const other = copyTree(THREE);
    // ctime cannot be set back: wait until the copies' stats are no longer racy.
    await sleep(RACY_MS + 100);
    const cacheDir = tempDir('cache');
    const opts = { ...optsFor(tree), cacheDir };
    const scanned = await scan(opts);
    assert.equal(scanned.findings.length, 1);
    const timings: Timings = {};
    await checkPatch(opts, THREE_TOP_COMMENT, 'test.patch', timings);
    assert.ok(!('discover' in timings), 'precondition: an unchanged tree is known from the tree index alone');

    // The cycle is broken in another file than the patch touches.
    const commit = path.join(tree, 'fs/jrnl/commit.c');
    writeFileSync(commit, readFileSync(commit, 'utf8').replace(
      '\t/* Queue in sequence order: submit before dropping jrnl_lock. */\n\tjq_submit(q, rq);\n\tspin_unlock(&jrnl_lock);\n',
      '\tspin_unlock(&jrnl_lock);\n\tjq_submit(q, rq);\n'));
    const whole = await checkPatch({ ...optsFor(tree), incremental: false }, THREE_TOP_COMMENT, 'test.patch');
    assert.deepEqual([whole.after.findings.length, whole.result.unchanged, whole.result.fixedFindings.length], [0, 0, 0]);
    const now = await checkPatch(opts, THREE_TOP_COMMENT, 'test.patch');
    same(now, whole, 'after another file changed');
    assert.match(now.mode, /^incremental: /);

    // The patched file itself changes away from the hunk; same size, old mtime: only ctime and content tell.
    const jq = path.join(other, 'block/jq.c');
    const text = readFileSync(jq, 'utf8');
    const otherOpts = { ...optsFor(other), cacheDir };
    await scan(otherOpts);
    const { mtime } = statSync(jq);
    // jq_run kicks the ring after dropping q->lock: the cycle is gone (same byte length).
    const swapped = text.replace('\twhile (!q->stopped && (rq = jq_pop(q)) != NULL)\n\t\tjring_kick(rq);\n\tspin_unlock(&q->lock);\n',
      '\trq = q->stopped ? NULL : jq_pop(q);\n\tspin_unlock(&q->lock);\n\tif (rq)\n\t\tjring_kick(rq);\n\n\n\n');
    assert.notEqual(swapped, text);
    assert.equal(Buffer.byteLength(swapped), Buffer.byteLength(text));
    writeFileSync(jq, swapped);
    utimesSync(jq, mtime, mtime);
    const wholeOther = await checkPatch({ ...optsFor(other), incremental: false }, THREE_TOP_COMMENT, 'test.patch');
    assert.equal(wholeOther.after.findings.length, 0);
    same(await checkPatch(otherOpts, THREE_TOP_COMMENT, 'test.patch'), wholeOther, 'after the patched file changed');
  });
});
