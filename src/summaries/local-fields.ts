// What a function's own code sets in fields: of its locals, for deciding a callee's test of a
// field (`i->in_inode`) at a call that passes `&i` or a local pointer, and which fields it writes
// at all. One walk per body.
import type { Expr, Stmt } from '../facts/types.js';
import { ZERO, calleeName, forEachDecl, forEachExpr } from '../program/program.js';
import { CONSTANT_NAME } from '../facts/outline.js';
import { bitOpOf, bitWordOf } from '../models/bit-ops.js';

/** A value the code gives a field but no constant can stand for (`|=`, `memset(&x, 0xff, …)`). */
export const UNKNOWN_VALUE: Expr = { k: 'other' };

interface LocalFields {
  /** Every field the body assigns, through anything (`a->b->f = v`, `x.f |= F`), and how often. */
  written: Map<string, number>;
  /** The fields it assigns other than 0 (`= 0`, `= NULL`, `= false` keep a zeroed field 0). */
  nonZero: Set<string>;
  /** Struct locals (not pointers) by name: their initialiser, if any. */
  structs: Map<string, Expr | null>;
  /** `x.f = v` and `memset(&x, 0, …)` (as every field's value) by `x`. */
  direct: Map<string, { field: string | null; value: Expr }[]>;
  /** `p->f = v` by `p`. */
  through: Map<string, { field: string; value: Expr }[]>;
}

const byBody = new WeakMap<Stmt[], LocalFields>();

function indexOf(body: Stmt[]): LocalFields {
  let found = byBody.get(body);
  if (found) return found;
  const out: LocalFields = { written: new Map(), nonZero: new Set(), structs: new Map(), direct: new Map(), through: new Map() };
  forEachDecl(body, (d) => { if (d.type.pointer === 0) out.structs.set(d.name, d.init); });
  const push = <T>(map: Map<string, T[]>, key: string, item: T): void => { const list = map.get(key); if (list) list.push(item); else map.set(key, [item]); };
  forEachExpr(body, (e) => {
    // `set_bit(B, &x->f)` writes `x->f` as `x->f |= BIT(B)` would.
    const bits = e.k === 'call' ? bitWrite(e) : null;
    const write = e.k === 'assign' && e.left.k === 'field' ? { left: e.left, value: e.op === '=' ? e.right : UNKNOWN_VALUE } : bits;
    if (write) out.written.set(write.left.field, (out.written.get(write.left.field) ?? 0) + 1);
    if (write && !isZeroConstant(write.value) && bits?.clears !== true) out.nonZero.add(write.left.field);
    if (write && write.left.base.k === 'id') {
      if (write.left.arrow) push(out.through, write.left.base.name, { field: write.left.field, value: write.value });
      else push(out.direct, write.left.base.name, { field: write.left.field, value: write.value });
    }
    const target = e.k === 'call' && calleeName(e) === 'memset' ? e.args[0] : undefined;
    if (e.k === 'call' && target?.k === 'addr' && target.arg.k === 'id') {
      push(out.direct, target.arg.name, { field: null, value: e.args[1]?.k === 'num' && e.args[1].value === 0 ? ZERO : UNKNOWN_VALUE });
    }
  });
  byBody.set(body, (found = out));
  return found;
}

/** The word a bit operation writes (`&x->f` of `set_bit(B, &x->f)`), or null; `clears`: it only clears the bit. */
function bitWrite(c: Extract<Expr, { k: 'call' }>): { left: Extract<Expr, { k: 'field' }>; value: Expr; clears: boolean } | null {
  const op = bitOpOf(calleeName(c) ?? '');
  const word = op?.writes ? bitWordOf(op, c.args) : null;
  return op && word?.k === 'field' ? { left: word, value: UNKNOWN_VALUE, clears: op.writes === 'clear' } : null;
}

/**
 * Every value the body gives `local.field` for a struct local: its designated initialiser's (a
 * field it leaves out is zero), assignments, memset; null if `local` is no struct local here.
 */
