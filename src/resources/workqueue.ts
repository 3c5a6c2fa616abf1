// Workqueues: `flush_workqueue(wq)` (and `drain_workqueue()`, `destroy_workqueue()`) waits for
// every item queued on `wq` before it to finish. Lockdep gives each queue a map that a worker
// holds while it runs any item of the queue (`process_one_work()`) and that the flush takes and
// drops (`__flush_workqueue()`): a flusher holding a lock that some item's function takes waits
// for a worker that waits for it. An item is the queue's where the code queues it there
// (`queue_work(dev->wq, &dev->reset_work)`); its function is the item's (`INIT_WORK()`). The
// queue is named by the place its pointer is kept in (`frob_dev.wq`, or a global), as lockdep
// prints `(wq_completion)name`.
import type { WaitModel } from './waits.js';

export const WORKQUEUE: WaitModel = {
  kind: 'workqueue',
  prefix: '(wq_completion)',
  heldBy: 'owner',
  // A queue runs many items at once, and an item that flushes its own queue waits for itself.
  onePerPlace: false,
  keyedBySite: false,
  // As for work items: a flush deeper than two calls is mostly a teardown decided by state.
  maxWaitChain: 3,
  noun: 'a flush of a workqueue',
  waited: 'queue flushed',
  holdsPhrase: (wq) => `runs a work item queued on ${wq}`,
  waitsPhrase: (wq) => `waits for every work item queued on ${wq} (a flush of the queue)`,
};
