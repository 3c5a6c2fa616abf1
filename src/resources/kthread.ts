// Kthreads: `kthread_stop()` and `kthread_park()` wake the thread and wait until its function
// returns (or parks), which it does only once back at its `kthread_should_stop()` test. A thread
// blocked on a lock the stopper holds never gets there. Lockdep has no map for it; the thread's
// function holds the thread's resource while it runs, like a worker its item. The thread is
// named by the place its task is kept in (`frob_dev.poll_task`, or a global), where
// `kthread_run()`'s result is stored.
import type { WaitModel } from './waits.js';

export const KTHREAD: WaitModel = {
  kind: 'kthread',
  prefix: '(kthread)',
  heldBy: 'owner',
  onePerPlace: true,
  keyedBySite: false,
  // As for work items: a stop deeper than two calls is a teardown decided by state.
  maxWaitChain: 3,
  noun: 'a wait for a kthread to stop',
  waited: 'thread stopped',
  holdsPhrase: (task) => `runs kthread ${task}`,
  waitsPhrase: (task) => `waits for kthread ${task} to stop or park`,
};
