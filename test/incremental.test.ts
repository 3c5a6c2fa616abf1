// check-patch analyses again only what a patch changes (src/incremental): the answer must be the
// whole analysis's, byte for byte, whether the baseline was computed in process or read back from
// a summary image; patches that change more than bodies fall back to the whole analysis; a
// damaged or stale cache must never change the answer.
import assert from 'node:assert/strict';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
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
const GATED = 'fixtures/lock-cycle/held-by-callers';
const TRYLOCK = 'fixtures/lock-cycle/trylock';
const COMPLETION = 'fixtures/wait-cycle/completion-under-lock';
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

/** held-by-callers: vbus_disconnect no longer takes the mutex every other caller of vbus_unpair holds. */
const GATED_CALLER_UNLOCKED = `--- a/drivers/vbus/port.c
+++ b/drivers/vbus/port.c
@@ -57,7 +57,5 @@
 int vbus_disconnect(struct vbus_port *a)
 {
-	mutex_lock(&vbus_port_mutex);
 	vbus_unpair(a);
-	mutex_unlock(&vbus_port_mutex);
 	return 0;
 }
`;

/** held-by-callers: vbus_stats_flush no longer asserts the mutex its twin asserts. */
const GATED_ASSERTION_DROPPED = `--- a/drivers/vbus/cfg.c
+++ b/drivers/vbus/cfg.c
@@ -28,7 +28,5 @@
 void vbus_stats_flush(void)
 {
-	lockdep_assert_held(&vbus_cfg_mutex);
-
 	spin_lock(&vbus_stats.lock);	// ok: lock-cycle
 	spin_lock(&vbus_cfg.lock);	// ok: lock-cycle
 	vbus_stats.flushed = vbus_cfg.generation;
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
const COMMAND_MACRO = 'fixtures/sleep-in-atomic/command-macro-ok';
const COMMAND_MACRO_CMD_FIRST = `--- a/drivers/md/frob-raid.c
+++ b/drivers/md/frob-raid.c
@@ -24,8 +24,8 @@ struct frob_conf {
 do {								\\
 	if (cond)						\\
 		break;						\\
-	spin_unlock_irq(&(conf)->resync_lock);			\\
 	cmd;							\\
+	spin_unlock_irq(&(conf)->resync_lock);			\\
 	schedule();						\\
 	spin_lock_irq(&(conf)->resync_lock);			\\
 } while (0)
`;

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

// A second complete() of the firmware completion, made without the device lock: the waiter can be
// woken without it, so the lock is no longer blamed.
const COMPLETION_UNLOCKED_SIGNAL = `--- a/drivers/misc/frob/frob.c
+++ b/drivers/misc/frob/frob.c
@@ -26,6 +26,11 @@
 	mutex_unlock(&dev->lock);
 }
 
