// Completions: `wait_for_completion(&x->done)` waits for a `complete(&x->done)`. Lockdep's
// cross-release tracked them at run time and was removed (4.15) for its false positives: any
// completer could be blamed. Here a completer is blamed only when every `complete()` of the
// place in the program is reached with the lock held, in the function that calls it: then the
// event comes only after that lock, and a waiter holding it waits forever. The place is named as
// a lock class is (`frob_dev.done`, a global); a completion on the stack is no place.
import type { WaitModel } from './waits.js';

export const COMPLETION: WaitModel = {
  kind: 'completion',
  prefix: '(completion)',
  heldBy: 'owner',
  onePerPlace: false,
  keyedBySite: false,
  // As for work items: a wait deeper than two calls is mostly a teardown decided by state.
  maxWaitChain: 3,
  noun: 'a wait for a completion',
  waited: 'completion waited for',
  holdsPhrase: (done) => `completes ${done}, at every complete() only after the lock below`,
  waitsPhrase: (done) => `waits for completion ${done}`,
};
