// Runtime tests of atomicity as data: `if (!in_atomic() && !irqs_disabled()) msleep(1); else
// cpu_relax();` sleeps only where the caller is neither. Atomicity has two sides, irqs and
// preemption (a spinning lock held, an interrupt context); each test is true for some of their
// combinations. A function's test reads its own state where this path decides it (a spinning lock
// it took), else the state at entry: a guard on a pseudo-parameter its callers decide, as for
// the execution context (contexts.ts).
import type { ExecContext } from './contexts.js';

/** The pseudo-parameter an atomicity test is a guard on (guard.ts); parameters count from 0. */
export const ATOMIC_PARAM = -3;

/** Irqs and preemption: both enabled, or which is off. Sorted as guard values are. */
export type Atomicity = 'irqs-off' | 'irqs-preempt-off' | 'preempt-off' | 'preemptible';

const ALL: readonly Atomicity[] = ['irqs-off', 'irqs-preempt-off', 'preempt-off', 'preemptible'];

/** Where most code is entered: a sleep that needs it is reported where the path itself is atomic. */
export const PREEMPTIBLE: Atomicity = 'preemptible';

/** Tests of atomicity, by the combinations they are true in. */
export const ATOMICITY_TESTS: Readonly<Record<string, readonly Atomicity[]>> = {
  /** A non-zero preempt count: a spinning lock, bh or preemption disabled, an interrupt. */
  in_atomic: ['irqs-preempt-off', 'preempt-off'],
  irqs_disabled: ['irqs-off', 'irqs-preempt-off'],
  preemptible: ['preemptible'],
};

const irqsOff = (a: Atomicity): boolean => a === 'irqs-off' || a === 'irqs-preempt-off';
const preemptOff = (a: Atomicity): boolean => a === 'preempt-off' || a === 'irqs-preempt-off';
const combine = (irqs: boolean, preempt: boolean): Atomicity =>
  irqs ? (preempt ? 'irqs-preempt-off' : 'irqs-off') : preempt ? 'preempt-off' : 'preemptible';

/** What an entry point's context allows at entry: a hard-irq handler runs with both off. */
export function atomicityAtEntry(context: ExecContext | null): readonly Atomicity[] {
  switch (context) {
    case 'hardirq': case 'nmi': return ['irqs-preempt-off'];
    case 'softirq': return ['preempt-off'];
    default: return ALL;
  }
}

/**
 * What a path has done to atomicity since entry: irqs as it left them (`entry`: untouched),
 * whether it holds a spinning lock of its own, and whether it released a lock its caller took
 * (preemption may be back on, or not).
 */
export interface PathAtomicity { irq: 'entry' | 'restored' | 'on' | 'off' | 'mixed'; spinning: boolean; releasedCallers: boolean }

/** The atomicity here for one atomicity at entry, or null when the path leaves it unknown. */
export function atomicityHere(entry: Atomicity, path: PathAtomicity): Atomicity | null {
  // Restored from the caller's flags: as they were at its save, which entry does not tell.
  if (path.irq === 'mixed' || path.irq === 'restored') return null;
  const irqs = path.irq === 'entry' ? irqsOff(entry) : path.irq === 'off';
  if (path.spinning) return combine(irqs, true);
  return path.releasedCallers ? null : combine(irqs, preemptOff(entry));
}

/**
 * The atomicities at entry (of those `possible`) for which `holds` is true of the atomicity
 * here; null when some of them leave it unknown.
 */
export function entriesWhere(possible: readonly Atomicity[], path: PathAtomicity, holds: (here: Atomicity) => boolean): Atomicity[] | null {
  const out: Atomicity[] = [];
  for (const entry of possible) {
    const here = atomicityHere(entry, path);
    if (here === null) return null;
    if (holds(here)) out.push(entry);
  }
  return out;
}
