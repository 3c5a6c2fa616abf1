// A file's outline: what linking and the whole-program passes need of its facts, without the
// function bodies. Parser threads send outlines; bodies stay in the body store (the facts cache)
// and are read one function at a time. The per-function index is syntactic, so it is computed
// once, where the body is at hand, instead of by whole-program walks over every body.
import { elementKeyingArgs, initialisedLockArg, isAssertHeld, isFieldCall, isLockOp, modelOf, reclassedLockArg, uncheckedLockArg } from '../models/kernel-api.js';
import { type ExecContext, registrationsBy } from '../models/contexts.js';
import { lockedRunOf, queueingOf, runBindingOf, runsWithIrqsOff, signalOf } from '../models/waits.js';
import type { RunKind } from '../resources/waits.js';
import { type BitOp, bitFlag, bitOfFlag, bitNameOf, bitOpOf, bitWordOf } from '../models/bit-ops.js';
import { calleeName, directCallee, forEachDecl, forEachExpr, forEachStmt, unwrapCasts, variablesOf, walkExpr } from '../program/program.js';
import { DEFINED_TEST } from '../program/conditions.js';
import type { Expr, FileFacts, FunctionFacts, ObjectMacro, Param, Stmt } from './types.js';
import { callArgumentTexts } from '../parse/normalize.js';

/** Where a body makes a call that registers a function: for a report's witness step. */
export interface RegistrationSite { line: number; col: number; text: string }

/** What whole-program passes read of a body. */
export interface FunctionIndex {
  /**
   * Names called directly that no model takes (sorted, distinct), and the functions lock
   * assertions name (`ASSERT_RTNL()` asserts what `rtnl_lock()` takes: its summary comes first).
   */
  calls: string[];
  /** Fields called through (`ops->f(…)`, a paravirt call macro's field argument). */
  fieldCalls: string[];
  /** `x->field = name`: [field, name] (a function pointer bound, when `name` is a function). */
  assigns: [string, string][];
  /** Exclusive acquisitions of a global lock (`write_lock(&l)`): [lock, line, call text]. */
  writes: [string, number, string][];
  /**
   * Calls handed a `static struct lock_class_key` of this body together with a parameter, as
   * [callee, argument index]: `init_f2fs_rwsem(sem)` passes `sem` and its own key to
   * `__init_f2fs_rwsem()`, so every place it is used is a lockdep class of its own.
   */
  keyedInits?: [string, number][];
  /** Functions this body registers to run in a known context (`request_irq(irq, handler, …)`): [name, context]. */
  registers?: [string, ExecContext][];
  /**
   * Places this body binds to a function a worker or a thread runs (`INIT_WORK(&x->work, name)`,
   * `x->task = kthread_run(name, …)`): [kind, the place as the kind's calls name it, name], and a
   * thread's name where the code spells it whole (`threadNameOf()`).
   */
  runBindings?: RunBindingFact[];
  /** Work items this body queues on a workqueue (`queue_work(d->wq, &d->work)`): [the queue, the item]. */
  queueings?: [Expr, Expr][];
  /**
   * Functions this body registers to run under a lock the kernel holds (`cpuhp_setup_state(…, fn, …)`):
   * [callee, name], and the registering call where its state runs them with irqs disabled.
   */
  lockedRuns?: ([string, string] | [string, string, RegistrationSite])[];
  /** The body may store an address into a field (`forEachFieldStore`); absent when it cannot. */
  storesToFields?: true;
  /** Fields the body writes (`forEachFieldWrite`), by name, sorted: who may change what a field holds. */
  storedFields?: string[];
  /** Fields the body sets from a parameter through another (`tree->owner = owner;`): an initialiser's (sorted). */
  initStoredFields?: string[];
  /** Fields an initialiser list in the body names (`(struct s){ .f = x }`), which `storedFields` does not see (sorted). */
  listedFields?: string[];
  /** Locks this body gives a lockdep key or subclass of its own (`lockdep_set_class(&x->lock, …)`): their arguments. */
  reclasses?: Expr[];
  /** Locks this body makes lockdep's unvalidated class (`lockdep_set_novalidate_class(&b->lock)`): their arguments. */
  unchecked?: Expr[];
  /** Locks this body initialises with a key of the call site (`spin_lock_init(&x->lock)`): their arguments, one per call. */
  lockInits?: Expr[];
  /**
   * Lock arrays this body keys element by element, each with the key of the same index
   * (`__percpu_init_rwsem(&s->s_writers.rw_sem[i], …, &type->s_writers_key[i])`): their lock arguments.
   */
  elementKeys?: Expr[];
  /** See `FunctionFacts.addressTaken` (kept here: the index is what a summary image reads of a function without its outline). */
  addressTaken?: true;
}