+void frob_fw_abort(struct frob_dev *dev)
+{
+	complete(&dev->fw_done);
+}
+
 int frob_probe(struct frob_dev *dev)
 {
 	mutex_init(&dev->lock);
`;

/** New, fixed and unchanged findings of a check. */
function counts(check: Pick<PatchCheck, 'result'>): [number, number, number] {
  return [check.result.newFindings.length, check.result.fixedFindings.length, check.result.unchanged];
}

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

  // Lines moved by the patch: every later line of the file moves in the findings, also inside the
  // chains of callers the patch did not touch (jq_submit's lines inside jrnl_commit's chain).
  const moves: { label: string; root: string; patch: () => string; file: string; from: number; by: number; sample: string }[] = [
    { label: 'lines inserted at the top of a file (comment)', root: THREE, patch: () => THREE_TOP_COMMENT, file: 'block/jq.c', from: 4, by: 3, sample: 'jq_submit@block/jq.c:13' },
    { label: 'lines inserted at the top of a file (statement, callers in another file)', root: SEED, patch: () => SEED_TOP_STATEMENT, file: 'mm/walk.c', from: 13, by: 3, sample: 'walk_map_entry@mm/walk.c:30' },
    { label: 'lines removed at the top of a file', root: SEED, patch: () => SEED_TOP_REMOVED, file: 'mm/walk.c', from: 5, by: -3, sample: 'walk_map_entry@mm/walk.c:24' },
    { label: 'a comment at the top of the file holding a cycle root', root: SEED, patch: () => SEED_TOP_COMMENT, file: 'mm/poison.c', from: 4, by: 2, sample: 'collect_region_procs@mm/poison.c:38' },
    { label: 'a comment at the top of a header (inline functions and a macro in the cycle)', root: SEED, patch: () => SEED_HEADER_TOP, file: 'include/linux/pgtbl.h', from: 2, by: 3, sample: 'pgtbl_map_lock@include/linux/pgtbl.h:59' },
  ];
  for (const m of moves) {
    it(`${m.label} moves every later finding line`, async () => {
      const base = await scan(optsFor(m.root));
      const whole = await both(m.root, m.patch(), 'incremental');
      assert.deepEqual(counts(whole), [0, 0, 1]);
      assert.deepEqual(lines(whole.after), shifted(base, m.file, m.from, m.by));
      assert.ok(lines(whole.after).includes(m.sample), lines(whole.after).join('\n'));
    });
  }

  it('a condition changed on the IPI sender\'s chain', async () => {
    const whole = await both(SEED, SEED_FLUSH_CONDITION, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
  });

  it('a new call in a callee of a function in the cycle', async () => {
    const whole = await both(SEED, SEED_ALLOC_CALL, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
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

  it('a caller that stops holding the lock every other caller holds: a new finding, incrementally', async () => {
    const whole = await both(GATED, GATED_CALLER_UNLOCKED, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.resources.slice().sort()), [['vbus_pair_lock', 'vbus_peer_lock']]);
  });

  it('a lockdep assertion removed: a new finding, incrementally', async () => {
    const whole = await both(GATED, GATED_ASSERTION_DROPPED, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.resources.slice().sort()), [['vbus_cfg.lock', 'vbus_stats.lock']]);
  });

  it('a complete() without the lock the waiter holds: the wait-cycle through the completion is fixed, incrementally', async () => {
    const whole = await both(COMPLETION, COMPLETION_UNLOCKED_SIGNAL, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['wait-cycle']);
    assert.equal(whole.after.findings.length, 0);
  });

  it('comment-only.patch changes nothing', async () => {
    const whole = await both(TRYLOCK, patchFile('comment-only.patch'), 'incremental', 'comment-only.patch');
    assert.deepEqual(counts(whole), [0, 0, 0]);
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
    assert.deepEqual(counts(whole), [0, 0, 1]);
  });

  it('a #define', async () => {
    const whole = await both(ABBA, ABBA_DEFINE, 'whole');
    assert.deepEqual(counts(whole), [0, 0, 1]);
  });

  it('a new function is no fallback any more: a new inversion, incrementally', async () => {
    const whole = await both(ABBA, ABBA_NEW_FUNCTION, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.ok(whole.result.newFindings[0]?.cpus.some((c) => c.chain.some((s) => s.function === 'xbar_port_quiesce')));
  });

  it('a new file (with a new inversion)', async () => {
    const whole = await both(ABBA, ABBA_NEW_FILE, 'whole');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.stats.files, (await scan(optsFor(ABBA))).stats.files + 1);
  });

  it('a macro a caller writes out in place (it runs an argument as a statement)', async () => {
    // frob_freeze() expands frob_wait_barrier_cmd(): running `cmd` before the unlock changes
    // what frob_freeze() does, not what the macro's own summary says.
    const whole = await both(COMMAND_MACRO, COMMAND_MACRO_CMD_FIRST, 'whole');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['sleep-in-atomic']);
  });

  it('a lock pointer a function stores for its caller', async () => {
    const whole = await both(SEED, SEED_LOCK_POINTER, 'whole');
    const inc = await checkPatch(optsFor(SEED), SEED_LOCK_POINTER, 'test.patch');
    assert.match(inc.mode, /walk_map_entry/);
    assert.equal(whole.after.findings.length, 1);
  });
});

// ---------------------------------------------------------------- functions added, removed or moved

/** abba-two-files: xbar_port_event's body moves into a new static helper that now counts the event with port->lock held. */
const ABBA_NEW_HELPER = `--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -26,10 +26,16 @@
 }
 EXPORT_SYMBOL_GPL(xbar_handle_event);
 
-void xbar_port_event(struct xbar_port *port)
+/* Counts the event in the port and in the totals, under the port lock. */
+static void xbar_port_count_locked(struct xbar_port *port)
 {
-	spin_lock(&port->lock);	// ok: lock-cycle
+	spin_lock(&port->lock);
 	port->tx_events++;
-	spin_unlock(&port->lock);
 	xbar_count_event();
+	spin_unlock(&port->lock);
+}
+
+void xbar_port_event(struct xbar_port *port)
+{
+	xbar_port_count_locked(port);
 }
`;

/** seed-shaped: the loop body of collect_region_procs (under proclist_lock) moves into a new static helper, task_maps_frame. */
const SEED_NEW_HELPER = `--- a/mm/poison.c
+++ b/mm/poison.c
@@ -27,22 +27,27 @@
 	*list = v;
 }
 
+/* Whether task @t maps frame @pfn at @addr. */
+static bool task_maps_frame(struct proc_rec *t, unsigned long pfn,
+			    unsigned long addr)
+{
+	struct vregion *region;
+
+	if (!t->as || (t->flags & (PROCF_EXITING | PROCF_KTHREAD)))
+		return false;
+	region = vregion_find(t->as, addr);
+	return region && vregion_maps_page(pfn, region, addr);
+}
+
 static void collect_region_procs(unsigned long pfn, unsigned long addr,
 				 struct poison_victim **list)
 {
-	struct vregion *region;
 	struct proc_rec *t;
 
 	read_lock(&proclist_lock);	// expect: ipi-cycle
-	for_each_task (t) {
-		if (!t->as || (t->flags & (PROCF_EXITING | PROCF_KTHREAD)))
-			continue;
-		region = vregion_find(t->as, addr);
-		if (!region)
-			continue;
-		if (vregion_maps_page(pfn, region, addr))
+	for_each_task (t)
+		if (task_maps_frame(t, pfn, addr))
 			poison_add_victim(list, t, addr);
-	}
 	read_unlock(&proclist_lock);
 }
 
`;

/** seed-shaped: cpumask_any_but, which flush_mm_range (arch/x86/mm/flush.c, untouched) calls with the table lock held, is defined in kernel/fork.c; it takes proclist_lock for write. */
const SEED_DEFINE_CALLED = `--- a/kernel/fork.c
+++ b/kernel/fork.c
@@ -40,6 +40,17 @@
 }
 EXPORT_SYMBOL_GPL(fork_task_table);
 
