// Which place a run's expression names (`&dev->reset_work` → `frob_dev.reset_work`,
// `dev->poll_task` → `frob_dev.poll_task`), and which runs each function is (its bindings,
// `INIT_WORK()`, `kthread_run()`). A place is named like a lock class: the field of a struct
// type, a static instance's field, or a global.
import type { Expr } from '../facts/types.js';
import { type FnId, type Program, calleeName, getOrInit, sharedDirectoryDepth } from './program.js';
import { type FunctionRegistration, type Registration, isFunctionRegistration, isLockedRegistration, isQueueing, registeredFunctions } from './contexts.js';
import type { LockIdentity } from './lock-identity.js';
import { PLACE_ARGUMENT, lockedRunOf } from '../models/waits.js';
import { resolveName } from './scope.js';
import { type RunKind, type WaitKind, waitModel, waitResource } from '../resources/waits.js';

/** A delayed item's `work` member is the item: `&d->dwork.work` is `d->dwork`'s (a workqueue's or a kthread worker's). */
const DELAYED_WORK: ReadonlySet<string> = new Set(['delayed_work', 'kthread_delayed_work']);

/** The place `kind`'s argument `e` names, or null when the code does not say which. */
export function waitPlaceAt(identity: LockIdentity, fn: FnId, kind: WaitKind, e: Expr): string | null {
  const handed = PLACE_ARGUMENT[kind];
  if (typeof handed === 'object') return handed.one;
  if (e.k === 'cast') return waitPlaceAt(identity, fn, kind, e.arg);
  if (handed === 'address') return e.k === 'addr' ? placeOf(identity, fn, e.arg) : null;
  return e.k === 'id' && identity.localType(fn, e.name) !== undefined ? keptIn(identity, fn, e.name) : placeOf(identity, fn, e);
}

/** `t = d->poll_task; … kthread_stop(t);`: the one place every value of the local comes from. */
function keptIn(identity: LockIdentity, fn: FnId, local: string): string | null {
  const places = new Set(identity.localAssignments(fn, local).map((rhs) => (rhs.k === 'id' ? null : placeOf(identity, fn, rhs))));
  const [only] = places;
  return places.size === 1 ? only ?? null : null;
}

function placeOf(identity: LockIdentity, fn: FnId, target: Expr): string | null {
  if (target.k === 'cast') return placeOf(identity, fn, target.arg);
  if (target.k === 'call') return takenFrom(identity, fn, target);
  if (target.k === 'id') return identity.globalName(fn, target.name);
  if (target.k !== 'field') return null;
  if (target.field === 'work' && DELAYED_WORK.has(identity.lockTypeOf(fn, target.base) ?? '')) return placeOf(identity, fn, target.base);
  const struct = identity.structOf(fn, target.base);
  if (!struct) return null;
  const instance = !target.arrow && target.base.k === 'id' ? identity.globalName(fn, target.base.name) : null;
  return instance ? `${instance}.${target.field}` : `${struct}.${target.field}`;
}

/** `READ_ONCE(d->task)`, `xchg(&d->task, NULL)`: the place a value is read or taken from. */
function takenFrom(identity: LockIdentity, fn: FnId, call: Extract<Expr, { k: 'call' }>): string | null {
  const [arg] = call.args;
  const name = calleeName(call);
  if (!arg) return null;
  if (name === 'READ_ONCE') return placeOf(identity, fn, arg);
  return name === 'xchg' && arg.k === 'addr' ? placeOf(identity, fn, arg.arg) : null;
}

/**
 * Per function, the run resources its worker or thread holds while it runs (sorted, distinct):
 * its items' and threads' places, the queues its items are queued on, and the classes of the
 * locks the kernel holds around it (`cpu_hotplug_lock` around a hotplug callback). Naming a place reads the
 * registering function's body (its locals' types); the names are kept on the registrations, which
 * the image carries, so a check-patch does not read every registering body again.
 */