/** A store that may put an address into a field: `x->f = v` (v may be a pointer), or `&x->f` handed to a call no model takes. */
/** See `FunctionIndex.runBindings`: [kind, place, function, thread name]. */
export type RunBindingFact = [RunKind, Expr, string] | [RunKind, Expr, string, string];

export type FieldStoreSite =
  | { base: Expr; field: string; value: Expr }
  | { base: Expr; field: string; call: Extract<Expr, { k: 'call' }>; argIndex: number };

export function forEachFieldStore(body: Stmt[], visit: (site: FieldStoreSite) => void): void {
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.op === '=' && e.left.k === 'field' && mayBePointer(e.right)) {
      visit({ base: e.left.base, field: e.left.field, value: e.right });
    } else if (e.k === 'call') {
      const name = calleeName(e);
      if (!name || !mayStoreThrough(name)) return;
      e.args.forEach((a, argIndex) => {
        if (a.k === 'addr' && a.arg.k === 'field') visit({ base: a.arg.base, field: a.arg.field, call: e, argIndex });
      });
    }
  });
}

/**
 * Whether a call handed `&x->f` may store an address there: not a modelled call, nor a signal
 * (`complete(&x->done)` counts its event; it stores no address into the place).
 */
export function mayStoreThrough(callee: string): boolean {
  return !modelOf(callee) && !signalOf(callee);
}

/** A write into a field: its value where the code gives one (`x->f = v`, `WRITE_ONCE(x->f, v)`), else null. */
export interface FieldWrite {
  base: Expr; field: string; arrow: boolean;
  /** What `=` or a store stores (null: not known, or a compound assignment). */
  value: Expr | null;
  /** A compound assignment's operator and operand (`|=` and `F` of `x->flags |= F`). */
  compound?: { op: string; right: Expr };
}

/** Macros that write their first argument, an lvalue, with their second: `WRITE_ONCE(x->f, v)`. */
const LVALUE_STORES = /^(WRITE_ONCE|RCU_INIT_POINTER|rcu_assign_pointer|smp_store_release|smp_store_mb)$/;
/** Calls that exchange the lvalue or address they are given: `swap(a->f, b->f)`, `cmpxchg(&x->f, old, new)`. */
const EXCHANGES = /^(swap|(try_)?cmpxchg\w*|xchg\w*)$/;

/**
 * Every write into a field a body makes: assignments (`x->f |= v`, `x->f++` without a value),
 * lvalue store macros and exchanges, and `&x->f` handed to a call no model takes (which may write
 * it: `cmpxchg(&vm->process_info, NULL, info)`). A bit operation writes its word as its flag
 * would be (`set_bit(B, &x->f)` as `x->f |= BIT(B)`), and `test_bit()` writes nothing.
 */
export function forEachFieldWrite(body: Stmt[], visit: (write: FieldWrite) => void): void {
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field') visit({ ...fieldOfWrite(e.left), value: e.op === '=' ? e.right : null, ...(e.op === '=' ? {} : { compound: { op: e.op, right: e.right } }) });
    if (e.k !== 'call') return;
    const name = calleeName(e) ?? '';
    const bits = bitOpOf(name);
    if (bits) {
      visitBitWrite(bits, e.args, visit);
      return;
    }
    const stores = LVALUE_STORES.test(name);
    const exchanges = EXCHANGES.test(name);
    const modelled = name !== '' && modelOf(name) !== undefined;
    e.args.forEach((a, i) => {
      if (a.k === 'addr' && a.arg.k === 'field' && !modelled) visit({ ...fieldOfWrite(a.arg), value: null });
      else if (a.k === 'field' && ((stores && i === 0) || exchanges)) visit({ ...fieldOfWrite(a), value: stores ? e.args[1] ?? null : null });
    });
  });
}

/** `&a[i]` keyed `&k[i]`: a lock array element and a key array element of one variable index. */
function keyedByItsIndex(lock: Expr, key: Expr): boolean {
  const element = (e: Expr): Extract<Expr, { k: 'index' }> | null => {
    const inner = unwrapCasts(e.k === 'addr' ? e.arg : e);
    return inner.k === 'index' ? inner : null;
  };
  const a = element(lock);
  const b = element(key);
  return a?.index.k === 'id' && b?.index.k === 'id' && a.index.name === b.index.name;
}

