// The abstract domain of the per-function analysis (after Infer's starvation domain):
// lock identity, lock events with their witness, held-lock sets, irq state, summaries.
import type { LockMode, LockQueue } from '../models/kernel-api.js';
import type { WitnessId } from './witness.js';
import type { WaitMode } from '../deadlock/types.js';
import { type Guard, guardKey } from './guard.js';
import type { ListState } from '../models/drained-lists.js';
import type { JournalState } from '../models/task-journal.js';
import type { InstanceField } from './rekeyed-instances.js';

/**
 * A lock class (`tasklist_lock`, `page.ptl`), a parameter's lock `#p<i>`, or a lock inside the
 * keyed object a parameter points to, `#p<i>@struct.field` (program/lock-identity.ts).
 */
export type LockKey = string;

export const paramLock = (i: number): LockKey => `#p${i}`;

/**
 * Lockdep's subclass (`spin_lock_nested(&l, 1)`): `class/1` is a class of its own for ordering,
 * the same lock for releasing. A subclass the caller passes is `class/#p<i>` until bound.
 */
export const withSubclass = (cls: LockKey, subclass: string): LockKey => `${cls}/${subclass}`;
const SUBCLASS = /\/([^/{}]+)$/;
/** The lock a key names, subclass aside: what an unlock releases. */
export const lockOfKey = (key: LockKey): LockKey => key.replace(SUBCLASS, '');
const SUBCLASS_PARAM = /\/#p(\d+)$/;
export const subclassParamOf = (key: LockKey): number | null => {
  const m = SUBCLASS_PARAM.exec(key);
  return m ? Number(m[1]) : null;
};

/** The parameter a key is bound through at call sites: the lock's, or its subclass's. */
export const paramIndexOf = (key: LockKey): number | null => (key.startsWith('#p') ? parseInt(key.slice(2), 10) : subclassParamOf(key));

/**
 * Irq state relative to function entry: `entry` = whatever the caller had; `restored` = what the
 * caller saved in the flags it handed us to restore (`Summary.irqRestoresFrom`): a helper that
 * drops its caller's `spin_lock_irqsave()` to sleep runs with the irqs of before that save;
 * `mixed` = paths disagree (not counted as off, so no IPI edge comes from it).
 */
export type IrqState = 'entry' | 'restored' | 'on' | 'off' | 'mixed';

export type { Guard } from './guard.js';

export interface HeldLock {
  lock: LockKey;
  mode: LockMode;
  spins: boolean;
  witness: WitnessId;
  /**
   * Taken with a `_bh` op in this function: bottom halves stay off while it is held, and a read
   * under it is a recursive read (`in_interrupt()`). Not kept in summaries.
   */
  bhOff?: true;
  /**
   * A lock our caller holds, released here and taken again (`spin_unlock_irq(&lock); schedule();
   * spin_lock_irq(&lock)` in a wait): held again as the caller had it, not returned held on top.
   */
  retaken?: true;
  /**
   * A bit gate passed (`!test_and_set_bit(BIT, &x->flags)`, models/bit-gates.ts): it orders
   * nothing and is not returned held, but a CPU inside it is one no other CPU can join.
   */
  gate?: true;
}

/** A lock and the mode it is held in, without where it was taken. */
export interface HeldClass { lock: LockKey; mode: LockMode }

/** Held in `a` and in `b`: in read mode when either is. */
export function meetModes(a: LockMode, b: LockMode): LockMode {
  return a === b ? a : 'read';
}

/** The locks held in both lists (in `a`'s order), each in the mode both hold it in. */
export function meetHeld(a: readonly HeldClass[], b: readonly HeldClass[]): HeldClass[] {
  return a.flatMap((x) => {
    const same = b.find((y) => y.lock === x.lock);
    return same ? [{ lock: x.lock, mode: meetModes(x.mode, same.mode) }] : [];
  });
}

/**
 * `sleep`: a call that may sleep (`msleep()`, a GFP_KERNEL allocation; a sleeping lock's
 * `acquire` sleeps too), waited on as the resource `SLEEP`: in atomic context a bug of its own.
 */
export type EventKind = 'acquire' | 'ipi-wait' | 'sleep';

