import { flushedObjects } from '../deadlock/lock-objects.js';
import type { DepEdge } from '../deadlock/types.js';
import { isWaitKind, kindOf, throughKind } from '../resources/resource.js';
import { waitOf } from '../resources/waits.js';
import { type ChainView, type CycleRule, DOCS_BASE, cycleText } from './rule.js';

/**
 * A cycle through a wait that is not a lock (DEPT's wait → event dependencies): a CPU waits for a
 * run to end (a work item's, `flush_work()`, `cancel_work_sync()`; a queue's, `flush_workqueue()`;
 * a kthread's, `kthread_stop()`),
 * for a completion or for an SRCU grace period, while holding a lock that the party owing the
 * event, directly or down a chain of CPUs, waits for first.
 */
export const waitCycle: CycleRule = {
  id: 'wait-cycle',
  severity: 'error',
  meta: {
    id: 'wait-cycle',
    name: 'WaitCycle',
    shortDescription: 'Cross-CPU deadlock through a wait for a work item (flush_work, cancel_work_sync), a workqueue (flush_workqueue), a kthread (kthread_stop), a completion, an SRCU grace period or a frozen request queue.',
    fullDescription:
      'A CPU waits for a work item or every item of a workqueue to finish (flush_work, cancel_work_sync, flush_delayed_work, '
      + 'cancel_delayed_work_sync, flush_workqueue, drain_workqueue, destroy_workqueue, and the kthread worker forms), '
      + 'a kthread to stop (kthread_stop, kthread_park) or an SRCU grace period (synchronize_srcu) while holding a lock; '
      + 'or it waits for a completion (wait_for_completion) holding a lock that every complete() of it is made under; '
      + 'or it waits to enter a frozen request queue (blk_queue_enter, as a request is allocated) holding a lock that the '
      + 'freezer takes between blk_mq_freeze_queue and blk_mq_unfreeze_queue. '
      + 'The party it waits for (the worker, the thread, a reader inside srcu_read_lock(), the freezer) waits, directly or through a '
      + 'chain of other CPUs, for that lock, so the waiter never returns. Lockdep reports the work item and workqueue forms '
      + 'as cycles through (work_completion) and (wq_completion), the SRCU form since 6.3 and the queue freeze since 6.13; it has no map for kthreads or completions.',
    helpText: 'Flush, cancel or stop before taking the lock, or make the work or thread function not take it (hand it the state instead).',
    helpMarkdown:
      'Flush, cancel or stop before taking the lock, or make the work or thread function not take it. See the '
      + '[check documentation](' + DOCS_BASE + 'wait-cycle.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}wait-cycle.md`,
  },
  owns: (resources) => resources.length > 1 && resources.some((r) => isWaitKind(kindOf(r))) && !throughKind(resources, 'ipi') && !throughKind(resources, 'hardirq'),
  message: (resources) => `possible deadlock across ${resources.length} CPUs through ${waitNoun(resources)}: ${cycleText(resources)}`,
  doubts: (edges, view) => edges.flatMap((e) => flushOfAnotherObject(e, view)),
};

/** The first run's words: the wait that makes the ring a wait cycle. */
function waitNoun(resources: readonly string[]): string {
  for (const r of resources) {
    const run = waitOf(r);
    if (run) return run.model.noun;
  }
  return 'a wait';
}

/**
 * A waiter holding a lock of struct `S` and waiting for a run kept in `S` through another object
 * (`con->sock_mutex` held, `con->othercon->rwork` flushed): the worker of that item takes its own
 * object's lock, not the held one, unless the two can be one. Lockdep reports it all the same.
 */
function flushOfAnotherObject(e: DepEdge, { functions, chain }: ChainView): string[] {
  const flushed = flushedObjects(e, functions, chain);
  const objects = flushed?.objects;
  const waited = waitOf(e.to)?.model.waited;
  return objects?.k === 'different' ? [`may be two objects: ${objects.held}'s lock held, ${objects.taken}'s ${waited}`] : [];
}
