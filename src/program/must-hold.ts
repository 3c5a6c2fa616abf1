// Locks held at every entry of a function: those its code asserts (`lockdep_assert_held`, in
// its summary), and those every caller holds around every call of it, for the functions whose
// callers are all in view: a function of a `.c` file that only calls name (its file never names
// it otherwise: no ops table, callback or `EXPORT_SYMBOL`; for one that is not `static`, no
// initialiser or assignment anywhere binds it). A function that is not `static` may have callers
// outside a partial scan's paths; a whole tree has them all (but assembly's).
// Computed top-down over the call graph: two CPUs both inside such a lock cannot interleave
// there, so a cycle whose CPUs all run under it is no deadlock (the simulation's gate locks).
import { functionIndex } from '../facts/outline.js';
import type { CallHolds, SummaryStore } from '../summaries/analyze-function.js';
import { stronglyConnectedComponents } from '../summaries/bottom-up.js';
import { type HeldClass, type LockKey, lockOfKey, meetHeld } from '../summaries/domain.js';
import { paramFieldOf } from './lock-identity.js';
import type { FnId, Program } from './program.js';

/** Functions only the program's own calls reach: their callers' locks are theirs. */
export function closedFunctionsIn(program: Program, functions: Iterable<FnId>): FnId[] {
  const bound = new Set([...program.fieldBindings.values(), ...program.unfollowedBindings.values()].flat());
  const out: FnId[] = [];
  for (const id of functions) {
    const fn = program.functions[id];
    if (!fn || fn.isMacro || !fn.file.endsWith('.c') || functionIndex(fn).addressTaken) continue;
    if (fn.isStatic || !bound.has(fn.name)) out.push(id);
  }
  return out;
}

export interface MustHoldInputs {
  callGraph: readonly FnId[][];
  callHolds: ReadonlyMap<FnId, CallHolds>;
  closed: ReadonlySet<FnId>;
  requiring: ReadonlySet<FnId>;
  summaries: SummaryStore;
}

/** Per function with any, the classes held at its every entry (sorted by lock). */
export function mustHoldAtEntry(inputs: MustHoldInputs): Map<FnId, HeldClass[]> {
  const { callGraph, closed } = inputs;
  const callers: FnId[][] = callGraph.map(() => []);
  callGraph.forEach((callees, fn) => { for (const c of callees) callers[c]?.push(fn); });
  const out = new Map<FnId, HeldClass[]>();
  const components = stronglyConnectedComponents(callGraph as FnId[][]);
  // Callers first; inside a recursive component, start from "everything" and narrow to a fixed point.
  for (let ci = components.length - 1; ci >= 0; ci--) {
    const component = components[ci] as FnId[];
    const pending = new Set(component.filter((fn) => closed.has(fn) && (callers[fn]?.length ?? 0) > 0));
    const fromCallers = new Map<FnId, HeldClass[] | null>(component.map((fn) => [fn, pending.has(fn) ? null : []]));
    const held = (fn: FnId): HeldClass[] | null => (fromCallers.has(fn) ? fromCallers.get(fn) ?? null : out.get(fn) ?? []);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let changed = false;
      for (const fn of pending) {
        const next = meetOverCallers(fn, callers[fn] ?? [], inputs, (g) => union(held(g), ownRequires(g, inputs)));
        if (!sameHeld(next, fromCallers.get(fn) ?? null)) { fromCallers.set(fn, next); changed = true; }
      }
      if (!changed) break;
      if (round === MAX_ROUNDS - 1) for (const fn of pending) fromCallers.set(fn, []);
    }
    for (const fn of component) {
      const all = union(fromCallers.get(fn) ?? [], ownRequires(fn, inputs)) ?? [];
      if (all.length > 0) out.set(fn, all);
    }
  }
  return out;
}

const MAX_ROUNDS = 8;

/** What every caller holds at every call of `fn`; null while a caller in `fn`'s component is still unknown ("everything"). */
function meetOverCallers(fn: FnId, callers: readonly FnId[], inputs: MustHoldInputs, heldIn: (g: FnId) => HeldClass[] | null): HeldClass[] | null {
  let meet: HeldClass[] | null = null;
  for (const g of callers) {
    const entry = heldIn(g);
    if (entry === null) continue;
    const atCalls = inputs.callHolds.get(g)?.find(([callee]) => callee === fn)?.[1] ?? [];
    const side = union(entry, atCalls) ?? [];
    meet = meet === null ? side : meetHeld(meet, side);
    if (meet.length === 0) return meet;
  }
  return meet;
}

/** The classes a function's summary asserts held, as classes (a parameter's object lock by its struct field). */
function ownRequires(fn: FnId, inputs: MustHoldInputs): HeldClass[] {
  const requires = inputs.requiring.has(fn) ? inputs.summaries.get(fn)?.requires ?? [] : [];
  return requires.flatMap((r) => {
    const cls = classOf(r.lock);
    return cls ? [{ lock: cls, mode: r.mode }] : [];
  });
}

function classOf(key: LockKey): LockKey | null {
  const pf = paramFieldOf(lockOfKey(key));
  if (pf) return `${pf.struct}.${pf.field}`;
  return key.startsWith('#p') ? null : lockOfKey(key);
}

/** `a` and `b` together (write wins: holding for write is holding); null when `a` is "everything". */
function union(a: HeldClass[] | null, b: readonly HeldClass[]): HeldClass[] | null {
  if (a === null) return null;
  if (b.length === 0) return a;
  const byLock = new Map(a.map((h) => [h.lock, h.mode]));
  for (const h of b) byLock.set(h.lock, byLock.get(h.lock) === 'write' ? 'write' : h.mode);
  return [...byLock].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([lock, mode]) => ({ lock, mode }));
}

function sameHeld(a: HeldClass[] | null, b: HeldClass[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((h, i) => h.lock === b[i]?.lock && h.mode === b[i]?.mode);
}
