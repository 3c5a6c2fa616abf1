// The multi-CPU dependency graph's data: an edge A → B means "a CPU can hold A while it
// waits for B", with the witness of both halves.
import type { LockMode } from '../models/kernel-api.js';
import type { WitnessId } from '../summaries/witness.js';

export type HoldMode = LockMode | 'irqs-off';
export type WaitMode = LockMode | 'ipi';

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
  /** Reasons that lower confidence (e.g. a call resolved through an ops-struct field). */
  reasons: string[];
}

export function edgeVariantKey(from: string, to: string, holdMode: HoldMode, waitMode: WaitMode, irqsOff: boolean): string {
  return `${from}\u0000${to}\u0000${holdMode}\u0000${waitMode}\u0000${irqsOff ? 1 : 0}`;
}
