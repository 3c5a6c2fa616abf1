// Resources read back from their names (resources/), and the run kinds' model rows (models/waits.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KERNEL_API, isLockOp, modelOf } from '../src/models/kernel-api.js';
import { PLACE_ARGUMENT, QUEUEINGS, RUN_BINDINGS, SIGNALS, queueingOf, runBindingOf, signalOf } from '../src/models/waits.js';
import { cycleBoundOf, kindOf, resourceOf, throughKind } from '../src/resources/resource.js';
import { WAIT_MODELS, type WaitKind, waitOf, waitResource } from '../src/resources/waits.js';
import { HARDIRQ, IPI, SLEEP } from '../src/summaries/domain.js';
import { nearestDirectories } from '../src/program/waits.js';

describe('resources', () => {
  it('reads a name back as its kind', () => {
    assert.deepEqual(resourceOf('frob_dev.lock'), { kind: 'lock', cls: 'frob_dev.lock' });
    assert.deepEqual(resourceOf(IPI), { kind: 'ipi' });
    assert.deepEqual(resourceOf(SLEEP), { kind: 'sleep' });
    assert.deepEqual(resourceOf('(work_completion)frob_dev.reset_work'), { kind: 'work', place: 'frob_dev.reset_work' });
    assert.deepEqual(resourceOf('(kthread)frob_dev.poll_task'), { kind: 'kthread', place: 'frob_dev.poll_task' });
    assert.deepEqual(resourceOf('(completion)frob_dev.fw_done'), { kind: 'completion', place: 'frob_dev.fw_done' });
    assert.deepEqual(resourceOf('(srcu)frob_dev.rx_srcu'), { kind: 'srcu', place: 'frob_dev.rx_srcu' });
    assert.deepEqual(resourceOf('(wq_completion)frob_dev.wq'), { kind: 'workqueue', place: 'frob_dev.wq' });
    assert.deepEqual(resourceOf('(freeze)request_queue.q_usage_counter'), { kind: 'freeze', place: 'request_queue.q_usage_counter' });
  });

  it('names every wait kind so that its name reads back as it', () => {
    for (const model of WAIT_MODELS) {
      const name = waitResource(model.kind, 'frob_dev.x');
      assert.equal(kindOf(name), model.kind);
      assert.deepEqual(waitOf(name), { model, place: 'frob_dev.x' });
    }
    assert.equal(waitOf('frob_dev.lock'), null);
  });

  it('bounds the rings through a hard irq and through a run, not through locks', () => {
    assert.equal(cycleBoundOf(HARDIRQ), 3);
    assert.equal(cycleBoundOf('(kthread)frob_dev.poll_task'), 3);
    assert.equal(cycleBoundOf('frob_dev.lock'), null);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'kthread'), true);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'work'), false);
  });

  it('gives every wait kind its event side (a binding, a signal, a queueing or a section), a wait and a way to read its place', () => {
    const sections = Object.values(KERNEL_API).flatMap((m) => (isLockOp(m) && m.section ? [m.section] : []));
    const events: WaitKind[] = [...Object.values(RUN_BINDINGS), ...Object.values(SIGNALS)].map((b) => b.kind);
    // A queue's worker runs the items queued on it: its event side is the queueing calls.
    if (Object.keys(QUEUEINGS).length) events.push('workqueue');
    for (const { kind, heldBy } of WAIT_MODELS) {
      if (heldBy === 'section') assert.ok(sections.includes(kind), `${kind}: no section row`);
      else assert.ok(events.includes(kind), `${kind}: no binding, signal or queueing row`);
      assert.ok(PLACE_ARGUMENT[kind], `${kind}: no place argument`);
      const waits = Object.values(KERNEL_API).some((m) => 'waitsOn' in m && m.waitsOn?.kind === kind);
      assert.ok(waits, `${kind}: no call waits for it`);
    }
    assert.deepEqual(queueingOf('queue_delayed_work_on'), { queue: 1, item: 2 });
    assert.equal(queueingOf('schedule_work'), null);
    const waits = ['flush_work', 'cancel_delayed_work_sync', 'kthread_stop', 'kthread_park', 'wait_for_completion', 'wait_for_completion_timeout',
      'synchronize_srcu', 'synchronize_rcu', 'flush_workqueue', 'destroy_workqueue'].map((name) => {
      const model = modelOf(name);
      return model && 'waitsOn' in model ? model.waitsOn?.kind : undefined;
    });
    // A wait that times out returns by itself: a sleep, no wait for the event. Plain RCU's readers
    // cannot wait for the updater's locks without a sleep-in-atomic bug: a sleep, no resource.
    assert.deepEqual(waits, ['work', 'work', 'kthread', 'kthread', 'completion', undefined, 'srcu', undefined, 'workqueue', 'workqueue']);
    // A reader enters its section without waiting, and the updater does not hold up new readers.
    assert.deepEqual(modelOf('srcu_read_lock'), { op: 'acquire', lockArg: 0, mode: 'read', spins: false, queue: 'recursive-reader', section: 'srcu' });
    assert.deepEqual(modelOf('srcu_read_unlock'), { op: 'release', lockArg: 0, mode: 'read', spins: false, queue: 'recursive-reader', section: 'srcu' });
    // A freezer is in its section from the freeze to the unfreeze and waits for no other freezer;
    // an entry into the queue waits for every freezer, unless it asks not to wait.
    assert.deepEqual(modelOf('blk_mq_freeze_queue'), { op: 'acquire', lockArg: 0, mode: 'read', spins: false, queue: 'recursive-reader', section: 'freeze', sleeps: true });
    // A dying queue's drain freezes it for good, and entries leave it at once: not a section.
    assert.equal(modelOf('blk_freeze_queue_start'), undefined);
    assert.deepEqual(modelOf('blk_queue_enter'), { maySleep: true, waitsOn: { kind: 'freeze', arg: 0 }, unlessFlag: { arg: 1, flag: 'BLK_MQ_REQ_NOWAIT' } });
    assert.deepEqual(signalOf('complete_all'), { kind: 'completion', arg: 0 });
    assert.deepEqual(runBindingOf('kthread_run'), { kind: 'kthread', fn: 0, place: 'result', name: 2 });
    assert.deepEqual(runBindingOf('kthread_create_on_node'), { kind: 'kthread', fn: 0, place: 'result', name: 3 });
    assert.equal(runBindingOf('kthread_should_stop'), null);
  });
});

describe('registration sites of a work item', () => {
  const dirs = ['drivers/wl/radiox/', 'drivers/wl/radiox/rx100/', 'drivers/wl/radiox/rx200/'];

  it('narrows a flush to the directories nearest its chain when some are nearer than the rest', () => {
    assert.deepEqual(nearestDirectories(dirs, ['drivers/wl/radiox/rx100/main.c']), ['drivers/wl/radiox/rx100/']);
    // A driver frame that calls into the core names its own directory.
    assert.deepEqual(nearestDirectories(dirs, ['drivers/wl/radiox/rx200/debugfs.c', 'drivers/wl/radiox/pm.c']), ['drivers/wl/radiox/rx200/']);
  });

  it('keeps every directory for the shared core and for code elsewhere', () => {
    assert.deepEqual(nearestDirectories(dirs, ['drivers/wl/radiox/core.c']), dirs);
    assert.deepEqual(nearestDirectories(dirs, ['net/mac80211/main.c']), dirs);
    assert.deepEqual(nearestDirectories(dirs, []), dirs);
  });

  it('is a property of the work kind only', () => {
    assert.deepEqual(WAIT_MODELS.filter((m) => m.keyedBySite).map((m) => m.kind), ['work']);
  });
});