+/* Any CPU of @mask but @cpu, while no task can be forked onto it. */
+unsigned int cpumask_any_but(const struct cpumask *mask, unsigned int cpu)
+{
+	unsigned int other;
+
+	write_lock(&proclist_lock);
+	other = cpumask_first_but(mask, cpu);
+	write_unlock(&proclist_lock);
+	return other;
+}
+
 static int __init proclist_init(void)
 {
 	proclist_head = NULL;
`;

/** seed-shaped: a new inline function in a header for a name wpfault_handle (mm/fault.c) calls, above the pgtbl_map_lock macro of the cycle. */
const SEED_HEADER_INLINE = `--- a/include/linux/pgtbl.h
+++ b/include/linux/pgtbl.h
@@ -49,6 +49,12 @@
 	return tbl_page(dir)->entries + ((addr >> PGTBL_SHIFT) & (PGTBL_ENTRIES - 1));
 }
 
+/* Frames come from the boot-time pool until the allocator is up. */
+static inline unsigned long frame_alloc(void)
+{
+	return frame_pool_take();
+}
+
 /*
  * Map the entry for @addr and take its table lock, which is also stored
  * in *@ptlp for the caller's spin_unlock(). Kept on one line on purpose.
`;

/** abba-two-files: xbar_unlink (core.c) is removed; xbar_handle_event (event.c) defers the unlink instead. */
const ABBA_REMOVE_UNLINK = `--- a/drivers/xbar/core.c
+++ b/drivers/xbar/core.c
@@ -30,21 +30,6 @@
 }
 EXPORT_SYMBOL_GPL(xbar_register);
 
-/* Called with dev->lock held. */
-void xbar_unlink(struct xbar_dev *dev)
-{
-	struct xbar_dev **pp;
-
-	spin_lock(&xbar_list_lock);	// expect: lock-cycle
-	for (pp = &xbar_list; *pp; pp = &(*pp)->next) {
-		if (*pp == dev) {
-			*pp = dev->next;
-			break;
-		}
-	}
-	spin_unlock(&xbar_list_lock);
-}
-
 /* Fold a port's counters into the global totals. */
 void xbar_stats_fold_port(struct xbar_port *port)
 {
--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -20,7 +20,7 @@
 	if ((event & XBAR_EV_GONE) && (dev->flags & XBAR_LINKED)) {
 		dev->flags &= ~XBAR_LINKED;
 		dev->flags |= XBAR_DYING;
-		xbar_unlink(dev);
+		xbar_defer_unlink(dev);
 	}
 	spin_unlock(&dev->lock);
 }
`;

/** three-locks: jrnl_note_done is removed; jring_complete (block/jring.c, untouched) still calls it. */
const THREE_REMOVE_CALLED = `--- a/fs/jrnl/commit.c
+++ b/fs/jrnl/commit.c
@@ -18,11 +18,3 @@
 	spin_unlock(&jrnl_lock);
 }
 EXPORT_SYMBOL_GPL(jrnl_commit);
-
-void jrnl_note_done(u64 seq)
-{
-	spin_lock(&jrnl_lock);	// expect: lock-cycle
-	if (seq > jrnl_done_seq)
-		jrnl_done_seq = seq;
-	spin_unlock(&jrnl_lock);
-}
`;

/** abba-two-files: xbar_mark_linked is removed with its call in xbar_register. */
const ABBA_REMOVE_MARK = `--- a/drivers/xbar/core.c
+++ b/drivers/xbar/core.c
@@ -12,19 +12,11 @@
 struct xbar_dev *xbar_list;
 struct xbar_stats xbar_totals;
 
-static void xbar_mark_linked(struct xbar_dev *dev)
-{
-	spin_lock(&dev->lock);	// expect: lock-cycle
-	dev->flags |= XBAR_LINKED;
-	spin_unlock(&dev->lock);
-}
-
 int xbar_register(struct xbar_dev *dev)
 {
 	spin_lock(&xbar_list_lock);	// expect: lock-cycle
 	dev->next = xbar_list;
 	xbar_list = dev;
-	xbar_mark_linked(dev);
 	spin_unlock(&xbar_list_lock);
 	return 0;
 }
`;

/** three-locks: jring_kick is renamed jring_push, its caller jq_run (block/jq.c) with it. */
const THREE_RENAME = `--- a/block/jq.c
+++ b/block/jq.c
@@ -37,7 +37,7 @@
 
 	spin_lock(&q->lock);	// expect: lock-cycle
 	while (!q->stopped && (rq = jq_pop(q)) != NULL)
-		jring_kick(rq);
+		jring_push(rq);
 	spin_unlock(&q->lock);
 }
 EXPORT_SYMBOL_GPL(jq_run);
--- a/block/jring.c
+++ b/block/jring.c
@@ -12,7 +12,7 @@
 static struct jq_req *jring_slots[JRING_SIZE];
 static unsigned int jring_head, jring_tail;
 
-void jring_kick(struct jq_req *rq)
+void jring_push(struct jq_req *rq)
 {
 	spin_lock(&jring_lock);	// expect: lock-cycle
 	jring_slots[jring_head++ % JRING_SIZE] = rq;
`;