export function runFunctions(program: Program, identity: LockIdentity, registrations: readonly Registration[]): Map<FnId, string[]> {
  const out = new Map<FnId, Set<string>>();
  const runsOf = (id: FnId): Set<string> => getOrInit(out, id, () => new Set<string>());
  const byItem = new Map<string, FnId[]>();
  for (const { r, item } of namedRuns(identity, registrations)) {
    for (const id of registeredFunctions(program, r)) {
      runsOf(id).add(item);
      getOrInit(byItem, item, () => []).push(id);
    }
  }
  for (const r of registrations) {
    if (!isQueueing(r)) continue;
    r.named ??= { queue: waitPlaceAt(identity, r.by, 'workqueue', r.queue), item: waitPlaceAt(identity, r.by, 'work', r.item) };
    const { queue, item } = r.named;
    if (queue === null || item === null) continue;
    for (const id of byItem.get(waitResource('work', item)) ?? []) runsOf(id).add(waitResource('workqueue', queue));
  }
  for (const r of registrations) {
    if (!isLockedRegistration(r)) continue;
    // The lock's class is a global's key, cheap to look up again: nothing to keep in the image.
    const cls = lockedRunClass(program, r.lockedBy);
    if (cls === null) continue;
    for (const id of registeredFunctions(program, r)) runsOf(id).add(cls);
  }
  return new Map([...out].map(([id, runs]) => [id, [...runs].sort()]));
}

/**
 * Per run of a kind lockdep keys by its registration site (`keyedBySite`: a work item), per
 * function registered to run it, the directories of the files that register it
 * (`INIT_WORK(&mphy->mac_work, mt7615_mac_work)` in `…/mt76/mt7615/init.c`). Reads the places
 * runFunctions() named.
 */
export function runSiteDirectories(program: Program, identity: LockIdentity, registrations: readonly Registration[]): Map<string, Map<FnId, string[]>> {
  const out = new Map<string, Map<FnId, Set<string>>>();
  for (const { r, kind, item } of namedRuns(identity, registrations)) {
    const file = program.functions[r.by]?.file;
    if (!waitModel(kind).keyedBySite || file === undefined) continue;
    const byFunction = getOrInit(out, item, () => new Map<FnId, Set<string>>());
    for (const id of registeredFunctions(program, r)) getOrInit(byFunction, id, () => new Set<string>()).add(directoryOf(file));
  }
  return new Map([...out].map(([run, byFunction]) => [run, new Map([...byFunction].map(([id, dirs]) => [id, [...dirs].sort()]))]));
}

/**
 * Per thread name as the code spells it (`ISCSI_RX_THREAD_NAME`), the runs of the threads created
 * with it: `strcmp(current->comm, ISCSI_RX_THREAD_NAME)` tells those threads from any other task.
 */
export function runsByThreadName(identity: LockIdentity, registrations: readonly Registration[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const { r, item } of namedRuns(identity, registrations)) {
    if (r.run?.thread !== undefined) getOrInit(out, r.run.thread, () => new Set<string>()).add(item);
  }
  return new Map([...out].map(([name, runs]) => [name, [...runs].sort()]));
}

/** The registrations of functions for a run whose place the code names, with the run's resource (its name kept in the registration). */
function* namedRuns(identity: LockIdentity, registrations: readonly Registration[]): Generator<{ r: FunctionRegistration; kind: RunKind; item: string }> {
  for (const r of registrations) {
    if (!isFunctionRegistration(r) || !r.run) continue;
    const run = r.run;
    if (run.named === undefined) run.named = waitPlaceAt(identity, r.by, run.kind, run.place);
    if (run.named !== null) yield { r, kind: run.kind, item: waitResource(run.kind, run.named) };
  }
}

/**
 * Of the directories that register a run, those nearest the code on a waiter's chain (`files`,
 * its frames' files): at each frame, those sharing most leading directories with it, when some
 * share more than the rest; the frame that names the fewest wins, else all. Code flushes the
 * items its own driver initialises, through a library of the core too (mt7615's debugfs wakes
 * the chip through `mt76_connac_pm_wake()`), and a core function on its own any driver's.
 */
export function nearestDirectories(dirs: readonly string[], files: readonly string[]): string[] {
  let nearest = [...dirs];
  let depth = -1;
  for (const file of files) {
    const depths = dirs.map((d) => sharedDirectoryDepth(d, file));
    const best = Math.max(...depths);
    const here = dirs.filter((_, i) => depths[i] === best);
    if (here.length < dirs.length && best > depth) [nearest, depth] = [here, best];
  }
  return nearest;
}

/** `a/b/` of `a/b/c.c`: a directory as sharedDirectoryDepth() reads it. */
function directoryOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

/** The class of the lock `callee`'s callbacks run under, when the program defines it (a scan of `kernel/`). */
function lockedRunClass(program: Program, callee: string): string | null {
  const row = lockedRunOf(callee);
  const key = row ? resolveName(program.globals, row.lock.name, row.lock.file) : null;
  return key !== null && program.globals.has(key) ? key : null;
}