/** Something a CPU running this function may block on, relative to the function's entry. */
export interface LockEvent {
  kind: EventKind;
  /** Lock class for `acquire`, `IPI` for `ipi-wait`. */
  lock: LockKey;
  mode: LockMode;
  spins: boolean;
  irq: IrqState;
  guard: Guard;
  /** Caller-held locks this function released before the event (so the caller no longer holds them). */
  released: LockKey[];
  /** Every path to the event sleeps first (a mutex, the scheduler): unreachable from atomic context. */
  afterSleep: boolean;
  /** The path to the event calls through a function pointer resolved by an ops-struct binding. */
  viaIndirect: boolean;
  /**
   * Taken with a nesting annotation (`mutex_lock_nest_lock`, or `_nested` with a subclass the
   * facts do not value): not recursive locking while its class is held.
   */
  nestingAnnotated: boolean;
  /** Where the waiter queues on a reader-writer lock (`LockQueue`): set by the op, kept up the calls. */
  queue: LockQueue;
  /** The bit gates the path is inside at the event (sorted; absent for none): what else the CPU holds. */
  gates?: LockKey[];
  witness: WitnessId;
}

/** How an event waits, as edges and pairs say it: a read that never queues behind a writer is `recursive-read`. */
export function waitModeOf(ev: Pick<LockEvent, 'kind' | 'mode' | 'queue'>): WaitMode {
  if (ev.kind === 'ipi-wait') return 'ipi';
  if (ev.kind === 'sleep') return 'sleep';
  return ev.mode === 'read' && ev.queue === 'recursive-reader' ? 'recursive-read' : ev.mode;
}

/**
 * An order inside a function that only its callers can name: `from` held while waiting for
 * `to`, one of them a parameter's lock (`lock_both(a, b)` takes `*a`, then `*b`). At a call
 * site the arguments' classes make it an edge, or a pair of the caller's if an argument is
 * the caller's parameter in turn (Infer's critical pair of a held lock and an event).
 */
export interface LockPair {
  from: LockKey;
  /** A lock key, or `IPI`. */
  to: LockKey;
  holdMode: LockMode;
  waitMode: WaitMode;
  waitSpins: boolean;
  /** Irq state at the wait, relative to the function's entry. */
  irq: IrqState;
  guard: Guard;
  afterSleep: boolean;
  viaIndirect: boolean;
  hold: WitnessId;
  wait: WitnessId;
  /** The other locks held at the wait: an edge made from the pair keeps them (a lock both sides hold serialises them). */
  alsoHeld: HeldClass[];
}

export interface Summary {
  events: LockEvent[];
  /** Orders its callers decide: between locks of which one is a parameter's, or made only for some parameter values. */
  pairs: LockPair[];
  /** Locks released here that the function did not take: the caller's. */
  releases: LockKey[];
  /** Locks taken here and still held on some return path. */
  returnsHeld: HeldLock[];
  irqExit: IrqState;
  /** `current->journal_info` where it returns (but returning `ERR_PTR()`), as models/task-journal.ts has it. */
  journalExit: JournalState;
  /** The drained lists whose state where it returns is not as at entry, sorted (models/drained-lists.ts). */
  listsExit: [string, ListState][];
  /** The locks of the object it returns that it gave classes of their own (rekeyed-instances.ts), by field. */
  returnsInstance: InstanceField[];
  /**
   * Every object it returns is a fresh zeroed allocation: the fields it set in it (empty: none;
   * zeroed-objects.ts); null when it returns no such object.
   */
  returnsZeroed: readonly string[] | null;
  /** Where irqs were turned off, when the function returns with them off. */
  irqExitWitness: WitnessId;
  /**
   * Irq flags kept in the caller's variable (-1: none). `irqSavesTo`: the function saves the
   * caller's irq state into its parameter (`spin_lock_irqsave(&l, *flags)` in a lock wrapper);
   * `irqRestoresFrom`: it restores from one it did not save (the unlock wrapper). The caller
   * saves and restores its own variable at the call.
   */
  irqSavesTo: number;
  irqRestoresFrom: number;
  /**
   * When the function may return non-zero: `never` (every `return` gives 0), only under a test
   * of a parameter (`may_wait_transaction()` returns 1 only when `type == TRANS_START`), or
   * null (no such limit). A caller's `if (f(…))` takes its true branch only then.
   */
  nonZeroWhen: Guard | 'never';
  /** `nonZeroWhen` is one test and the function returns zero exactly where it fails (`return j->j_flags & ABORT;`). */
  nonZeroExact: boolean;
  /**
   * Every `return` gives a non-zero constant (`static inline bool dev_is_dma_coherent(…) { return
   * true; }`, the arm a config keeps): a caller's false branch of `if (f(…))` never runs.
   */
  neverZero: boolean;
  /**
   * Every value it returns is a trylock's (`return down_read_trylock(&av->root->rwsem);`): it
   * returns non-zero exactly when it took `returnsHeld`, so a caller's false branch holds none of them.
   */
  trylock: boolean;
  /**
   * Locks every caller holds, as the code asserts (`lockdep_assert_held(&p->lock)`, here or in a
   * callee, where this function had not taken them itself), sorted by lock.
   */
  requires: HeldClass[];
}