/** three-locks: jring_kick and jring_complete change places (bodies unchanged). */
const THREE_SWAP = `--- a/block/jring.c
+++ b/block/jring.c
@@ -12,13 +12,6 @@
 static struct jq_req *jring_slots[JRING_SIZE];
 static unsigned int jring_head, jring_tail;
 
-void jring_kick(struct jq_req *rq)
-{
-	spin_lock(&jring_lock);	// expect: lock-cycle
-	jring_slots[jring_head++ % JRING_SIZE] = rq;
-	spin_unlock(&jring_lock);
-}
-
 /* Completion: retire the oldest request and tell the journal. */
 void jring_complete(void)
 {
@@ -33,6 +26,13 @@
 }
 EXPORT_SYMBOL_GPL(jring_complete);
 
+void jring_kick(struct jq_req *rq)
+{
+	spin_lock(&jring_lock);	// expect: lock-cycle
+	jring_slots[jring_head++ % JRING_SIZE] = rq;
+	spin_unlock(&jring_lock);
+}
+
 static int __init jring_init(void)
 {
 	jring_head = 0;
`;

/** seed-shaped: vregion_find and walk_map_entry (whose body others' lock identity reads) change places. */
const SEED_SWAP = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -6,16 +6,6 @@
 #include <linux/pgtbl.h>
 #include <linux/pgwalk.h>
 
-struct vregion *vregion_find(struct addr_space *as, unsigned long addr)
-{
-	struct vregion *region;
-
-	for (region = as->regions; region; region = region->next)
-		if (addr >= region->start && addr < region->end)
-			return region;
-	return NULL;
-}
-
 /* Returns true with walk->ptl held if the entry maps walk->pfn. */
 static bool walk_map_entry(struct pgtbl_walk *walk)
 {
@@ -32,6 +22,16 @@
 	return true;
 }
 
+struct vregion *vregion_find(struct addr_space *as, unsigned long addr)
+{
+	struct vregion *region;
+
+	for (region = as->regions; region; region = region->next)
+		if (addr >= region->start && addr < region->end)
+			return region;
+	return NULL;
+}
+
 bool vregion_maps_page(unsigned long pfn, struct vregion *region,
 		       unsigned long addr)
 {
`;

/** abba-two-files: a static xbar_unlink in event.c, without the list lock, shadows core.c's for xbar_handle_event. */
const ABBA_SHADOW = `--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -12,6 +12,12 @@
 	spin_unlock(&xbar_stats_lock);
 }
 
+/* Dying crossbars are dropped from the list lazily: no list lock here. */
+static void xbar_unlink(struct xbar_dev *dev)
+{
+	dev->pending = 0;
+}
+
 void xbar_handle_event(struct xbar_dev *dev, unsigned int event)
 {
 	spin_lock(&dev->lock);	// expect: lock-cycle
`;

/** seed-shaped: a static flush_range_page in mm/pgtbl_generic.c, flushing locally, shadows the header's inline one. */
const SEED_SHADOW_INLINE = `--- a/mm/pgtbl_generic.c
+++ b/mm/pgtbl_generic.c
@@ -5,6 +5,12 @@
 #include <linux/pgtbl.h>
 #include <asm/rangeflush.h>
 
+/* These tables are only ever loaded on this CPU: a local flush is enough. */
+static inline void flush_range_page(struct vregion *region, unsigned long addr)
+{
+	local_flush_tlb_range(addr, addr + PGTBL_SIZE);
+}
+
 /*
  * Clear the entry for @addr and make sure no CPU still caches it.
  * The caller holds the table lock.
`;

/** abba-two-files: a function-like macro xbar_unlink in event.c shadows core.c's function. */
const ABBA_SHADOW_MACRO = `--- a/drivers/xbar/event.c
+++ b/drivers/xbar/event.c
@@ -12,6 +12,9 @@
 	spin_unlock(&xbar_stats_lock);
 }
 
+/* Unlinking waits for the list's next quiescent point. */
+#define xbar_unlink(dev)	xbar_defer_unlink(dev)
+
 void xbar_handle_event(struct xbar_dev *dev, unsigned int event)
 {
 	spin_lock(&dev->lock);	// expect: lock-cycle
`;

/** seed-shaped: a new function stores a lock pointer parameter into walk->ptl. */
const SEED_NEW_PTL_STORE = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -51,3 +51,10 @@
 	return true;
 }
 EXPORT_SYMBOL_GPL(vregion_maps_page);
+
+/* Start a walk whose table lock the caller already looked up. */
+void walk_init(struct pgtbl_walk *walk, spinlock_t *ptl)
+{
+	walk->ptl = ptl;
+	walk->flags = 0;
+}
`;

/** seed-shaped: a new function stores a looked-up lock pointer into walk->ptl. */
const SEED_NEW_PTL_LOOKUP = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -51,3 +51,10 @@
 	return true;
 }
 EXPORT_SYMBOL_GPL(vregion_maps_page);
+
+/* Takes the table lock of the walk's directory, for walk_unlock_table(). */
+void walk_lock_table(struct pgtbl_walk *walk)
+{
+	walk->ptl = pgtbl_lockptr(walk->region->as, walk->dir);
+	spin_lock(walk->ptl);
+}
`;

/** seed-shaped: wpfault_handle, which stores into vmf->dir, is removed. */
const SEED_REMOVE_STORER = `--- a/mm/fault.c
+++ b/mm/fault.c
@@ -35,24 +35,3 @@
 	spin_unlock(vmf->ptl);
 	return ret;
 }
-
-int wpfault_handle(struct pgtbl_fault *vmf)
-{
-	unsigned long new_pfn;
-
-	if (!pgent_present(vmf->orig))
-		return -EFAULT;
-
-	new_pfn = frame_alloc();
-	if (!new_pfn)
-		return -ENOMEM;
-	frame_copy(new_pfn, pgent_pfn(vmf->orig));
-
-	vmf->dir = pgtbl_dir_lookup(vmf->region->as, vmf->address);
-	if (!fault_copy_entry(vmf, new_pfn)) {
-		frame_free(new_pfn);
-		return -EAGAIN;
-	}
-	return 0;
-}
-EXPORT_SYMBOL(wpfault_handle);
`;

