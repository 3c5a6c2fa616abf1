// Work items, the way lockdep has them: a worker runs a work item's function holding the item's
// map (`process_one_work()`), and `flush_work()` / `cancel_work_sync()` take and drop that map
// before they wait (`__flush_work()`). A flusher that holds a lock the function takes waits for
// a function that waits for it. The item is named by the place that holds it (`struct.field`, or
// a global), as lock classes are; lockdep keys it by its `INIT_WORK()` site, so a field bound to
// several functions is every one of them, narrowed to those bound nearest the flush when several
// directories bind it (`keyedBySite`).
import type { WaitModel } from './waits.js';

export const WORK: WaitModel = {
  kind: 'work',
  prefix: '(work_completion)',
  heldBy: 'owner',
  onePerPlace: true,
  keyedBySite: true,
  // The flush and two calls. Of the cycles found on 6.1's fs, block, net and drivers, every one
  // whose flush was deeper was a false positive (rbd's parent release, SMC's connection teardown).
  maxWaitChain: 3,
  noun: 'a wait for a work item',
  waited: 'item flushed',
  holdsPhrase: (item) => `runs work item ${item}`,
  waitsPhrase: (item) => `waits for work item ${item} to finish (flush)`,
};
