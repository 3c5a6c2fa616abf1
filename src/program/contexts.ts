// Functions with a known execution context: those some code registers to run in one context
// (models/contexts.ts) and that no function of the program calls, directly or through an ops
// field (a function also called directly may run in its caller's context too, so it gets none),
// and those the models declare. Registrations are collected once, where the facts are at hand,
// and kept with the analysis (a summary image has them), so no pass reads every function again.
import { DECLARED_CONTEXTS, type ExecContext } from '../models/contexts.js';
import { type RegistrationSite, functionIndex } from '../facts/outline.js';
import type { Expr } from '../facts/types.js';
import type { RunKind } from '../resources/waits.js';
import { type FnId, type Program, resolveCallee } from './program.js';

/**
 * `by` registers the function it names `name` to run in `context` (`request_irq(irq, name, …)`).
 * `run`: the place it binds the function to, as the kind's calls name it (`INIT_WORK(&x->work, name)`,
 * `x->task = kthread_run(name, …)`); a worker or the thread runs it in task context.
 */
export interface FunctionRegistration {
  by: FnId; name: string; context: ExecContext;
  /**
   * `named`: the place's name once worked out (program/waits.ts), kept with the registration in
   * the image; `thread`: a thread's name as the code spells it (`ISCSI_RX_THREAD_NAME`, `"frobd"`).
   */
  run?: { kind: RunKind; place: Expr; named?: string | null; thread?: string };
}

/**
 * `by` queues a work item on a workqueue (`queue_work(d->wq, &d->reset_work)`): the queue runs the
 * item's function. `named`: the queue's and the item's places once worked out, kept in the image.
 */
export interface Queueing { by: FnId; queue: Expr; item: Expr; named?: { queue: string | null; item: string | null } }

/**
 * `by` registers `name` to run while the kernel holds a lock of its own for write (models/waits.ts,
 * `LOCKED_RUNS`): `lockedBy` is the registering call (`cpuhp_setup_state`).
 */
export interface LockedRegistration {
  by: FnId; name: string; lockedBy: string;
  /** The registering call, where the state it names runs `name` with irqs disabled (`CPUHP_AP_*_STARTING`). */
  irqsOffAt?: RegistrationSite;
}

export type Registration = FunctionRegistration | Queueing | LockedRegistration;

export const isQueueing = (r: Registration): r is Queueing => 'queue' in r;
export const isLockedRegistration = (r: Registration): r is LockedRegistration => 'lockedBy' in r;
/** A registration of a function to run in a context, or for a run's place. */
export const isFunctionRegistration = (r: Registration): r is FunctionRegistration => 'context' in r;

/** The registrations in the bodies of `functions`. */
export function registrationsIn(program: Program, functions: Iterable<FnId>): Registration[] {
  const out: Registration[] = [];
  for (const by of functions) {
    const fn = program.functions[by];
    const index = fn ? functionIndex(fn) : null;
    for (const [name, context] of index?.registers ?? []) out.push({ by, name, context });
    for (const [kind, place, name, thread] of index?.runBindings ?? []) out.push({ by, name, context: 'task', run: { kind, place, ...(thread ? { thread } : {}) } });
    for (const [queue, item] of index?.queueings ?? []) out.push({ by, queue, item });
    for (const [lockedBy, name, irqsOffAt] of index?.lockedRuns ?? []) out.push({ by, name, lockedBy, ...(irqsOffAt ? { irqsOffAt } : {}) });
    // `DECLARE_WORK(frob_work, frob_fn)` in the function's own file binds the item to it.
    for (const [item, name] of (fn && program.declaredRuns.get(fn.file)) || []) {
      if (name === fn?.name) out.push({ by, name, context: 'task', run: { kind: 'work', place: { k: 'addr', arg: { k: 'id', name: item } } } });
    }
  }
  return out;
}

/** A function the kernel enters with irqs disabled, and the registration that makes it so. */
export interface IrqsOffEntry { by: FnId; site: RegistrationSite }

/**
 * Functions registered to run with irqs disabled (a CPU hotplug STARTING or DYING callback) and
 * called by no function of the program: they start with irqs off. One also called directly may
 * run with irqs on there, so it gets nothing (as for `entryContexts()`).
 */
export function irqsOffEntries(program: Program, callGraph: readonly FnId[][], registrations: readonly Registration[]): Map<FnId, IrqsOffEntry> {
  const registered = new Map<FnId, IrqsOffEntry>();
  // A callback of another state too runs with irqs enabled there.
  const enabled = new Set<FnId>();
  for (const r of registrations) {
    if (!isLockedRegistration(r)) continue;
    for (const id of registeredFunctions(program, r)) {
      if (!r.irqsOffAt) enabled.add(id);
      else if (!registered.has(id)) registered.set(id, { by: r.by, site: r.irqsOffAt });
    }
  }
  const called = new Set<FnId>(enabled);
  for (const callees of callGraph) for (const c of callees) if (registered.has(c)) called.add(c);
  return new Map([...registered].filter(([id]) => !called.has(id)).sort(([a], [b]) => a - b));
}

/** The functions `r` names, as the registering function's code resolves the name. */
export function registeredFunctions(program: Program, r: FunctionRegistration | LockedRegistration): FnId[] {
  const fn = program.functions[r.by];
  return fn ? resolveCallee(program, fn, r.name) : [];
}

export function entryContexts(program: Program, callGraph: readonly FnId[][], registrations: readonly Registration[]): Map<FnId, ExecContext> {
  const registered = new Map<FnId, Set<ExecContext>>();
  for (const r of registrations) {
    if (!isFunctionRegistration(r)) continue;
    for (const id of registeredFunctions(program, r)) {
      const set = registered.get(id) ?? new Set<ExecContext>();
      set.add(r.context);
      registered.set(id, set);
    }
  }
  const called = new Set<FnId>();
  for (const callees of callGraph) for (const c of callees) if (registered.has(c)) called.add(c);
  const out = new Map<FnId, ExecContext>();
  for (const [id, contexts] of [...registered].sort(([a], [b]) => a - b)) {
    const [only] = contexts;
    if (contexts.size === 1 && only && !called.has(id)) out.set(id, only);
  }
  for (const declared of DECLARED_CONTEXTS) {
    for (const id of program.globalDefs.get(declared.fn) ?? program.fileStatics.get(declared.file)?.get(declared.fn) ?? []) {
      if (program.functions[id]?.file === declared.file) out.set(id, declared.context);
    }
  }
  return out;
}
