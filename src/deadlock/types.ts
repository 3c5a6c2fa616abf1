// The multi-CPU dependency graph's data: an edge A → B means "a CPU can hold A while it
// waits for B", with the witness of both halves.
import type { LockMode } from '../models/kernel-api.js';
import type { WitnessId } from '../summaries/witness.js';

export type HoldMode = LockMode | 'irqs-off';
/**
 * `interrupt`: the CPU, holding a lock with irqs enabled, takes a hard irq (`L → HARDIRQ`).
 * `recursive-read`: a read that does not queue behind a waiting writer (`read_lock_bh`, interrupt context).
 * `sleep`: a call that may sleep, in atomic context (`L → SLEEP`).
 */
export type WaitMode = LockMode | 'recursive-read' | 'ipi' | 'interrupt' | 'sleep';

/** A read, recursive or not: it shares the lock with other readers. */
export const isReadWait = (m: WaitMode): boolean => m === 'read' || m === 'recursive-read';

export interface DepEdge {
  from: string;
  to: string;
  holdMode: HoldMode;
  waitMode: WaitMode;
  /** The waiter spins (spinlock, rwlock, IPI wait) rather than sleeps. */
  waitSpins: boolean;
  irqsOff: boolean;
  /** Function in which both halves meet. */
  fn: number;
  hold: WitnessId;
  wait: WitnessId;
  /** Everything else the CPU holds at the wait (gate locks make scenarios infeasible). */
  alsoHeld: { lock: string; mode: LockMode }[];
  /** Locks held at every entry of `fn` (program/must-hold.ts): gate locks too, held by its callers. */
  calledUnder?: { lock: string; mode: LockMode }[];
  /** Reasons that lower confidence (e.g. a call resolved through an ops-struct field). */
  reasons: string[];
  /**
   * For a class lockdep keys per owner (`inode.i_rwsem` per filesystem type,
   * `sock.sk_callback_lock` per address family, `devlink.lock` per instance): the owner whose
   * code holds `from` / waits for `to`, when the path runs through one (models/owner-classes.ts).
   * For a run lockdep keys per registration site (a work item), `heldIn`: the directories that
   * register the function holding it, one per line (`flushesNearestItems()`).
   */
  heldIn?: string;
  awaitedIn?: string;
  /** `from` is a lock the kernel holds around `fn`'s run (a hotplug callback's `cpu_hotplug_lock`), not one the chain takes. */
  runUnder?: true;
}

export function edgeVariantKey(e: Pick<DepEdge, 'from' | 'to' | 'holdMode' | 'waitMode' | 'irqsOff' | 'heldIn' | 'awaitedIn'>): string {
  return `${e.from}\u0000${e.to}\u0000${e.holdMode}\u0000${e.waitMode}\u0000${e.irqsOff ? 1 : 0}\u0000${e.heldIn ?? ''}\u0000${e.awaitedIn ?? ''}`;
}
