// Pointer fields that hold only objects allocated to be stored there. dlm keeps a connection's
// second socket in `con->othercon`, set only to a connection it has just allocated
// (`othercon = kzalloc(…); … newcon->othercon = othercon;`), so `con->othercon` is never `con`.
//
// The answer is the program's: every store into a field of that name is read. A store into the
// struct's field (or through an object of a type the code does not say) must be no object, an
// allocation, or a local holding only those or the value that field of the same object already
// had. An initialiser list naming the field, or a static object of the struct, leaves it unknown.
// The same question of threads: `ha->dpc_thread`, set only to what `kthread_create()` returns,
// holds no task but the threads started for it (`current == ha->dpc_thread`, program/run-reach.ts).
import { forEachFieldWrite } from '../facts/outline.js';
import type { Expr, FunctionFacts } from '../facts/types.js';
import { isAllocator } from '../models/allocations.js';
import { RUN_BINDINGS } from '../models/waits.js';
import type { LockIdentity } from '../program/lock-identity.js';
import { type FieldIndex, fieldIndexOf } from '../program/field-index.js';
import { type FnId, type Program, assignmentsTo, baseName, calleeName, declaredNames, identifiersOf, unwrapCasts } from '../program/program.js';
import { plainName } from '../program/scope.js';
import { isAddressTaken, isNoObject } from './zeroed-objects.js';

/** Past this many functions storing into a field of that name, the answer is not worked out. */
const MAX_STORERS = 2000;

export class FreshFields {
  private staticStructs: Set<string> | null = null;
  private readonly answers = new Map<string, boolean>();

  /** `isNew`: whether a call makes the kind of object asked about (an allocation, a thread). */
  constructor(private readonly program: Program, private readonly types: LockIdentity, private readonly fields: FieldIndex, private readonly isNew: (call: string) => boolean = isAllocator) {}

  /** Whether every object `struct.field` ever holds was allocated to be stored there (`struct` as plainly named). */
  holdsOnlyFresh(struct: string, field: string): boolean {
    const key = `${struct}.${field}`;
    let answer = this.answers.get(key);
    if (answer === undefined) this.answers.set(key, (answer = this.work(struct, field)));
    return answer;
  }

  private work(struct: string, field: string): boolean {
    const storers = this.fields.storers(field);
    if (storers.length === 0 || storers.length > MAX_STORERS) return false;
    if (!storers.every((fn) => this.storesOnlyFresh(fn, struct, field))) return false;
    return !this.structsWithStaticObjects().has(struct) && this.fields.listers(field).length === 0;
  }

  private storesOnlyFresh(fn: FnId, struct: string, field: string): boolean {
    const facts = this.program.functions[fn] as FunctionFacts;
    let fresh = true;
    forEachFieldWrite(facts.body, (w) => {
      if (!fresh || w.field !== field) return;
      const target = this.types.structOf(fn, w.base);
      if (target !== null && plainName(target) !== struct) return;
      fresh = target !== null && w.value !== null && isFreshValue(facts, w.value, w.base, field, this.isNew);
    });
    return fresh;
  }

  /** Structs a file-scope object is of: its initialiser, which the facts do not keep, may set any field. */
  private structsWithStaticObjects(): Set<string> {
    if (!this.staticStructs) {
      const names = new Set<string>();
      for (const type of this.program.globals.values()) if (type.pointer === 0) names.add(plainName(type.name));
      this.staticStructs = names;
    }
    return this.staticStructs;
  }
}

/** A stored value that is a new object: no object, an allocation, or a local given only those (or `base->field` itself). */
function isFreshValue(facts: FunctionFacts, value: Expr, base: Expr, field: string, isNew: (call: string) => boolean): boolean {
  const v = unwrapCasts(value);
  const isAllocation = (e: Expr): boolean => { const c = unwrapCasts(e); return c.k === 'call' && isNew(calleeName(c) ?? ''); };
  if (isNoObject(v) || isAllocation(v)) return true;
  if (v.k !== 'id' || !isPlainLocal(facts, v.name) || mayBeStoredInto(facts, base, v.name)) return false;
  const values = assignmentsTo(facts.body, v.name);
  const own = JSON.stringify(base);
  return values.length > 0 && values.every((a) => a.op === '=' && (isNoObject(a.value) || isAllocation(a.value) || readsField(a.value, own, field)));
}

/** Whether the object stored into may be the new one itself (`n->f = n`, or through a local given `n`). */
function mayBeStoredInto(facts: FunctionFacts, base: Expr, local: string): boolean {
  const root = baseName(base);
  return root === null || root === local || assignmentsTo(facts.body, root).some((a) => identifiersOf(a.value).has(local));
}

/** `base->field` (or `base.field`) as written at the store: the field's own value, kept. */
function readsField(e: Expr, base: string, field: string): boolean {
  const v = unwrapCasts(e);
  return v.k === 'field' && v.field === field && JSON.stringify(v.base) === base;
}

/** A local of the body (no parameter) whose address is never taken, so no callee gives it a value. */
function isPlainLocal(facts: FunctionFacts, name: string): boolean {
  return !facts.params.some((p) => p.name === name) && declaredNames(facts.body).has(name) && !isAddressTaken(facts.body, name);
}

/** One answer per program and lock identity (check-patch's new program starts afresh). */
const byIdentity = new WeakMap<LockIdentity, FreshFields>();
const threadsByIdentity = new WeakMap<LockIdentity, FreshFields>();

export function freshFieldsOf(program: Program, identity: LockIdentity): FreshFields {
  let found = byIdentity.get(identity);
  if (!found) byIdentity.set(identity, (found = new FreshFields(program, identity, fieldIndexOf(program, identity))));
  return found;
}

/** A call that starts a thread and returns it (`kthread_run()`). */
const startsThread = (call: string): boolean => RUN_BINDINGS[call]?.kind === 'kthread' && RUN_BINDINGS[call]?.place === 'result';

/** Fields that hold only threads started to be kept there (`ha->dpc_thread = kthread_create(…)`). */
export function threadFieldsOf(program: Program, identity: LockIdentity): FreshFields {
  let found = threadsByIdentity.get(identity);
  if (!found) threadsByIdentity.set(identity, (found = new FreshFields(program, identity, fieldIndexOf(program, identity), startsThread)));
  return found;
}