/** seed-shaped: pgent_pfn is removed; walk_map_entry calls it, and its lock pointers are read by vregion_maps_page. */
const SEED_REMOVE_CONSULTED_CALLEE = `--- a/include/linux/pgtbl.h
+++ b/include/linux/pgtbl.h
@@ -16,11 +16,6 @@
 	return ent.ent & PGENT_PRESENT;
 }
 
-static inline unsigned long pgent_pfn(pgent_t ent)
-{
-	return ent.ent >> PGENT_PFN_SHIFT;
-}
-
 static inline pgent_t pgent_get_and_clear(pgent_t *pte)
 {
 	pgent_t old = *pte;
`;

/** seed-shaped: a new function writes only constants into fields, NULL into the lock pointer walk->ptl among them. */
const SEED_NEW_CONSTANT_STORES = `--- a/mm/walk.c
+++ b/mm/walk.c
@@ -51,3 +51,11 @@
 	return true;
 }
 EXPORT_SYMBOL_GPL(vregion_maps_page);
+
+/* Forget the walk's position: no entry mapped, no lock held. */
+void walk_reset(struct pgtbl_walk *walk)
+{
+	walk->pte = NULL;
+	walk->ptl = NULL;
+	walk->flags = 0;
+}
`;

/** Every chain step of one finding, as `function@file:line`. */
const steps = (f: PatchCheck['after']['findings'][number]): string[] => f.cpus.flatMap((c) => c.chain.map((s) => `${s.function}@${s.file}:${s.line}`));

/** The mode of an incremental check of `patchText` from a baseline computed in process. */
const modeOf = async (root: string, patchText: string): Promise<string> => (await checkPatch(optsFor(root), patchText, 'test.patch')).mode;

