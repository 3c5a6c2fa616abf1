// Which object the two acquisitions of a recursive-locking finding name. A class taken twice is
// lockdep's report either way, but a kernel developer reads two cases apart: the same object (a
// CPU waiting on itself) and two objects of the class (a port and its peer, a parent and its
// child: a deadlock only if another path takes them in the other order, or if they can be one).
// Each lock argument is carried up its chain, a parameter replaced by the caller's argument,
// to the deepest frame both chains share; there the two are compared as the code spells them.
import type { Expr, FunctionFacts } from '../facts/types.js';
import { isLockOp, modelOf } from '../models/kernel-api.js';
import { callArgumentTexts } from '../parse/normalize.js';
import { assignmentsTo, calleeName } from '../program/program.js';
import { plainName } from '../program/scope.js';
import { resourceOf } from '../resources/resource.js';
import { type RunKind, waitOf } from '../resources/waits.js';
import { lockOfKey } from '../summaries/domain.js';
import type { WitnessId, WitnessLink } from '../summaries/witness.js';
import type { DepEdge } from './types.js';

/** The objects of two acquisitions, spelled in their shared frame; `unknown` where a chain's object is not its callers'. */
export type AcquiredObjects =
  | { k: 'same'; object: string }
  | { k: 'different'; held: string; taken: string }
  | { k: 'unknown' };

/** `cls`: the class (its plain name), which tells a global's own lock from a local's in a deeper frame. */
export function acquiredObjects(cls: string, hold: readonly WitnessLink[], wait: readonly WitnessLink[], functions: readonly FunctionFacts[]): AcquiredObjects {
  // A global lock is one object; a global array of locks is not.
  if (/^[A-Za-z_]\w*$/.test(cls)) return { k: 'same', object: cls };
  const shared = sharedFrame(hold, wait);
  if (shared < 0) return { k: 'unknown' };
  const held = objectIn(cls, hold, shared, functions);
  const taken = objectIn(cls, wait, shared, functions);
  if (held === null || taken === null) return { k: 'unknown' };
  return held === taken ? { k: 'same', object: held } : { k: 'different', held, taken };
}

/**
 * The objects that embed a lock a CPU holds and a member it waits on (a work item it flushes:
 * `dev` of `&dev->lock` and of `&dev->reset_work`), spelled in the frame both chains share.
 * `lockField`, `memberField`: the last names of the two classes.
 */
export function embeddingObjects(
  lockField: string, memberField: string, hold: readonly WitnessLink[], wait: readonly WitnessLink[], functions: readonly FunctionFacts[],
): AcquiredObjects {
  const shared = sharedFrame(hold, wait);
  if (shared < 0) return { k: 'unknown' };
  const held = embedding(objectIn('', hold, shared, functions), lockField);
  const waited = embedding(objectIn('', wait, shared, functions), memberField);
  if (held === null || waited === null) return { k: 'unknown' };
  return held === waited ? { k: 'same', object: held } : { k: 'different', held, taken: waited };
}

/** A CPU holding a lock of struct `S` and waiting for a run kept in `S`: the fields, and the objects embedding each. */
export interface FlushedObjects { struct: string; lockField: string; runField: string; objects: AcquiredObjects }

/** The objects of a flush edge (`con->sock_mutex` held, `con->othercon->rwork` waited for), or null when it is none. */
export function flushedObjects(e: DepEdge, functions: readonly FunctionFacts[], chain: (id: WitnessId) => WitnessLink[]): FlushedObjects | null {
  const run = waitOf(e.to);
  const held = resourceOf(e.from);
  if (run === null || held.kind !== 'lock') return null;
  const [lockStruct, lockField] = splitMember(plainName(lockOfKey(held.cls)));
  const [runStruct, runField] = splitMember(plainName(run.place));
  if (lockStruct === null || lockStruct !== runStruct) return null;
  return { struct: lockStruct, lockField, runField, objects: embeddingObjects(lockField, runField, chain(e.hold), chain(e.wait), functions) };
}

/** `S` and `f` of the class `S.f`; no struct for a global. */
function splitMember(cls: string): [string | null, string] {
  const dot = cls.lastIndexOf('.');
  return dot < 0 ? [null, cls] : [cls.slice(0, dot), cls.slice(dot + 1)];
}

