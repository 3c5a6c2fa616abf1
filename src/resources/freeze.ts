// Queue freeze: `blk_mq_freeze_queue(q)` … `blk_mq_unfreeze_queue(q)` keeps new I/O out of a
// request queue, and `blk_queue_enter()` (a request's allocation) or `bio_queue_enter()` (a bio's
// submission) waits until the queue is unfrozen. A freezer that takes a lock while the queue is
// frozen waits for a task that holds that lock and waits to enter the queue: neither returns.
// Freezers never wait for one another (the freeze depth counts them), so a freeze is a section,
// as an SRCU reader's is, and an entry the wait for every section to end. Lockdep models it so
// since 6.13 (`q->q_usage_counter(queue)`), with one class per queue; a scan cannot tell queues
// apart, so every `request_queue` is one place. The freezer's own wait for requests in flight
// (lockdep's `q_usage_counter(io)`) is not modelled: a request's hold on the queue ends in its
// completion, not in the code that took it.
import type { WaitModel } from './waits.js';

export const FREEZE: WaitModel = {
  kind: 'freeze',
  prefix: '(freeze)',
  heldBy: 'section',
  onePerPlace: false,
  keyedBySite: false,
  // A request allocated under a driver's lock is a call or two from the lock; a bio submitted
  // through the block layer is deeper, and decided there by the queue's state.
  maxWaitChain: 4,
  noun: 'a wait for a frozen request queue',
  waited: 'queue unfrozen',
  holdsPhrase: (queue) => `has frozen ${queue} (blk_mq_freeze_queue)`,
  waitsPhrase: (queue) => `waits for ${queue} to be unfrozen (blk_queue_enter)`,
};
