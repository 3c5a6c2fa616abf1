// SRCU grace periods: `synchronize_srcu(&s)` waits until every read-side section of `s` that
// started before it has ended (`srcu_read_lock(&s)` … `srcu_read_unlock(&s, idx)`). SRCU readers
// may sleep, so a reader may wait for a mutex the updater holds while it waits for the reader:
// neither returns. Each `srcu_struct` is its own domain, named as a lock class is (`kvm.srcu`,
// or a `DEFINE_SRCU()` global). A reader never waits for an updater (it is a recursive read, as
// lockdep has it since 6.3's `lock_sync()` annotation of `synchronize_srcu()`). Plain RCU needs
// no model here: its readers may not sleep, so a reader that would wait for the updater's lock
// is a sleep-in-atomic bug already, or the updater sleeps holding a spinlock.
import type { WaitModel } from './waits.js';

export const SRCU: WaitModel = {
  kind: 'srcu',
  prefix: '(srcu)',
  heldBy: 'section',
  onePerPlace: false,
  keyedBySite: false,
  // As for work items: an update deeper than two calls is mostly a teardown decided by state.
  maxWaitChain: 3,
  noun: 'an SRCU grace period',
  waited: 'grace period waited for',
  holdsPhrase: (domain) => `is in a read-side section of SRCU ${domain}`,
  waitsPhrase: (domain) => `waits for a grace period of SRCU ${domain} (synchronize_srcu)`,
};