function visitBitWrite(op: BitOp, args: readonly Expr[], visit: (write: FieldWrite) => void): void {
  const word = op.writes ? bitWordOf(op, args) : null;
  if (word?.k !== 'field') return;
  // `BIT(nr)` of a variable is no constant: isConstantExpr() tells, given the function's variables.
  const name = bitNameOf(op, args);
  const flag: Expr = name !== null ? { k: 'id', name: bitFlag(name) } : { k: 'other' };
  if (op.writes === 'set') visit({ ...fieldOfWrite(word), value: null, compound: { op: '|=', right: flag } });
  else if (op.writes === 'clear') visit({ ...fieldOfWrite(word), value: null, compound: { op: '&=', right: { k: 'unary', op: '~', arg: flag } } });
  else visit({ ...fieldOfWrite(word), value: null });
}

function fieldOfWrite(e: Extract<Expr, { k: 'field' }>): Pick<FieldWrite, 'base' | 'field' | 'arrow'> {
  return { base: e.base, field: e.field, arrow: e.arrow };
}

/** Values lock identity can only answer "unknown" for: their stores never name a class, and are not kept. */
function mayBePointer(e: Expr): boolean {
  return !(e.k === 'num' || e.k === 'str' || e.k === 'bin' || e.k === 'logic' || e.k === 'other' || e.k === 'type');
}

export interface FunctionOutline extends Omit<FunctionFacts, 'body'> { index: FunctionIndex }

export interface FileOutline extends Omit<FileFacts, 'functions' | 'objectMacros'> {
  functions: FunctionOutline[];
  /** Object-like macros packed into one string (millions in a whole tree; few are ever asked for). */
  macros: string;
  /** Names this file's conditions or code may ask a macro's value of. */
  macroRefs: string[];
  /** Names its `#if`s ask `defined()` of (`#ifdef DEBUG`): whether they are depends on what the file sees. */
  definedRefs: string[];
}

const FIELD = '\x1f';
const CONDITION = '\x1e';
const RECORD = '\n';

export function packMacros(macros: readonly ObjectMacro[]): string {
  return macros.map((m) => [m.name, m.value, m.conditions.join(CONDITION)].map(clean).join(FIELD) + RECORD).join('');
}

/** Separators never occur in C source text; a stray one must not split a record. */
function clean(s: string): string {
  return s.replace(/[\x1e\x1f\n]/g, ' ');
}

export function forEachPackedMacro(packed: string, visit: (name: string, value: string, conditions: () => string[]) => void): void {
  let at = 0;
  while (at < packed.length) {
    const end = packed.indexOf(RECORD, at);
    const record = packed.slice(at, end < 0 ? packed.length : end);
    at = end < 0 ? packed.length : end + 1;
    const [name = '', value = '', conds = ''] = record.split(FIELD);
    visit(name, value, () => (conds === '' ? [] : conds.split(CONDITION)));
  }
}

export function outlineOf(facts: FileFacts): FileOutline {
  const refs = new Set<string>();
  const definedRefs = new Set<string>();
  const mention = (text: string): void => {
    for (const w of text.match(IDENTIFIERS) ?? []) refs.add(w);
    for (const d of text.matchAll(DEFINED_TEST)) definedRefs.add(d[1] as string);
  };
  for (const m of facts.objectMacros) m.conditions.forEach(mention);
  for (const g of facts.guards) g.conditions.forEach(mention);
  // A global's initialiser constants are compared with the flags code tests (program/global-objects.ts).
  for (const g of Object.values(facts.globals)) {
    for (const e of Object.values(g.constants ?? {})) walkExpr(e, (x) => { if (x.k === 'id' && CONSTANT_NAME.test(x.name)) refs.add(x.name); });
  }
  const functions = facts.functions.map(({ body, addressTaken, ...rest }) => {
    rest.conditions.forEach(mention);
    forEachPpCondition(body, mention);
    forEachExpr(body, (e) => { if (e.k === 'id' && CONSTANT_NAME.test(e.name)) refs.add(e.name); });
    for (const name of constantsAnyCase(body, rest.params)) refs.add(name);
    return { ...rest, index: indexOf(body, rest.params, addressTaken) };
  });
  const { functions: _bodies, objectMacros, ...tables } = facts;
  return { ...tables, functions, macros: packMacros(objectMacros), macroRefs: [...refs].sort(), definedRefs: [...definedRefs].sort() };
}