export function valuesOfLocalField(body: Stmt[], local: string, field: string): Expr[] | null {
  const index = indexOf(body);
  if (!index.structs.has(local)) return null;
  const values: Expr[] = [];
  const init = index.structs.get(local);
  if (init?.k === 'seq') {
    const at = init.fields?.indexOf(field) ?? -1;
    if (at >= 0) values.push(init.items[at] as Expr);
    else values.push(init.fields || init.items.length === 0 ? ZERO : UNKNOWN_VALUE);
  } else if (init) {
    // `struct x v = *other;`, `= make_x()`: a value the body does not spell out.
    values.push(UNKNOWN_VALUE);
  }
  for (const set of index.direct.get(local) ?? []) if (set.field === null || set.field === field) values.push(set.value);
  return values;
}

/**
 * `p` and the field path of `p->a.b.f`: `a.b.f`, fields of structs embedded in what `p` points
 * to, so one object; a plain `p->f` is the path `f`. Null for anything else (`p->a->f`).
 */
export function fieldPathOf(e: Expr): { pointer: string; path: string } | null {
  const names: string[] = [];
  let at = e;
  while (at.k === 'field' && !at.arrow) { names.unshift(at.field); at = at.base; }
  if (at.k !== 'field' || !at.arrow || at.base.k !== 'id') return null;
  names.unshift(at.field);
  return { pointer: at.base.name, path: names.join('.') };
}

/** The field names a path reads (`a.b.f`: a, b and f): a write of any of them may change what it reads. */
export const namesOfPath = (path: string): string[] => path.split('.');

/**
 * Whether struct local `local` starts all zero by its initialiser (`= {}`, `= { 0 }`, or designated
 * fields none of which is one of `names`): what the body does not write of it stays 0.
 */
export function startsZeroedWithout(body: Stmt[], local: string, names: readonly string[]): boolean {
  const init = indexOf(body).structs.get(local);
  return init?.k === 'seq' && setsNone(init, names);
}

/** Whether an initialiser list sets none of `names`, nor any field it does not name, to other than 0. */
function setsNone(init: Extract<Expr, { k: 'seq' }>, names: readonly string[]): boolean {
  return init.items.every((v, i) => {
    const named = init.fields?.[i] ?? '';
    // `[2] = x`, `.a.b = x` and positional values: which field they set is not written down.
    if (named === '') return v.k === 'num' && v.value === 0;
    if (names.includes(named)) return false;
    // A value that may be a whole struct (`.hd = tmpl`) may bring the field, under another name.
    return v.k === 'seq' ? setsNone(v, names) : v.k === 'num' || v.k === 'str' || (v.k === 'id' && CONSTANT_NAME.test(v.name));
  });
}

/** Every value the body gives `pointer->field`. */
export function valuesSetThrough(body: Stmt[], pointer: string, field: string): Expr[] {
  return (indexOf(body).through.get(pointer) ?? []).filter((s) => s.field === field).map((s) => s.value);
}

/** Every field the body assigns through anything, sorted. */
export function fieldsWritten(body: Stmt[]): string[] {
  return [...indexOf(body).written.keys()].sort();
}

/** Whether the body assigns `field` through anything: a test of it is not its callers' to decide. */
export function writesField(body: Stmt[], field: string): boolean {
  return indexOf(body).written.has(field);
}

/** Whether the body may give `field`, through anything, a value other than 0. */
export function writesNonZero(body: Stmt[], field: string): boolean {
  return indexOf(body).nonZero.has(field);
}

function isZeroConstant(e: Expr): boolean {
  if (e.k === 'cast') return isZeroConstant(e.arg);
  return (e.k === 'num' && e.value === 0) || (e.k === 'id' && (e.name === 'NULL' || e.name === 'false'));
}

/** Whether the body assigns `field` through `pointer` only (`pointer->field = v`), if at all. */
export function writtenOnlyThrough(body: Stmt[], pointer: string, field: string): boolean {
  const index = indexOf(body);
  const through = (index.through.get(pointer) ?? []).filter((s) => s.field === field).length;
  return (index.written.get(field) ?? 0) === through;
}
