// Fresh zeroed objects. A local pointer given only zeroing allocations (`kzalloc()`, or a
// function that returns one, as `btrfs_alloc_path()`) holds 0 in every field the code does not
// set: a callee's test of such a field (`if (p->need_commit_sem)`) is decided at the call. A
// creator that sets some fields before it returns the object (`__rdma_create_id()` sets `state`,
// `id`, …) returns one whose other fields are 0 (`reuseaddr`): its summary lists the fields set.
import type { Expr, Stmt } from '../facts/types.js';
import { allocatesZeroed } from '../models/allocations.js';
import { assignmentsTo, calleeName, forEachExpr, forEachReturn, unwrapCasts } from '../program/program.js';

type Call = Extract<Expr, { k: 'call' }>;

/** The fields a call's fresh zeroed object has set (empty: none), or null when it returns no such object. */
export type ZeroedCall = (c: Call) => readonly string[] | null;

const NONE_SET: readonly string[] = [];

const unwrap = unwrapCasts;

/** The fields set in the fresh zeroed object `e` gives, or null when it gives none. */
function zeroedValue(e: Expr, zeroedCall: ZeroedCall): readonly string[] | null {
  const v = unwrap(e);
  if (v.k !== 'call') return null;
  const name = calleeName(v);
  const allocator = name !== null ? allocatesZeroed(name, v.args) : null;
  if (allocator !== null) return allocator ? NONE_SET : null;
  return zeroedCall(v);
}

/** No object: `NULL`, `0`, `ERR_PTR(…)`. */
export function isNoObject(e: Expr): boolean {
  const v = unwrap(e);
  return (v.k === 'id' && v.name === 'NULL') || (v.k === 'num' && v.value === 0) || (v.k === 'call' && calleeName(v) === 'ERR_PTR');
}

/**
 * The fields set in the fresh zeroed object local `name` holds wherever `body` gives it one (the
 * union over its values), or null: each value must be a zeroed allocation (or no object), at
 * least one is, and its address is never taken (no callee can give it another).
 */
export function freshZeroedLocal(body: Stmt[], name: string, zeroedCall: ZeroedCall): readonly string[] | null {
  const assignments = assignmentsTo(body, name);
  const set = new Set<string>();
  let objects = 0;
  for (const a of assignments) {
    if (a.op !== '=') return null;
    if (isNoObject(a.value)) continue;
    const fields = zeroedValue(a.value, zeroedCall);
    if (fields === null) return null;
    objects++;
    for (const f of fields) set.add(f);
  }
  return objects > 0 && !isAddressTaken(body, name) ? [...set].sort() : null;
}

/**
 * The fields a function sets in every object it returns, where each is fresh and zeroed: a
 * zeroing allocation (or a creator's object, with the fields it set), or a fresh zeroed local
 * whose fields this body sets only through it (`p->f = …`, `init(&p->f)`) and which goes nowhere
 * else (no call is given it whole, no other name is given it). NULL and `ERR_PTR()` returns
 * aside; null when a function returns no such object.
 */
export function returnsZeroedObject(body: Stmt[], zeroedCall: ZeroedCall): readonly string[] | null {
  let objects = 0;
  const set = new Set<string>();
  let all = true;
  forEachReturn(body, (r) => {
    if (!all || !r.value || isNoObject(r.value)) return;
    const v = unwrap(r.value);
    objects++;
    const direct = zeroedValue(v, zeroedCall);
    const local = direct === null && v.k === 'id' ? freshZeroedLocal(body, v.name, zeroedCall) : null;
    const through = local !== null && v.k === 'id' ? fieldsSetThrough(body, v.name) : null;
    const fields = direct ?? (local !== null && through !== null ? [...local, ...through] : null);
    if (fields === null) all = false;
    else for (const f of fields) set.add(f);
  });
  return all && objects > 0 ? [...set].sort() : null;
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

/**
 * The fields of `name` an expression names (`a` and `b` of `name->a.b`, `&name->a`), or null:
 * fields are compared by name, as tests of embedded structs are (`&obj->id` tested for `device`).
 */
function fieldNames(e: Expr, name: string): string[] | null {
  if (e.k === 'addr' || e.k === 'cast') return fieldNames(e.arg, name);
  if (e.k !== 'field') return null;
  if (e.base.k === 'id' && e.base.name === name) return [e.field];
  const inner = fieldNames(e.base, name);
  return inner && [...inner, e.field];
}

/** Calls that link an object into a shared list or tree by a member (`list_add(&p->node, head)`): others may reach it there. */
const PUBLISHES = /^(?:h|ll|k)?list_add|^rb_(?:link_node|insert)/;

/**
 * The fields the body may set through local `name` (assigned, or a part handed to a call), or
 * null when the object itself goes elsewhere: handed whole to a call, linked into a list by a
 * member, or given to another name or field, through which it could be changed unseen.
 */
function fieldsSetThrough(body: Stmt[], name: string): string[] | null {
  const set = new Set<string>();
  let uses = 0;
  let known = 0;
  let published = false;
  const isName = (e: Expr): boolean => e.k === 'id' && e.name === name;
  forEachExpr(body, (e) => {
    if (isName(e)) uses++;
    if (e.k === 'field' && isName(e.base)) known++;
    if (e.k === 'assign') {
      if (isName(e.left)) known++;
      for (const f of (e.left.k === 'field' ? fieldNames(e.left, name) : null) ?? []) set.add(f);
    }
    if (e.k === 'call') {
      const callee = calleeName(e) ?? '';
      const tests = POINTER_TESTS.has(callee);
      for (const a of e.args) {
        if (isName(a) && tests) known++;
        const names = fieldNames(a, name);
        // Linked in, the object is no longer only this body's.
        if (names && PUBLISHES.test(callee)) published = true;
        for (const f of names ?? []) set.add(f);
      }
    }
    if (e.k === 'not' && isName(e.arg)) known++;
    if ((e.k === 'bin' && (e.op === '==' || e.op === '!=')) || e.k === 'logic') known += (isName(e.left) ? 1 : 0) + (isName(e.right) ? 1 : 0);
  });
  // A bare `return name;` or `if (name)` is a use that hands nothing over.
  known += bareUses(body, name);
  return uses === known && !published ? [...set].sort() : null;
}

/** `return name;`, `if (name)`, `while (name)`: uses of the pointer's value alone. */
function bareUses(body: Stmt[], name: string): number {
  let n = 0;
  const bare = (e: Expr | null): void => { if (e?.k === 'id' && e.name === name) n++; };
  const walk = (stmts: Stmt[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'return': bare(s.value); break;
        case 'if': bare(s.cond); walk(s.then); walk(s.else); break;
        case 'pp': walk(s.then); walk(s.else); break;
        case 'block': walk(s.body); break;
        case 'loop': bare(s.test); walk(s.body); break;
        case 'switch': for (const c of s.cases) walk(c.body); break;
        default: break;
      }
    }
  };
  walk(body);
  return n;
}