export const EMPTY_SUMMARY: Summary = { events: [], pairs: [], releases: [], returnsHeld: [], irqExit: 'entry', journalExit: 'entry', listsExit: [], returnsInstance: [], returnsZeroed: null, irqExitWitness: -1, irqSavesTo: -1, irqRestoresFrom: -1, nonZeroWhen: null, nonZeroExact: false, neverZero: false, trylock: false, requires: [] };

/** What tells two pairs apart: everything but the witnesses. */
export function pairKey(p: Omit<LockPair, 'hold' | 'wait'>): string {
  return `${p.from}|${p.to}|${p.holdMode}|${p.waitMode}|${p.waitSpins ? 's' : 'z'}|${p.irq}|${guardKey(p.guard)}|${p.afterSleep ? 1 : 0}|${p.viaIndirect ? 1 : 0}`;
}

export function eventKey(e: LockEvent): string {
  const guard = guardKey(e.guard);
  return `${e.kind}|${e.lock}|${e.mode}|${e.spins ? 's' : 'z'}|${e.irq}|${guard}|${e.released.join(',')}|${e.afterSleep ? 1 : 0}|${e.viaIndirect ? 1 : 0}|${e.nestingAnnotated ? 1 : 0}|${e.queue}|${e.gates?.join(',') ?? ''}`;
}

export function joinIrq(a: IrqState, b: IrqState): IrqState {
  return a === b ? a : 'mixed';
}

export const IPI = 'IPI';

/**
 * A hard interrupt, as a resource: `L → HARDIRQ` when a CPU holds `L` with irqs enabled (an
 * interrupt may come), `HARDIRQ → M` when a hard-irq handler waits for `M`. A cycle through it is
 * lockdep's irq-safe/irq-unsafe inversion: the interrupt runs on the CPU it interrupts.
 */
export const HARDIRQ = 'HARDIRQ';

/**
 * Sleeping, as a resource: `L → SLEEP` when a CPU holding the spinning lock `L` (or with irqs
 * off, `IPI → SLEEP`; in a hard-irq handler, `HARDIRQ → SLEEP`; in a timer or tasklet callback,
 * `SOFTIRQ → SLEEP`) calls something that may sleep.
 * Nothing waits for it, so it is no node of the dependency graph: each such edge is a
 * `sleep-in-atomic` finding of its own.
 */
export const SLEEP = 'SLEEP';

/** Softirq context (a timer or tasklet callback), as the cause of a `sleep-in-atomic` finding. */
export const SOFTIRQ = 'SOFTIRQ';

/**
 * A writer waiting for a reader-writer lock, as the tail of an edge `QUEUED_WRITER → L`: the
 * simulation's extra CPU when a reader must queue behind it. Not a node of the dependency graph
 * (nothing waits for it); the hyphen keeps it apart from every C name.
 */
export const QUEUED_WRITER = 'QUEUED-WRITER';

/** Writers are looked for this many calls deep: the op itself, or a wrapper or two around it. */
export const MAX_WRITER_CHAIN = 3;
