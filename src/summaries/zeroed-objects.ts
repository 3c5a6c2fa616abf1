// Fresh zeroed objects. A local pointer given only zeroing allocations (`kzalloc()`, or a
// function that returns one, as `btrfs_alloc_path()`) holds 0 in every field the code does not
// set: a callee's test of such a field (`if (p->need_commit_sem)`) is decided at the call.
import type { Expr, Stmt } from '../facts/types.js';
import { allocatesZeroed } from '../models/allocations.js';
import { assignmentsTo, calleeName, forEachExpr, forEachReturn } from '../program/program.js';

type Call = Extract<Expr, { k: 'call' }>;

/** Whether a call returns a fresh zeroed object: a zeroing allocator's, or a callee whose summary says so. */
export type ZeroedCall = (c: Call) => boolean;

/** `e` without the casts around it. */
export const unwrapCasts = (e: Expr): Expr => (e.k === 'cast' ? unwrapCasts(e.arg) : e);
const unwrap = unwrapCasts;

function isZeroedValue(e: Expr, zeroedCall: ZeroedCall): boolean {
  const v = unwrap(e);
  if (v.k !== 'call') return false;
  const name = calleeName(v);
  return (name !== null ? allocatesZeroed(name, v.args) : null) ?? zeroedCall(v);
}

/** No object: `NULL`, `0`, `ERR_PTR(…)`. */
export function isNoObject(e: Expr): boolean {
  const v = unwrap(e);
  return (v.k === 'id' && v.name === 'NULL') || (v.k === 'num' && v.value === 0) || (v.k === 'call' && calleeName(v) === 'ERR_PTR');
}

/**
 * Whether local `name` holds a fresh zeroed object wherever `body` gives it one: each value is
 * a zeroing allocation (or no object), at least one is, and its address is never taken (no
 * callee can give it another).
 */
export function isFreshZeroedLocal(body: Stmt[], name: string, zeroedCall: ZeroedCall): boolean {
  const assignments = assignmentsTo(body, name);
  if (!assignments.some((a) => a.op === '=' && isZeroedValue(a.value, zeroedCall))) return false;
  if (!assignments.every((a) => a.op === '=' && (isZeroedValue(a.value, zeroedCall) || isNoObject(a.value)))) return false;
  return !isAddressTaken(body, name);
}

/**
 * Whether every object a function returns is fresh, zeroed and untouched: a zeroing allocation,
 * or a fresh zeroed local that no field is set through and no call is given. NULL and
 * `ERR_PTR()` returns aside; a function returning no object is not one.
 */
export function returnsZeroedObject(body: Stmt[], zeroedCall: ZeroedCall): boolean {
  let objects = 0;
  let all = true;
  forEachReturn(body, (r) => {
    if (!all || !r.value || isNoObject(r.value)) return;
    const v = unwrap(r.value);
    objects++;
    if (isZeroedValue(v, zeroedCall)) return;
    all = v.k === 'id' && isFreshZeroedLocal(body, v.name, zeroedCall) && !isHandledOn(body, v.name);
  });
  return all && objects > 0;
}

/** Whether the body takes local `name`'s address (`&name`), so a callee may give it a value. */
export function isAddressTaken(body: Stmt[], name: string): boolean {
  let taken = false;
  forEachExpr(body, (e) => { if (!taken && e.k === 'addr' && e.arg.k === 'id' && e.arg.name === name) taken = true; });
  return taken;
}

/** Calls that only read a pointer's value: giving it to them hands nothing over. */
const POINTER_TESTS = new Set(['IS_ERR', 'IS_ERR_OR_NULL', 'PTR_ERR', 'PTR_ERR_OR_ZERO']);

/** Whether `e` is local `name` or a part of it (`name`, `&name->dev`, `name->ops`): handing it on hands on the object. */
export function reachesLocal(e: Expr, name: string): boolean {
  if (e.k === 'id') return e.name === name;
  if (e.k === 'field') return reachesLocal(e.base, name);
  return (e.k === 'addr' || e.k === 'cast') && reachesLocal(e.arg, name);
}

/** Whether `body` sets a field through `name` or gives `name` (or the address of a field of it) to a call. */
function isHandledOn(body: Stmt[], name: string): boolean {
  const through = (e: Expr): boolean => reachesLocal(e, name);
  let handled = false;
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field' && through(e.left)) handled = true;
    if (e.k === 'call' && !POINTER_TESTS.has(calleeName(e) ?? '') && e.args.some(through)) handled = true;
  });
  return handled;
}