/** `f` where one object is the other's `->f`: one pointer hop apart (`con` and `con->othercon`, either way). */
export function fieldHop(objects: AcquiredObjects): string | null {
  if (objects.k !== 'different') return null;
  return hopFrom(objects.held, objects.taken) ?? hopFrom(objects.taken, objects.held);
}

function hopFrom(base: string, object: string): string | null {
  const rest = object.startsWith(`(${base})`) ? object.slice(base.length + 2) : object.startsWith(base) ? object.slice(base.length) : null;
  return rest === null ? null : /^->(\w+)$/.exec(rest)?.[1] ?? null;
}

/**
 * Whether a worker's chain (its first frame the run's function) takes `lockField` of the object
 * embedding its own item: the lock argument, spelled in that frame, is `&X->lockField` for X the
 * worker's own object (`isOwnRunObject()`).
 */
export function locksOwnRunObject(lockField: string, runField: string, chain: readonly WitnessLink[], functions: readonly FunctionFacts[]): boolean {
  const root = functions[chain[0]?.fn ?? -1];
  const object = embedding(objectIn('', chain, 0, functions), lockField);
  return root !== undefined && object !== null && isOwnRunObject('work', object, runField, root);
}

/**
 * The objects of a run waiting for its own place (a self-loop `W → W`, the wait's chain starting
 * in the run's function), or null for an edge that is none: a global item is one object.
 */
export function selfWaitObjects(e: DepEdge, functions: readonly FunctionFacts[], chain: (id: WitnessId) => WitnessLink[]): AcquiredObjects | null {
  const run = waitOf(e.to);
  const kind = run?.model.kind;
  if (e.from !== e.to || !run || (kind !== 'work' && kind !== 'kthread')) return null;
  const [struct, field] = splitMember(plainName(run.place));
  return struct === null ? { k: 'same', object: run.place } : waitedRunObjects(kind, field, chain(e.wait), functions);
}

/**
 * The objects of a run waiting for a run of its own class (`cancel_work_sync(&X->runField)` or
 * `kthread_stop(X->runField)` down its chain, its first frame the run's function): its own object
 * and the one whose run it waits for, spelled in that frame (`dev` and `dev->parent`); `unknown`
 * where the waited run is not spelled from the run's own object.
 */
export function waitedRunObjects(kind: RunKind, runField: string, chain: readonly WitnessLink[], functions: readonly FunctionFacts[]): AcquiredObjects {
  const root = functions[chain[0]?.fn ?? -1];
  const waited = objectIn('', chain, 0, functions);
  if (!root || waited === null) return { k: 'unknown' };
  // The item handed in (`cancel_work_sync(work)`) is the worker's own.
  if (kind === 'work' && waited === root.params[0]?.name && assignmentsTo(root.body, waited).length === 0) return { k: 'same', object: waited };
  const object = kind === 'work' ? embedding(waited, runField) : new RegExp(`^(.+?)->${runField}$`).exec(waited)?.[1] ?? null;
  const base = object === null ? null : /^[A-Za-z_]\w*/.exec(object)?.[0] ?? null;
  if (object === null || base === null || !isOwnRunObject(kind, base, runField, root)) return { k: 'unknown' };
  return object === base ? { k: 'same', object } : { k: 'different', held: base, taken: object };
}

/**
 * Whether local `object` of a run's function is the object its run is kept in, given only the
 * function's first parameter (never another value itself): a worker's `container_of(work, S,
 * runField)`, the item's embedding object; a thread's data pointer, taken to be the object that
 * keeps the thread (`host->eh_thread = kthread_run(fn, host, …)`).
 */
function isOwnRunObject(kind: RunKind, object: string, runField: string, root: FunctionFacts): boolean {
  const handed = root.params[0]?.name;
  if (!handed || !/^[A-Za-z_]\w*$/.test(object) || root.params.some((p) => p.name === object) || assignmentsTo(root.body, handed).length > 0) return false;
  const values = assignmentsTo(root.body, object);
  return values.length > 0 && values.every(({ op, value }) => {
    if (op !== '=') return false;
    const v = value.k === 'cast' ? value.arg : value;
    if (kind === 'kthread') return v.k === 'id' && v.name === handed;
    const args = v.k === 'call' && calleeName(v) === 'container_of' ? v.args : null;
    const [item, , member] = args ?? [];
    return item !== undefined && isHandedItem(item, handed, root) && member !== undefined && namesRunMember(member, runField);
  });
}

/**
 * The item a work function was handed: its parameter, or the delayed item that embeds it
 * (`to_delayed_work(work)`, directly or kept in a local given only that).
 */
