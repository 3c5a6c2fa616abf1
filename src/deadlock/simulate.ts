// Turns a candidate cycle into a verdict: one CPU per edge, stepped through "take what you
// hold" then "wait for the next one", and checked to end with every CPU blocked.
import { HARDIRQ, IPI, QUEUED_WRITER } from '../summaries/domain.js';
import { type DepEdge, isReadWait } from './types.js';

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
  /**
   * Writers outside the cycle that a reader of it queues behind (qrwlock, rwsem): CPU
   * `edges.length + k` waits to write `writers[k].to` before that reader asks.
   */
  writers: DepEdge[];
}

/** Per lock class, a writer that may wait for it (`QUEUED_WRITER → class`). */
export type QueuedWriters = ReadonlyMap<string, DepEdge>;

interface CpuState {
  /** Locks this CPU holds, with mode. */
  holds: Map<string, 'read' | 'write'>;
  /** Of those, the ones its callers hold (`DepEdge.calledUnder`). */
  byCallers: Set<string>;
  irqsOff: boolean;
}

/**
 * Simulates the CPUs of `edges` (edge i runs on CPU i; edge i waits for what edge i+1 holds).
 * A reader that only readers stand in the way of still blocks when a writer of that lock is
 * queued first: `writers` offers one per class.
 */
export function simulate(edges: DepEdge[], writers: QueuedWriters = new Map()): Verdict {
  const notes: string[] = [];
  const cpus: CpuState[] = edges.map(() => ({ holds: new Map(), byCallers: new Set(), irqsOff: false }));
  const steps: SimStep[] = [];
  const queued: DepEdge[] = [];
  const fail = (why: string): Verdict => ({ feasible: false, notes: [why], steps, writers: [] });
  const merged = edges.map((e) => e.holdMode === 'irqs-off' && e.hold === e.wait && e.from !== HARDIRQ);

  // Phase 1: every CPU takes what it holds (gate locks included), in CPU order.
  for (const [i, e] of edges.entries()) {
    if (merged[i]) continue;
    const taken = takeHolds(cpus, i, e);
    if (taken) return fail(taken);
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
      if (taken) return fail(taken);
    }
    if (!merged[i] && isBlocked(cpus, i, e) === 'behind-writer') {
      // The writer must be waiting before this reader asks: its step comes first.
      const writer = queueWriter(cpus, edges.length + queued.length, writers.get(e.to));
      if (typeof writer === 'string') return fail(writer);
      queued.push(writer);
      steps.push({ cpu: edges.length + queued.length - 1, phase: 'wait' });
      notes.push(`CPU${i}'s read of ${e.to} waits behind CPU${edges.length + queued.length - 1}'s queued write (reader-writer fairness)`);
    }
    steps.push({ cpu: i, phase: merged[i] ? 'hold+wait' : 'wait' });
  }
  // Verdict: each CPU must be blocked in the final state.
  for (const [i, e] of edges.entries()) {
    const blocked = isBlocked(cpus, i, e);
    if (blocked === 'no') return fail(`CPU${i} would get ${e.to}`);
    if (blocked === 'behind-writer' && !queued.some((w) => w.to === e.to)) return fail(`CPU${i} would get ${e.to}: only readers hold it`);
  }
  return { feasible: true, notes, steps, writers: queued };
}

/**
 * A writer of `lock` on a CPU of its own, holding what it holds while it waits (its gate locks
 * must be free); why not, when there is none or it cannot run beside the others.
 */
function queueWriter(cpus: CpuState[], cpu: number, writer: DepEdge | undefined): DepEdge | string {
  if (!writer) return `no writer of the lock to queue behind`;
  cpus.push({ holds: new Map(), byCallers: new Set(), irqsOff: writer.irqsOff });
  const taken = takeHolds(cpus, cpu, writer);
  return taken ?? writer;
}

/** A lock a CPU takes before it waits; `byCallers`: its callers hold it (`DepEdge.calledUnder`). */
interface Wanted { lock: string; mode: 'read' | 'write'; byCallers: boolean }

/** Takes the CPU's key resource and everything else it holds; returns why not, if it cannot. */
function takeHolds(cpus: CpuState[], i: number, e: DepEdge): string | null {
  const me = cpus[i] as CpuState;
  if (e.from === IPI || e.from === HARDIRQ) me.irqsOff = true;
  if (e.irqsOff) me.irqsOff = true;
  const own: Wanted[] = e.from === IPI || e.from === HARDIRQ || e.from === QUEUED_WRITER ? [] : [{ lock: e.from, mode: e.holdMode === 'read' ? 'read' : 'write', byCallers: false }];
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

/**
 * `behind-writer`: only readers hold what this CPU wants to read, and it is a reader that queues
 * behind a waiting writer (process context); blocked if such a writer waits first.
 */
function isBlocked(cpus: CpuState[], i: number, e: DepEdge): 'yes' | 'no' | 'behind-writer' {
  if (e.to === IPI) {
    // An IPI is acknowledged only if every other CPU can take interrupts.
    return cpus.some((c, j) => j !== i && c.irqsOff) ? 'yes' : 'no';
  }
  // Irqs are on: the interrupt comes, and this CPU runs its handler (the next CPU of the cycle) until it returns.
  if (e.to === HARDIRQ) return 'yes';
  const wantRead = isReadWait(e.waitMode);
  let readersOnly = false;
  for (const [j, c] of cpus.entries()) {
    // Recursive locking: the CPU waits for what it holds itself.
    if (j === i && e.from !== e.to) continue;
    const held = c.holds.get(e.to);
    if (held === 'write' || (held === 'read' && !wantRead)) return 'yes';
    if (held === 'read') readersOnly = true;
  }
  return readersOnly && e.waitMode === 'read' ? 'behind-writer' : 'no';
}