/**
 * Names that may be constants of any case (`HostCmd_CMD_11N_DELBA`, an `Opt_err` enumerator)
 * where code compares or hands on a value: a case label, an `==`/`!=` operand, a call's
 * argument. The body's own variables are not: a constant is what some header gives a value.
 */
function constantsAnyCase(body: Stmt[], params: readonly Param[]): Set<string> {
  const out = new Set<string>();
  const add = (e: Expr | null | undefined): void => {
    const v = e?.k === 'cast' ? e.arg : e;
    if (v?.k === 'id' && !CONSTANT_NAME.test(v.name)) out.add(v.name);
  };
  forEachStmt(body, (s) => { if (s.k === 'switch') for (const c of s.cases) add(c.label); });
  forEachExpr(body, (e) => {
    if (e.k === 'bin' && (e.op === '==' || e.op === '!=')) { add(e.left); add(e.right); }
    if (e.k === 'call') e.args.forEach(add);
  });
  for (const v of variablesOf({ params, body })) out.delete(v);
  return out;
}

/** Identifiers in a condition or a macro value (not the letters of `0x1fUL`). */
export const IDENTIFIERS = /\b[A-Za-z_]\w*/g;
/** How the kernel names a constant (a macro or an enumerator): `TRANS_JOIN`, `READ`, `__WQ_ORDERED`. */
export const CONSTANT_NAME = /^_*[A-Z][A-Z0-9_]*$/;

/**
 * Numbers, constants' names, and what `|`, `&`, `+`, shifts, `~`, casts and upper-case macros
 * (`BIT(3)`) make of them; a name in `variables` is no constant, whatever its case.
 */