function isHandedItem(e: Expr, handed: string, root: FunctionFacts): boolean {
  const delayedOfHanded = (v: Expr): boolean => v.k === 'call' && calleeName(v) === 'to_delayed_work' && v.args[0]?.k === 'id' && v.args[0].name === handed;
  if ((e.k === 'id' && e.name === handed) || delayedOfHanded(e)) return true;
  if (e.k !== 'id' || root.params.some((p) => p.name === e.name)) return false;
  const values = assignmentsTo(root.body, e.name);
  return values.length > 0 && values.every(({ op, value }) => op === '=' && delayedOfHanded(value));
}

/** `runField`, or a delayed item's `runField.work`, as `container_of()`'s member argument. */
function namesRunMember(member: Expr, runField: string): boolean {
  if (member.k === 'id') return member.name === runField;
  return member.k === 'field' && !member.arrow && member.field === 'work' && member.base.k === 'id' && member.base.name === runField;
}

/** `dev` of `&dev->reset_work` (or of a delayed item's `&dev->poll.work`), or null when `object` is no member `field`. */
function embedding(object: string | null, field: string): string | null {
  const address = object?.replace(/^&\(?(.*?)\)?$/, '$1') ?? null;
  const bare = address !== null && field !== 'work' ? address.replace(/\.work$/, '') : address;
  const m = bare === null ? null : new RegExp(`^(.+?)(?:->|\\.)${field}$`).exec(bare);
  return m?.[1] ?? null;
}

/** The deepest frame both chains run in: the same calls down to it, then the same function. */
function sharedFrame(a: readonly WitnessLink[], b: readonly WitnessLink[]): number {
  let k = 0;
  while (k < a.length && k < b.length) {
    const [x, y] = [a[k] as WitnessLink, b[k] as WitnessLink];
    if (x.fn !== y.fn) return k - 1;
    if (x.line !== y.line || x.col !== y.col || x.kind !== 'call' || y.kind !== 'call') return k;
    k++;
  }
  return Math.min(a.length, b.length) - 1;
}

/** The lock argument of a chain's last link, carried up to frame `frame`; null where it is a deeper frame's own. */
function objectIn(cls: string, chain: readonly WitnessLink[], frame: number, functions: readonly FunctionFacts[]): string | null {
  const last = chain[chain.length - 1];
  if (!last) return null;
  let object = lockArgument(last.text);
  for (let k = chain.length - 1; object !== null && k > frame; k--) {
    const fn = functions[(chain[k] as WitnessLink).fn];
    const caller = chain[k - 1] as WitnessLink;
    object = fn ? inCaller(object, cls, fn, callArgumentTexts(caller.text)) : null;
  }
  return object;
}

/**
 * `object` as the caller spells it: its leading name, a parameter of `fn`, replaced by the
 * argument passed; a global instance (`&init_mm.page_table_lock`, class `init_mm.page_table_lock`)
 * is spelled alike everywhere.
 */
function inCaller(object: string, cls: string, fn: FunctionFacts, args: string[] | null): string | null {
  const m = /^(&?\(?\*?)([A-Za-z_]\w*)(.*)$/s.exec(object);
  if (!m || !args) return null;
  const [, prefix, name, rest] = m as unknown as [string, string, string, string];
  const param = fn.params.findIndex((p) => p.name === name);
  if (param < 0) return rest.startsWith('.') && cls.startsWith(`${name}.`) ? object : null;
  const arg = args[param];
  // A constant passed (`NULL`) is one the callee replaces before it locks.
  if (arg === undefined || /^(NULL|\d\w*)$/.test(arg)) return null;
  const simple = /^[\w.>&*-]+$/.test(arg) && !/^&/.test(arg) ? arg : `(${arg})`;
  return normalise(`${prefix}${simple}${rest}`);
}

/** The lock argument of an acquisition's text (`&lport->lp_mutex` of `mutex_lock(&lport->lp_mutex)`). */
function lockArgument(text: string): string | null {
  const name = /^\s*([A-Za-z_]\w*)\s*\(/.exec(text)?.[1];
  const args = callArgumentTexts(text);
  const model = name ? modelOf(name) : undefined;
  const index = model && isLockOp(model) ? model.lockArg : 0;
  const arg = args?.[index];
  return arg === undefined ? null : normalise(arg);
}

function normalise(expr: string): string {
  return expr.replace(/\s+/g, '');
}
