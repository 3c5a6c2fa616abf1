// Turns a candidate cycle into a verdict: one CPU per edge, stepped through "take what you
// hold" then "wait for the next one", and checked to end with every CPU blocked.
import { HARDIRQ, IPI } from '../summaries/domain.js';
import type { DepEdge } from './types.js';

export interface SimStep {
  cpu: number;
  /** `hold`: takes its held resource; `wait`: starts waiting; `hold+wait`: one op does both (`write_lock_irq`). */
  phase: 'hold' | 'wait' | 'hold+wait';
}

export interface Verdict {
  feasible: boolean;
  /** Why not, when infeasible; lowered-confidence notes when feasible. */
  notes: string[];
  steps: SimStep[];
  /** The writer-fairness variant of rwlocks was needed to block a reader. */
  needsWriterFairness: boolean;
}

interface CpuState {
  /** Locks this CPU holds, with mode. */
  holds: Map<string, 'read' | 'write'>;
  /** Of those, the ones its callers hold (`DepEdge.calledUnder`). */
  byCallers: Set<string>;
  irqsOff: boolean;
}

/** Simulates the CPUs of `edges` (edge i runs on CPU i; edge i waits for what edge i+1 holds). */
export function simulate(edges: DepEdge[]): Verdict {
  const notes: string[] = [];
  const cpus: CpuState[] = edges.map(() => ({ holds: new Map(), byCallers: new Set(), irqsOff: false }));
  const steps: SimStep[] = [];
  const merged = edges.map((e) => e.holdMode === 'irqs-off' && e.hold === e.wait && e.from !== HARDIRQ);

  // Phase 1: every CPU takes what it holds (gate locks included), in CPU order.
  for (const [i, e] of edges.entries()) {
    if (merged[i]) continue;
    const taken = takeHolds(cpus, i, e);
    if (taken) return { feasible: false, notes: [taken], steps, needsWriterFairness: false };
    steps.push({ cpu: i, phase: 'hold' });
  }
  // Phase 2: the CPUs whose one op both disables irqs and spins, then everybody else waits.
  // An interrupt comes before its handler waits: the interrupted CPU's step goes first.
  const rank = (i: number): number => (merged[i] ? 0 : edges[i]?.to === HARDIRQ ? 1 : 2);
  const order = [...edges.keys()].sort((a, b) => rank(a) - rank(b) || a - b);
  for (const i of order) {
    const e = edges[i] as DepEdge;
    if (merged[i]) {
      const taken = takeHolds(cpus, i, e);
      if (taken) return { feasible: false, notes: [taken], steps, needsWriterFairness: false };
    }
    steps.push({ cpu: i, phase: merged[i] ? 'hold+wait' : 'wait' });
  }
  // Verdict: each CPU must be blocked in the final state.
  let needsWriterFairness = false;
  for (const [i, e] of edges.entries()) {
    const blocked = isBlocked(cpus, edges, i, e);
    if (blocked === 'no') return { feasible: false, notes: [`CPU${i} would get ${e.to}`], steps, needsWriterFairness };
    if (blocked === 'fairness') {
      needsWriterFairness = true;
      notes.push(`CPU${i}'s read of ${e.to} blocks only behind a queued writer (qrwlock fairness)`);
    }
  }
  return { feasible: true, notes, steps, needsWriterFairness };
}

/** A lock a CPU takes before it waits; `byCallers`: its callers hold it (`DepEdge.calledUnder`). */
interface Wanted { lock: string; mode: 'read' | 'write'; byCallers: boolean }

/** Takes the CPU's key resource and everything else it holds; returns why not, if it cannot. */
function takeHolds(cpus: CpuState[], i: number, e: DepEdge): string | null {
  const me = cpus[i] as CpuState;
  if (e.from === IPI || e.from === HARDIRQ) me.irqsOff = true;
  if (e.irqsOff) me.irqsOff = true;
  const own: Wanted[] = e.from === IPI || e.from === HARDIRQ ? [] : [{ lock: e.from, mode: e.holdMode === 'read' ? 'read' : 'write', byCallers: false }];
  const wanted: Wanted[] = [
    ...own, ...e.alsoHeld.map((h) => ({ ...h, byCallers: false })), ...(e.calledUnder ?? []).map((h) => ({ ...h, byCallers: true })),
  ];
  for (const { lock, mode, byCallers } of wanted) {
    for (const [j, other] of cpus.entries()) {
      if (j === i) continue;
      const theirs = other.holds.get(lock);
      if (theirs && !(theirs === 'read' && mode === 'read')) {
        return `CPU${i} and CPU${j} would both hold ${lock} (a gate lock serialises them${byCallers || other.byCallers.has(lock) ? '; held by every caller of the function where a CPU\'s chain starts' : ''})`;
      }
    }
    if (!me.holds.has(lock) || mode === 'write') me.holds.set(lock, mode);
    if (byCallers) me.byCallers.add(lock);
  }
  return null;
}

function isBlocked(cpus: CpuState[], edges: DepEdge[], i: number, e: DepEdge): 'yes' | 'no' | 'fairness' {
  if (e.to === IPI) {
    // An IPI is acknowledged only if every other CPU can take interrupts.
    return cpus.some((c, j) => j !== i && c.irqsOff) ? 'yes' : 'no';
  }
  // Irqs are on: the interrupt comes, and this CPU runs its handler (the next CPU of the cycle) until it returns.
  if (e.to === HARDIRQ) return 'yes';
  const wantRead = e.waitMode === 'read';
  // Recursive locking: the CPU waits for what it holds itself.
  const own = (cpus[i] as CpuState).holds.get(e.to);
  if (e.from === e.to && (own === 'write' || (own === 'read' && !wantRead))) return 'yes';
  let readersOnly = false;
  for (const [j, c] of cpus.entries()) {
    if (j === i) continue;
    const held = c.holds.get(e.to);
    if (held === 'write' || (held === 'read' && !wantRead)) return 'yes';
    if (held === 'read') readersOnly = true;
  }
  if (readersOnly) {
    // qrwlock: a reader in process context queues behind a waiting writer.
    const writerWaits = edges.some((o, j) => j !== i && o.to === e.to && o.waitMode === 'write');
    return writerWaits ? 'fairness' : 'no';
  }
  return 'no';
}