export function isConstantExpr(e: Expr, variables: ReadonlySet<string> = NO_NAMES): boolean {
  const constant = (x: Expr): boolean => isConstantExpr(x, variables);
  switch (e.k) {
    case 'num': return true;
    case 'id': return !variables.has(e.name) && (CONSTANT_NAME.test(e.name) || isConstantBit(e.name, variables) || e.name === 'NULL' || e.name === 'true' || e.name === 'false');
    case 'bin': return ['|', '&', '+', '<<', '>>'].includes(e.op) && constant(e.left) && constant(e.right);
    case 'unary': return e.op === '~' && constant(e.arg);
    case 'cast': return constant(e.arg);
    case 'call': return e.callee.k === 'id' && CONSTANT_NAME.test(e.callee.name) && e.args.every(constant);
    default: return false;
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** A bit operation's flag (`BIT(PG_locked)`) whose bit is a number or a name no variable has: an enumerator, of either case. */
function isConstantBit(name: string, variables: ReadonlySet<string>): boolean {
  const bit = bitOfFlag(name);
  return bit !== null && !variables.has(bit);
}

function indexOf(body: Stmt[], params: readonly Param[], addressTaken: true | undefined): FunctionIndex {
  const calls = new Set<string>();
  const fieldCalls = new Set<string>();
  const assigns: [string, string][] = [];
  const writes: [string, number, string][] = [];
  const registers: [string, ExecContext][] = [];
  const runBindings = runBindingsOf(body);
  const queueings: [Expr, Expr][] = [];
  const lockedRuns: NonNullable<FunctionIndex['lockedRuns']> = [];
  const reclasses: Expr[] = [];
  const lockInits: Expr[] = [];
  const unchecked: Expr[] = [];
  const elementKeys: Expr[] = [];
  const storedFields = new Set<string>();
  const initStoredFields = new Set<string>();
  const listedFields = new Set<string>();
  const isParam = (e: Expr | null): boolean => e?.k === 'id' && params.some((p) => p.name === e.name);
  forEachFieldWrite(body, (w) => {
    storedFields.add(w.field);
    if (w.arrow && isParam(w.base) && isParam(w.value)) initStoredFields.add(w.field);
  });
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field' && e.right.k === 'id') assigns.push([e.left.field, e.right.name]);
    if (e.k === 'seq') for (const f of e.fields ?? []) if (f !== '') listedFields.add(f);
    if (e.k !== 'call') return;
    const name = calleeName(e);
    const model = name ? modelOf(name) : undefined;
    for (const [argIndex, context] of registrationsBy(name ?? '')) {
      const registered = bareName(e.args[argIndex]);
      if (registered) registers.push([registered, context]);
    }
    const queued = queueingOf(name ?? '');
    const [queue, item] = queued ? [e.args[queued.queue], e.args[queued.item]] : [];
    if (queue && item) queueings.push([queue, item]);
    const locked = lockedRunOf(name ?? '');
    const state = locked?.irqsOffStates ? bareName(e.args[locked.irqsOffStates.arg]) : null;
    for (const argIndex of locked?.fns ?? []) {
      const registered = bareName(e.args[argIndex]);
      if (!name || !registered) continue;
      lockedRuns.push(locked && runsWithIrqsOff(locked, state) ? [name, registered, { line: e.pos.line, col: e.pos.col, text: e.text }] : [name, registered]);
    }
    const reclassed = reclassedLockArg(name ?? '');
    if (reclassed !== null && e.args[reclassed]) reclasses.push(e.args[reclassed]);
    const novalidate = uncheckedLockArg(name ?? '');
    if (novalidate !== null && e.args[novalidate]) unchecked.push(e.args[novalidate]);
    const initialised = initialisedLockArg(name ?? '');
    if (initialised !== null && e.args[initialised]) lockInits.push(e.args[initialised]);
    const keying = elementKeyingArgs(name ?? '');
    const [lock, key] = keying ? [e.args[keying.lockArg], e.args[keying.keyArg]] : [];
    if (lock && key && keyedByItsIndex(lock, key)) elementKeys.push(lock);
    // A may-sleep model is still followed where it is defined: a call for ordering.
    if (name && directCallee(e, { params, body }) === null) return;
    if (name && (!model || 'maySleep' in model)) calls.add(name);
    else if (model && isAssertHeld(model) && 'lockOf' in model.assertHeld) calls.add(model.assertHeld.lockOf);
    else if (!name || (model && isFieldCall(model))) {
      const field = fieldOf(model && isFieldCall(model) ? e.args[model.callsField] : e.callee);
      if (field) fieldCalls.add(field);
    }
    if (model && isLockOp(model) && model.op !== 'release' && model.mode === 'write') {
      const arg = e.args[model.lockArg];
      if (arg && arg.k === 'addr' && arg.arg.k === 'id') writes.push([arg.arg.name, e.pos.line, e.text]);
    }
  });
  const keyedInits = keyedInitsOf(body, params);
  let storesToFields = false;
  forEachFieldStore(body, () => { storesToFields = true; });
  return {
    calls: [...calls].sort(), fieldCalls: [...fieldCalls].sort(), assigns, writes,
    ...(keyedInits.length ? { keyedInits } : {}), ...(registers.length ? { registers } : {}), ...(runBindings.length ? { runBindings } : {}), ...(queueings.length ? { queueings } : {}), ...(lockedRuns.length ? { lockedRuns } : {}), ...(reclasses.length ? { reclasses } : {}), ...(unchecked.length ? { unchecked } : {}), ...(lockInits.length ? { lockInits } : {}), ...(elementKeys.length ? { elementKeys } : {}),
    ...(storesToFields ? { storesToFields: true as const } : {}), ...(storedFields.size ? { storedFields: [...storedFields].sort() } : {}),
    ...(initStoredFields.size ? { initStoredFields: [...initStoredFields].sort() } : {}),
    ...(listedFields.size ? { listedFields: [...listedFields].sort() } : {}),
    ...(addressTaken ? { addressTaken } : {}),
  };
}

/** See `FunctionIndex.runBindings`. */
function runBindingsOf(body: Stmt[]): RunBindingFact[] {
  const out: RunBindingFact[] = [];
  const results: [Expr, Expr][] = [];
  const localStores = new Map<string, Expr[]>();
  forEachDecl(body, (d) => { if (d.init) results.push([{ k: 'id', name: d.name }, d.init]); });
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.op === '=') {
      results.push([e.left, e.right]);
      if (e.right.k === 'id') localStores.set(e.right.name, [...(localStores.get(e.right.name) ?? []), e.left]);
    }
    if (e.k !== 'call') return;
    const binding = runBindingOf(calleeName(e) ?? '');
    const place = binding && binding.place !== 'result' ? e.args[binding.place] : undefined;
    const fn = binding ? bareName(e.args[binding.fn]) : null;
    if (binding && place && fn) out.push([binding.kind, place, fn]);
  });
  for (const [target, value] of results) {
    const call = stripCasts(value);
    const binding = call.k === 'call' ? runBindingOf(calleeName(call) ?? '') : null;
    const fn = binding && call.k === 'call' ? bareName(call.args[binding.fn]) : null;
    if (!binding || binding.place !== 'result' || !fn) continue;
    // `t = kthread_run(…); … d->task = t;`: the place is where the local is kept.
    const kept = target.k === 'id' ? localStores.get(target.name)?.find((p) => p.k !== 'id' || p.name !== target.name) : undefined;
    const name = binding.name === undefined || call.k !== 'call' ? undefined : threadNameOf(call.text, binding.name);
    out.push(name === undefined ? [binding.kind, kept ?? target, fn] : [binding.kind, kept ?? target, fn, name]);
  }
  return out;
}