/** A tree of `files` (path → text) in a fresh directory. */
function treeOf(files: Record<string, string>): string {
  const dir = tempDir('tree');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

/**
 * A small tree where a field holds a lock pointer that obj_init sets by passing `&o->lockp` to
 * obj_pick_lock, and obj_work takes that lock before obj_b_lock (obj_other takes them the other
 * way round). With `picked`, obj_pick_lock (in drivers/obj/pick.c) stores &obj_a_lock: a cycle.
 */
const outParamTree = (picked: boolean): string => treeOf({
  'include/linux/obj.h': `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_OBJ_H
#define _LINUX_OBJ_H

#include <linux/spinlock.h>

struct obj {
	spinlock_t		*lockp;
	unsigned int		n;
};

extern spinlock_t obj_a_lock;
extern spinlock_t obj_b_lock;

#endif /* _LINUX_OBJ_H */
`,
  'drivers/obj/core.c': `// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include <linux/obj.h>

DEFINE_SPINLOCK(obj_a_lock);
DEFINE_SPINLOCK(obj_b_lock);

void obj_init(struct obj *o)
{
	obj_pick_lock(&o->lockp);
}

void obj_work(struct obj *o)
{
	spin_lock(o->lockp);
	spin_lock(&obj_b_lock);
	o->n++;
	spin_unlock(&obj_b_lock);
	spin_unlock(o->lockp);
}

void obj_other(void)
{
	spin_lock(&obj_b_lock);
	spin_lock(&obj_a_lock);
	spin_unlock(&obj_a_lock);
	spin_unlock(&obj_b_lock);
}
`,
  'drivers/obj/pick.c': `// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include <linux/obj.h>

void obj_noop(void)
{
}
${picked ? `
void obj_pick_lock(spinlock_t **lockp)
{
	*lockp = &obj_a_lock;
}
` : ''}`,
});

const OBJ_PICK_ADDED = `--- a/drivers/obj/pick.c
+++ b/drivers/obj/pick.c
@@ -5,3 +5,8 @@
 void obj_noop(void)
 {
 }
+
+void obj_pick_lock(spinlock_t **lockp)
+{
+	*lockp = &obj_a_lock;
+}
`;

const OBJ_PICK_REMOVED = `--- a/drivers/obj/pick.c
+++ b/drivers/obj/pick.c
@@ -5,8 +5,3 @@
 void obj_noop(void)
 {
 }
-
-void obj_pick_lock(spinlock_t **lockp)
-{
-	*lockp = &obj_a_lock;
-}
`;

/** A small tree where kick_setup assigns kick_b_work, defined nowhere, to ops->kick, which kick_run calls under kick_a_lock. */
const kickTree = (): string => treeOf({
  'include/linux/kick.h': `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KICK_H
#define _LINUX_KICK_H

#include <linux/spinlock.h>

struct kick_ops {
	void			(*kick)(void);
};

extern spinlock_t kick_a_lock;
extern spinlock_t kick_b_lock;

#endif /* _LINUX_KICK_H */
`,
  'drivers/kick/core.c': `// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include <linux/kick.h>

DEFINE_SPINLOCK(kick_a_lock);
DEFINE_SPINLOCK(kick_b_lock);

void kick_setup(struct kick_ops *ops)
{
	ops->kick = kick_b_work;
}

void kick_run(struct kick_ops *ops)
{
	spin_lock(&kick_a_lock);
	ops->kick();
	spin_unlock(&kick_a_lock);
}

void kick_other(void)
{
	spin_lock(&kick_b_lock);
	spin_lock(&kick_a_lock);
	spin_unlock(&kick_a_lock);
	spin_unlock(&kick_b_lock);
}
`,
  'drivers/kick/work.c': `// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include <linux/kick.h>

void kick_noop(void)
{
}
`,
});

/** kick_b_work, taking kick_b_lock, defined in drivers/kick/work.c. */
const KICK_DEFINED = `--- a/drivers/kick/work.c
+++ b/drivers/kick/work.c
@@ -5,3 +5,9 @@
 void kick_noop(void)
 {
 }
+
+void kick_b_work(void)
+{
+	spin_lock(&kick_b_lock);
+	spin_unlock(&kick_b_lock);
+}
`;

/**
 * embedded-lock-places-ok: a new function initialises a context's mutex through a pointer, which
 * keys every context alike: the two channels' mutexes become one class and close a cycle.
 */
const PLACES_NEW_INIT = `--- a/drivers/scsi/frobhba/frobhba.c
+++ b/drivers/scsi/frobhba/frobhba.c
@@ -81,3 +81,9 @@
 \tmutex_init(&hba->mgmt_cmds.mutex);
 \treturn hba;
 }
+
+/* A context reset through a pointer: one key for every context it is given. */
+void frob_cmd_ctx_reset(struct frob_cmd_ctx *ctx)
+{
+\tmutex_init(&ctx->mutex);
+}
`;

describe('functions added, removed or moved', () => {
  it('a new function that initialises a lock through a pointer (a fallback today): the places that lock was keyed by are one class again', async () => {
    const whole = await both('fixtures/lock-cycle/embedded-lock-places-ok', PLACES_NEW_INIT, 'any');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
  });

  it('a new static helper called from a changed function: a new lock-cycle through it', async () => {
    const whole = await both(ABBA, ABBA_NEW_HELPER, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    const found = whole.result.newFindings[0];
    assert.ok(found);
    assert.deepEqual(found.resources.slice().sort(), ['xbar_port.lock', 'xbar_stats_lock']);
    const chain = steps(found);
    for (const s of ['xbar_port_count_locked@drivers/xbar/event.c:32', 'xbar_port_count_locked@drivers/xbar/event.c:34', 'xbar_count_event@drivers/xbar/event.c:10']) assert.ok(chain.includes(s), `${s} in\n${chain.join('\n')}`);
    assert.ok(!chain.some((s) => s.startsWith('xbar_port_event@')), chain.join('\n'));
    assert.equal(whole.result.unchanged, 1);
  });

  it('a loop body moved into a new static helper: the ipi-cycle\'s chain goes through it', async () => {
    const whole = await both(SEED, SEED_NEW_HELPER, 'incremental');
    // The chain is part of the fingerprint: the same deadlock, found again through the helper.
    assert.deepEqual([whole.result.newFindings.map((f) => f.rule), whole.result.fixedFindings.map((f) => f.rule)], [['ipi-cycle'], ['ipi-cycle']]);
    assert.deepEqual(whole.result.newFindings[0]?.resources, whole.result.fixedFindings[0]?.resources);
    const chain = lines(whole.after);
    for (const s of ['collect_region_procs@mm/poison.c:47', 'collect_region_procs@mm/poison.c:49', 'task_maps_frame@mm/poison.c:39', 'vregion_maps_page@mm/walk.c:48']) assert.ok(chain.includes(s), `${s} in\n${chain.join('\n')}`);
  });

  it('a new function for a name an untouched function in another file already called', async () => {
    // flush_mm_range calls cpumask_any_but with the table lock held (the IPI sender's chain).
    const whole = await both(SEED, SEED_DEFINE_CALLED, 'incremental');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual([whole.result.fixedFindings.length, whole.result.unchanged], [0, 1]);
    const chain = steps(whole.result.newFindings[0] as PatchCheck['after']['findings'][number]);
    assert.ok(chain.includes('flush_mm_range@arch/x86/mm/flush.c:64'), chain.join('\n'));
    assert.ok(chain.includes('cpumask_any_but@kernel/fork.c:48'), chain.join('\n'));
  });

  it('a new inline function in a header, above a macro in the cycle, for a name an untouched function calls', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_HEADER_INLINE, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'include/linux/pgtbl.h', 52, 6));
    assert.ok(lines(whole.after).includes('pgtbl_map_lock@include/linux/pgtbl.h:62'), lines(whole.after).join('\n'));
    assert.match(await modeOf(SEED, SEED_HEADER_INLINE), /\b1 added, 0 removed\b/);
  });

  it('a function removed with the call to it: the cycle through it is fixed', async () => {
    const whole = await both(ABBA, ABBA_REMOVE_UNLINK, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.ok(steps(whole.result.fixedFindings[0] as PatchCheck['after']['findings'][number]).includes('xbar_unlink@drivers/xbar/core.c:38'));
    assert.deepEqual([whole.result.newFindings.length, whole.after.findings.length], [0, 0]);
    assert.match(await modeOf(ABBA, ABBA_REMOVE_UNLINK), /\b0 added, 1 removed\b/);
  });

  it('a function removed that an untouched function in another file still calls: the call no longer resolves', async () => {
    const whole = await both(THREE, THREE_REMOVE_CALLED, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual([whole.result.newFindings.length, whole.after.findings.length], [0, 0]);
  });

  it('a function removed whose body or-s a constant into a field, with its call: the cycle is fixed', async () => {
    // `dev->flags |= XBAR_LINKED` reads as a function-pointer binding to the fallback check (an identifier into a field).
    const whole = await both(ABBA, ABBA_REMOVE_MARK, 'any');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.findings.length, 0);
  });

  it('a function renamed, its caller in another file with it', async () => {
    const whole = await both(THREE, THREE_RENAME, 'incremental');
    // The chain is part of the fingerprint: the same three locks, found again under the new name.
    assert.deepEqual([whole.result.newFindings.map((f) => f.rule), whole.result.fixedFindings.map((f) => f.rule)], [['lock-cycle'], ['lock-cycle']]);
    assert.deepEqual(whole.result.newFindings[0]?.resources, whole.result.fixedFindings[0]?.resources);
    assert.ok(lines(whole.after).includes('jring_push@block/jring.c:17'), lines(whole.after).join('\n'));
    assert.ok(!lines(whole.after).some((l) => l.startsWith('jring_kick@')), lines(whole.after).join('\n'));
    assert.match(await modeOf(THREE, THREE_RENAME), /\b1 added, 1 removed\b/);
  });

  it('two functions in the cycle swap places: ids and lines follow file order', async () => {
    const whole = await both(THREE, THREE_SWAP, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    for (const s of ['jring_kick@block/jring.c:31', 'jring_complete@block/jring.c:20', 'jring_complete@block/jring.c:23']) assert.ok(lines(whole.after).includes(s), `${s} in\n${lines(whole.after).join('\n')}`);
    assert.match(await modeOf(THREE, THREE_SWAP), /\b0 added, 0 removed\b/);
  });

  it('a function whose body others\' lock identity reads swaps places with its neighbour', async () => {
    const whole = await both(SEED, SEED_SWAP, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.ok(lines(whole.after).includes('walk_map_entry@mm/walk.c:17'), lines(whole.after).join('\n'));
    assert.ok(lines(whole.after).includes('vregion_maps_page@mm/walk.c:48'), lines(whole.after).join('\n'));
  });

  it('a new static function shadows another file\'s for its file\'s callers: the cycle through that one is fixed', async () => {
    const whole = await both(ABBA, ABBA_SHADOW, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual([whole.result.newFindings.length, whole.after.findings.length], [0, 0]);
  });

  it('a new static function in a .c file shadows a header\'s inline one: the IPI is no longer reached', async () => {
    const whole = await both(SEED, SEED_SHADOW_INLINE, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['ipi-cycle']);
    assert.deepEqual([whole.result.newFindings.length, whole.after.findings.length], [0, 0]);
  });

  it('a new function-like macro shadows another file\'s function', async () => {
    const whole = await both(ABBA, ABBA_SHADOW_MACRO, 'incremental');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.deepEqual([whole.result.newFindings.length, whole.after.findings.length], [0, 0]);
  });

  it('a new function storing a lock pointer parameter into a field', async () => {
    const whole = await both(SEED, SEED_NEW_PTL_STORE, 'whole');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.match(await modeOf(SEED, SEED_NEW_PTL_STORE), /^whole tree analysed again: walk_init: /);
  });

  it('a new function storing a looked-up lock pointer into a field', async () => {
    const whole = await both(SEED, SEED_NEW_PTL_LOOKUP, 'whole');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.match(await modeOf(SEED, SEED_NEW_PTL_LOOKUP), /^whole tree analysed again: walk_lock_table: .*stores into struct fields/);
  });

  it('a removed function that stored into a field', async () => {
    const whole = await both(SEED, SEED_REMOVE_STORER, 'whole');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.match(await modeOf(SEED, SEED_REMOVE_STORER), /^whole tree analysed again: wpfault_handle: .*stores into struct fields/);
  });

  it('a removed function called by a function whose lock pointers others read', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_REMOVE_CONSULTED_CALLEE, 'whole');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.deepEqual(lines(whole.after), shifted(base, 'include/linux/pgtbl.h', 19, -5));
    assert.match(await modeOf(SEED, SEED_REMOVE_CONSULTED_CALLEE), /^whole tree analysed again: pgent_pfn: a caller's lock pointers are read/);
  });

  it('a new function writing only constants into fields (NULL into a lock pointer among them)', async () => {
    const base = await scan(optsFor(SEED));
    const whole = await both(SEED, SEED_NEW_CONSTANT_STORES, 'incremental');
    assert.deepEqual(counts(whole), [0, 0, 1]);
    assert.deepEqual(lines(whole.after), lines(base));
  });

  it('a new function whose name an untouched function assigns to a function pointer', async () => {
    const whole = await both(kickTree(), KICK_DEFINED, 'whole');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    const chain = steps(whole.result.newFindings[0] as PatchCheck['after']['findings'][number]);
    assert.ok(chain.includes('kick_run@drivers/kick/core.c:16') && chain.includes('kick_b_work@drivers/kick/work.c:11'), chain.join('\n'));
  });

  // An untouched caller passes `&o->lockp` to a name the patch defines or removes: what that
  // function stores through its parameter is what obj_work locks.
  it('a new function storing a lock through an out-parameter an untouched caller passes a field to', async () => {
    const whole = await both(outParamTree(false), OBJ_PICK_ADDED, 'any');
    assert.deepEqual(whole.result.newFindings.map((f) => f.rule), ['lock-cycle']);
    assert.ok(steps(whole.result.newFindings[0] as PatchCheck['after']['findings'][number]).includes('obj_work@drivers/obj/core.c:15'));
  });

  it('a removed function that stored a lock through an out-parameter an untouched caller passes a field to', async () => {
    const whole = await both(outParamTree(true), OBJ_PICK_REMOVED, 'any');
    assert.deepEqual(whole.result.fixedFindings.map((f) => f.rule), ['lock-cycle']);
    assert.equal(whole.after.findings.length, 0);
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

/** Where the facts cache holds `file`'s facts: the index file naming it, and the bytes in its pack. */
interface FactsEntryAt { index: string; key: string; pack: string; offset: number; length: number }

function factsEntryOf(cacheDir: string, file: string): FactsEntryAt {
  const dir = path.join(cacheDir, 'facts');
  const found: FactsEntryAt[] = [];
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.idx'))) {
    const index = path.join(dir, rel);
    const { entries } = JSON.parse(readFileSync(index, 'utf8')) as { entries: [string, string, number, number][] };
    for (const [key, pack, offset, length] of entries) {
      const bytes = readFileSync(path.join(path.dirname(index), pack)).subarray(offset, offset + length);
      // An entry is a head line, the file's outline on the second line, then the bodies.
      const outline = JSON.parse(bytes.toString('utf8').split('\n')[1] ?? '') as { path?: string };
      if (outline.path === file) found.push({ index, key, pack: path.join(path.dirname(index), pack), offset, length });
    }
  }
  assert.equal(found.length, 1, `one facts entry for ${file}`);
  return found[0] as FactsEntryAt;
}

/** Overwrites an entry's bytes in its pack with garbage of the same length. */
function garbleFactsEntry(cacheDir: string, file: string): void {
  const at = factsEntryOf(cacheDir, file);
  const fd = openSync(at.pack, 'r+');
  try {
    writeSync(fd, Buffer.alloc(at.length, '#'), 0, at.length, at.offset);
  } finally {
    closeSync(fd);
  }
}

/** Drops an entry from the index that names it (its bytes stay, unreachable). */
function unindexFactsEntry(cacheDir: string, file: string): void {
  const at = factsEntryOf(cacheDir, file);
  const index = JSON.parse(readFileSync(at.index, 'utf8')) as { entries: [string, string, number, number][] };
  writeFileSync(at.index, JSON.stringify({ ...index, entries: index.entries.filter(([key]) => key !== at.key) }));
}

describe('a damaged cache never changes the answer', () => {
  const cases: [string, (c: { cacheDir: string; image: string }) => void][] = [
    ['summaries.bin truncated', ({ image }) => {
      const p = path.join(image, 'summaries.bin');
      writeFileSync(p, readFileSync(p).subarray(0, 40));
    }],
    ['summary-strings.json emptied, same length', ({ image }) => {
      const p = path.join(image, 'summary-strings.json');
      writeFileSync(p, `[${' '.repeat(statSync(p).size - 2)}]`);
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
    ['witnesses.bin removed', ({ image }) => rmSync(path.join(image, 'witnesses.bin'))],
    ['witnesses.bin rows pointing forward, same length', ({ image }) => {
      const p = path.join(image, 'witnesses.bin');
      const rows = new Int32Array(new Uint8Array(readFileSync(p)).buffer);
      for (let i = 4; i < rows.length; i += 6) rows[i] = rows.length;
      writeFileSync(p, Buffer.from(rows.buffer));
    }],
    ['callgraph.bin of the same length, torn', ({ image }) => {
      const p = path.join(image, 'callgraph.bin');
      writeFileSync(p, Buffer.alloc(statSync(p).size, 0x7f));
    }],
    ['summary-offsets.bin removed', ({ image }) => rmSync(path.join(image, 'summary-offsets.bin'))],
    ['manifest.json garbage', ({ image }) => writeFileSync(path.join(image, 'manifest.json'), '{"format":')],
    ['the facts cache deleted, the image kept', ({ cacheDir }) => rmSync(path.join(cacheDir, 'facts'), { recursive: true, force: true })],
    ['the tree index deleted', ({ cacheDir }) => rmSync(path.join(cacheDir, 'trees'), { recursive: true, force: true })],
    // Bodies (and more) of functions are read lazily from the facts cache, long after the image was opened.
    ['mm/poison.c\'s facts entry garbage', ({ cacheDir }) => garbleFactsEntry(cacheDir, 'mm/poison.c')],
    ['mm/poison.c\'s facts entry removed', ({ cacheDir }) => unindexFactsEntry(cacheDir, 'mm/poison.c')],
    ['mm/walk.c\'s facts entry garbage', ({ cacheDir }) => garbleFactsEntry(cacheDir, 'mm/walk.c')],
    ['kernel/fork.c\'s facts entry garbage', ({ cacheDir }) => garbleFactsEntry(cacheDir, 'kernel/fork.c')],
    ['include/linux/pgtbl.h\'s facts entry garbage', ({ cacheDir }) => garbleFactsEntry(cacheDir, 'include/linux/pgtbl.h')],
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
    const p = path.join(c.image, 'summaries.bin');
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

  it('what a killed writer left is dropped an hour later, what a running one writes is not', async () => {
    const cacheDir = tempDir('cache');
    const images = path.join(cacheDir, 'images');
    const abandoned = path.join(images, 'abc.123.deadbeef.tmp');
    const running = path.join(images, 'abc.456.cafebabe.tmp');
    for (const d of [abandoned, running]) mkdirSync(d, { recursive: true });
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(abandoned, old, old);
    await scan({ ...optsFor(SEED), cacheDir });
    assert.deepEqual([existsSync(abandoned), existsSync(running)], [false, true]);
    onlyImage(cacheDir);
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