/**
 * A thread's name as the code spells it whole, the format argument at `at` of its creating call
 * (`"%s", ISCSI_RX_THREAD_NAME` → `ISCSI_RX_THREAD_NAME`; `"frobd"` → `"frobd"`), or undefined
 * for a name formatted from values (`"frob/%d", id`).
 */
function threadNameOf(callText: string, at: number): string | undefined {
  const args = callArgumentTexts(callText);
  const format = args?.[at];
  if (!args || format === undefined) return undefined;
  if (format === '"%s"' && args.length === at + 2) return args[at + 1];
  return /^"[^"%\\]*"$/.test(format) && args.length === at + 1 ? format : undefined;
}

function stripCasts(e: Expr): Expr {
  return e.k === 'cast' ? stripCasts(e.arg) : e;
}

/** See `FunctionIndex.keyedInits`; empty unless the body declares a static lock_class_key. */
function keyedInitsOf(body: Stmt[], params: readonly Param[]): [string, number][] {
  const keys = new Set<string>();
  forEachStmt(body, (s) => { if (s.k === 'decl' && s.isStatic && s.type.name === 'lock_class_key') keys.add(s.name); });
  if (keys.size === 0) return [];
  const out: [string, number][] = [];
  forEachExpr(body, (e) => {
    if (e.k !== 'call') return;
    const name = calleeName(e);
    const passesKey = e.args.some((a) => a.k === 'addr' && a.arg.k === 'id' && keys.has(a.arg.name));
    if (!name || !passesKey) return;
    e.args.forEach((a, i) => { if (params.some((p) => p.name === bareName(a))) out.push([name, i]); });
  });
  return out;
}

/** `x`, `(x)`, `&x`, `(T *)x`: the name an argument passes on, or null. */
function bareName(e: Expr | undefined): string | null {
  if (!e) return null;
  if (e.k === 'id') return e.name;
  if (e.k === 'cast' || e.k === 'addr') return bareName(e.arg);
  return null;
}

/** The field a call goes through: `ops->f` or `mmu.f` names `f`, a bare `f` names itself. */
export function fieldOf(via: Expr | undefined): string | null {
  return via?.k === 'field' ? via.field : via?.k === 'id' ? via.name : null;
}

function forEachPpCondition(stmts: Stmt[], visit: (cond: string) => void): void {
  const walkExprs = (e: Expr): void => {
    forEachExpr([{ k: 'expr', e, pos: { line: 0, col: 0 } }], (x) => { if (x.k === 'stmt') forEachPpCondition(x.body, visit); });
  };
  for (const s of stmts) {
    switch (s.k) {
      case 'pp': visit(s.cond); forEachPpCondition(s.then, visit); forEachPpCondition(s.else, visit); break;
      case 'block': forEachPpCondition(s.body, visit); break;
      case 'if': walkExprs(s.cond); forEachPpCondition(s.then, visit); forEachPpCondition(s.else, visit); break;
      case 'loop': forEachPpCondition(s.body, visit); break;
      case 'switch': for (const c of s.cases) forEachPpCondition(c.body, visit); break;
      case 'expr': walkExprs(s.e); break;
      case 'decl': if (s.init) walkExprs(s.init); break;
      case 'return': if (s.value) walkExprs(s.value); break;
      default: break;
    }
  }
}

/** A file as the analysis holds it: its outline, with functions whose bodies are read on demand. */
export interface LoadedFile extends Omit<FileOutline, 'functions'> { functions: FunctionFacts[] }

/** A function's index: the one computed where it was parsed, else from its body. */
export function functionIndex(fn: FunctionFacts): FunctionIndex {
  return fn.index ?? indexOf(fn.body, fn.params, fn.addressTaken);
}
