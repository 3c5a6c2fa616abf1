// Lock identity: which lock class a lock expression names. A small field-sensitive,
// flow-insensitive points-to pass, evaluated lazily and memoised:
//   &tasklist_lock        → tasklist_lock
//   &mm->page_table_lock  → mm_struct.page_table_lock     (struct type from declarations)
//   pvmw->ptl             → whatever is stored into page_vma_mapped_walk.ptl
//   *(ptlp) = __ptl       → a store through an out-parameter, bound at each call site
import { LRUCache } from 'lru-cache';
import { modelOf } from '../models/kernel-api.js';
import type { Expr, FunctionFacts, TypeRef } from '../facts/types.js';
import { CONSTANT_NAME, forEachFieldStore, functionIndex } from '../facts/outline.js';
import {
  type FnId, type Program, calleeName, forEachDecl, forEachExpr, forEachReturn, getOrInit, resolveCallee,
  structName,
} from './program.js';
import { lookupScoped, resolveName, scopedKey } from './scope.js';

/**
 * An abstract pointer value: the address of a lock of some class, a parameter, or unknown.
 * `byAddress`: a macro's `&param`, the address of the expression its caller writes there
 * (`spin_unlock_irq(&lock)` in `__wait_event_lock_irq(…, lock, …)`).
 */
export type AbsVal = { k: 'lock'; cls: string } | { k: 'param'; i: number; byAddress?: true } | { k: 'unknown'; why: string };

/** Classes that name no real lock object; they never join a cycle. */
export function isUnknownClass(cls: string): boolean {
  return cls.startsWith('?');
}

/** Types of lock objects; a class must be an object of one of these (or of an unknown type). */
const LOCK_TYPES = new Set([
  'spinlock_t', 'spinlock', 'raw_spinlock_t', 'raw_spinlock', 'arch_spinlock_t', 'qspinlock', 'rwlock_t',
  'arch_rwlock_t', 'qrwlock', 'seqlock_t', 'mutex', 'rw_semaphore', 'percpu_rw_semaphore', 'rt_mutex',
  'ww_mutex', 'semaphore', 'local_lock_t', 'seqcount_spinlock_t', 'seqcount_raw_spinlock_t',
]);

const MAX_VALUES = 12;
/** Function infos kept; one is made again from the body when evicted (same body, same info). */
const INFOS_KEPT = 2048;
const MAX_DEPTH = 12;

interface FnInfo {
  params: Map<string, number>;
  localTypes: Map<string, TypeRef>;
  /** `static` locals: one object for every call, a class of their own. */
  staticLocals: Set<string>;
  /** Right-hand sides assigned to each local (initialisers included). */
  localAssigns: Map<string, Expr[]>;
  /** Calls passing `&local` as argument `i`: the callee may store through it. */
  localOutArgs: Map<string, { call: Extract<Expr, { k: 'call' }>; argIndex: number }[]>;
  returns: Expr[];
}

/**
 * A lock initialisation (`spin_lock_init(&x->y.lock)`): the function and its lock argument;
 * `perElement` for an array keyed element by element (`FunctionIndex.elementKeys`).
 */
export interface LockInitSite { by: FnId; arg: Expr; perElement?: true }

/**
 * What the program-wide lock-class questions found, kept with a summary image so that
 * check-patch does not read every function again to answer them: the lock initialisations by
 * their lock's last name, and per lock name, per struct, the places it is initialised at.
 */
export interface LockInitIndex {
  byName: Map<string, LockInitSite[]>;
  places: Map<string, Map<string, Set<string> | null>>;
}

/** A store into `struct.field`: a value, or a callee storing through `&x->field`. */
export type FieldStore =
  | { fn: FnId; value: Expr }
  | { fn: FnId; call: Extract<Expr, { k: 'call' }>; argIndex: number };

export interface PlaceReads { fields: Set<string>; initialisers: Set<string> }

export class LockIdentity {
  /** Bounded: an info points into its function's body, and the bodies of a whole tree do not fit in memory. */
  private readonly infos = new LRUCache<FnId, FnInfo>({ max: INFOS_KEPT });
  private readonly returnMemo = new Map<FnId, AbsVal[]>();
  private readonly outStoreMemo = new Map<string, AbsVal[]>();
  private readonly fieldMemo = new Map<string, AbsVal[]>();
  private readonly localMemo = new Map<string, AbsVal[]>();
  private readonly inProgress = new Set<string>();
  /** Per lock name, per struct: the places it is initialised at (initialisedPerPlace()). */
  private readonly perPlaceByName: Map<string, Map<string, Set<string> | null>>;
  private lockInitsByName: Map<string, LockInitSite[]> | null;
  private fieldStores: Map<string, FieldStore[]> | null;
  /** The function being analysed; another function's body read meanwhile is `consulted`. */
  current: FnId | null = null;
  /** Functions whose bodies answered a question about another function (returns, stores). */
  readonly consulted = new Set<FnId>();
  /**
   * What place answers (program/place-fields.ts) read program-wide: the field names whose stores
   * they read, and the initialisers whose calls they read. A patch that stores into such a field
   * or calls such an initialiser is analysed as a whole tree again.
   */
  readonly placeReads: PlaceReads;

  /** `fieldStores`, `lockInits`, `placeReads`: the program's indexes when already known (a summary image has them). */
  constructor(
    private readonly program: Program, fieldStores: Map<string, FieldStore[]> | null = null, lockInits: LockInitIndex | null = null,
    placeReads: PlaceReads | null = null,
  ) {
    this.placeReads = placeReads ?? { fields: new Set(), initialisers: new Set() };
    this.fieldStores = fieldStores;
    this.lockInitsByName = lockInits?.byName ?? null;
    this.perPlaceByName = lockInits?.places ?? new Map();
  }

  /** The lock initialisations and the per-place answers found so far (for a summary image). */
  lockInitIndex(): LockInitIndex {
    return { byName: this.allLockInits(), places: this.perPlaceByName };
  }

  /** Abstract values of `e` evaluated in function `fn`. */
  valueOf(fn: FnId, e: Expr, depth = 0): AbsVal[] {
    if (depth > MAX_DEPTH) return [{ k: 'unknown', why: 'too deep' }];
    const info = this.info(fn);
    switch (e.k) {
      case 'id': {
        const p = info.params.get(e.name);
        if (p !== undefined) return [{ k: 'param', i: p }];
        if (info.localTypes.has(e.name)) return this.localValue(fn, e.name, depth);
        // A global pointer's value: its pointee is named after it only if it points to a lock.
        const global = this.globalKey(fn, e.name);
        return this.lockTypeVerdict(this.program.globals.get(global), this.fileOf(fn)) === true
          ? [{ k: 'lock', cls: global }]
          : [{ k: 'unknown', why: `value of global ${e.name}` }];
      }
      case 'addr':
        return this.addressOf(fn, e.arg, depth);
      case 'field': {
        const s = this.structOf(fn, e.base);
        if (!s) return [{ k: 'unknown', why: `untyped base of ->${e.field}` }];
        const stored = this.fieldValues(`${s}.${e.field}`, depth);
        if (stored.length > 0) return stored;
        // A pointer field nobody stores a known lock into names its pointee by the field.
        return this.fieldClass(fn, s, e.field);
      }
      case 'call':
        return this.callValue(fn, e, depth);
      case 'cast':
      case 'not':
      case 'unary':
        return this.valueOf(fn, e.arg, depth + 1);
      case 'cond':
        return union([this.valueOf(fn, e.then, depth + 1), this.valueOf(fn, e.else, depth + 1)]);
      case 'seq':
        return e.items.length ? this.valueOf(fn, e.items[e.items.length - 1] as Expr, depth + 1) : [];
      case 'assign':
        // `p = q` is `q`; `p += n`, `p++`: still a `p`.
        return this.valueOf(fn, e.op === '=' ? e.right : e.left, depth + 1);
      case 'stmt': {
        const last = e.body[e.body.length - 1];
        return last && last.k === 'expr' ? this.valueOf(fn, last.e, depth + 1) : [];
      }
      case 'index':
        return this.valueOf(fn, e.base, depth + 1);
      case 'bin': {
        // `sb->s_writers.rw_sem + level - 1` is `&sb->s_writers.rw_sem[level - 1]`.
        const element = elementOfSum(e);
        return element ? this.addressOf(fn, element, depth + 1) : [{ k: 'unknown', why: 'expression bin' }];
      }
      case 'deref':
        if (e.arg.k === 'addr') return this.valueOf(fn, e.arg.arg, depth + 1);
        return [{ k: 'unknown', why: 'load through pointer' }];
      default:
        return [{ k: 'unknown', why: `expression ${e.k}` }];
    }
  }

  /** Value of `&e`: the lock object `e` itself. */
  private addressOf(fn: FnId, e: Expr, depth: number): AbsVal[] {
    switch (e.k) {
      case 'id': {
        const info = this.info(fn);
        const p = info.params.get(e.name);
        // A macro's parameter is the caller's expression, not a copy of it: its address is theirs.
        if (p !== undefined) return this.program.functions[fn]?.isMacro ? [{ k: 'param', i: p, byAddress: true }] : [{ k: 'unknown', why: 'address of a parameter' }];
        if (info.staticLocals.has(e.name)) return this.staticLocalClass(fn, e.name);
        if (info.localTypes.has(e.name)) return [{ k: 'lock', cls: `?local:${e.name}` }];
        return this.globalClass(fn, e.name);
      }
      case 'field': {
        const s = this.structOf(fn, e.base);
        if (!s) return [{ k: 'unknown', why: `untyped base of ->${e.field}` }];
        // A lock inside a static instance (`&init_mm.page_table_lock`) is that instance's, not
        // every mm_struct's: heap objects never alias it.
        const instance = this.staticInstance(fn, e);
        const classes = this.fieldClass(fn, s, e.field);
        if (instance) return classes.map((v) => (v.k === 'lock' ? { k: 'lock', cls: `${instance}.${e.field}` } : v));
        const keyed = this.program.keyedStructs.has(s) || this.program.keyedFields.has(`${s}.${e.field}`) || this.initialisedPerPlace(s, e.field);
        if (!keyed || classes.some((v) => v.k !== 'lock')) return classes;
        return this.keyedLock(fn, e, s, depth);
      }
      case 'index': {
        const label = this.constantIndex(fn, e.index);
        return this.addressOf(fn, e.base, depth + 1).map((v) => (v.k === 'lock'
          ? { k: 'lock', cls: label !== null && this.elementInitialised(v.cls, label) ? elementClass(v.cls, label) : arrayClass(v.cls) }
          : v));
      }
      case 'deref':
        return this.valueOf(fn, e.arg, depth + 1);
      case 'cast':
        return this.addressOf(fn, e.arg, depth + 1);
      default:
        return [{ k: 'unknown', why: `address of ${e.k}` }];
    }
  }

  /**
   * A lock inside a keyed struct (one lockdep class per initialisation site) is the class of the
   * place that embeds the struct: `&sbi->gc_lock.internal_rwsem` is
   * `f2fs_sb_info.gc_lock.internal_rwsem`, and in `f2fs_down_read(sem)` it is the caller's
   * argument's, bound at each call site. Where the embedding place is not known, the struct's.
   */
  private keyedLock(fn: FnId, e: Extract<Expr, { k: 'field' }>, struct: string, depth: number): AbsVal[] {
    const objects = e.arrow ? this.objectsPointedBy(fn, e.base, depth + 1) : this.objectAt(fn, e.base, depth + 1);
    return objects.map((o): AbsVal => ({ k: 'lock', cls: lockInObject(o, struct, e.field) }));
  }

  /**
   * Whether lockdep has lock `field` of `struct` as a class per place that embeds the struct:
   * every initialisation names the lock through the member that embeds it, at two places or more
   * (`mutex_init(&ioc->sas_mgmt.mutex)`, `mutex_init(&ioc->taskmgmt_cmds.mutex)`: a key per call
   * site). One through a pointer to the struct (`mutex_init(&mgmt->mutex)`) keys every place alike.
   */
  private initialisedPerPlace(struct: string, field: string): boolean {
    let byStruct = this.perPlaceByName.get(field);
    if (!byStruct) {
      // The answer is the program's, not the current function's: reading an initialising body
      // for it is no dependency of the function analysed (a patch to initialisers re-links).
      const current = this.current;
      this.current = null;
      // Asked again while it is worked out (a type through a callee's return): not per place.
      this.perPlaceByName.set(field, new Map());
      try {
        byStruct = this.placesInitialised(field);
      } finally {
        this.current = current;
      }
      this.perPlaceByName.set(field, byStruct);
    }
    const places = byStruct.get(struct);
    return places !== undefined && places !== null && places.size > 1;
  }

  /**
   * Per struct, the places whose lock `field` is initialised, in one pass over the
   * initialisations of that name (a whole tree has tens of thousands of `lock`s); null for a
   * struct with one initialisation that names no place.
   */
  private placesInitialised(field: string): Map<string, Set<string> | null> {
    const byStruct = new Map<string, Set<string> | null>();
    for (const { by, arg, perElement } of this.lockInitsNamed(field)) {
      const lock = stripAddress(arg);
      if (perElement) {
        if (lock.k === 'index' && lock.base.k === 'field') this.noteKeyedPerElement(byStruct, by, lock.base);
        continue;
      }
      if (lock.k === 'index') {
        this.noteElementInitialised(byStruct, by, lock);
        continue;
      }
      const struct = lock.k === 'field' ? this.structOf(by, lock.base) : null;
      if (lock.k !== 'field' || struct === null || byStruct.get(struct) === null) continue;
      const place = lock.arrow ? [] : this.objectAt(by, lock.base, 0);
      const named = place.length === 1 && place[0]?.k === 'lock' ? place[0].cls : null;
      if (!named) byStruct.set(struct, null);
      else getOrInit(byStruct, struct, () => new Set<string>())?.add(named);
    }
    return byStruct;
  }

  /**
   * An array of locks initialised element by element: under `struct[]`, the constant indexes
   * initialised (`spin_lock_init(&sbi->inode_lock[DIRTY_META])`), or null when one site
   * initialises any element (a loop's `spin_lock_init(&sbi->inode_lock[i])`: one class for all).
   */
  private noteElementInitialised(byStruct: Map<string, Set<string> | null>, by: FnId, lock: Extract<Expr, { k: 'index' }>): void {
    const array = lock.base;
    const struct = array.k === 'field' ? this.structOf(by, array.base) : null;
    const key = `${struct}[]`;
    if (struct === null || byStruct.get(key) === null) return;
    const label = this.constantIndex(by, lock.index);
    if (label === null) byStruct.set(key, null);
    else getOrInit(byStruct, key, () => new Set<string>())?.add(label);
  }

  /** An array of locks a loop keys element by element (`LockInitSite.perElement`): a class per index. */
  private noteKeyedPerElement(byStruct: Map<string, Set<string> | null>, by: FnId, array: Extract<Expr, { k: 'field' }>): void {
    const struct = this.structOf(by, array.base);
    if (struct !== null) byStruct.set(keyedPerElementMark(struct), new Set());
  }

  /** Whether element `label` of array class `struct.field` is initialised by that constant index: a class of its own. */
  private elementInitialised(cls: string, label: string): boolean {
    const dot = cls.lastIndexOf('.');
    if (dot <= 0) return false;
    const struct = cls.slice(0, dot);
    const field = cls.slice(dot + 1);
    this.initialisedPerPlace(struct, field);
    return this.perPlaceByName.get(field)?.get(`${struct}[]`)?.has(label) === true;
  }

  /**
   * Whether array class `struct.field[]` is keyed element by element, as lockdep has a super_block's
   * freeze levels (`__percpu_init_rwsem(&s->s_writers.rw_sem[i], …, &type->s_writers_key[i])`):
   * each index is a class of its own.
   */
  keyedPerElement(cls: string): boolean {
    const dot = cls.lastIndexOf('.');
    if (!cls.endsWith('[]') || dot <= 0) return false;
    const struct = cls.slice(0, dot);
    const field = cls.slice(dot + 1, -2);
    this.initialisedPerPlace(struct, field);
    return this.perPlaceByName.get(field)?.has(keyedPerElementMark(struct)) === true;
  }

  /** An index the code writes as a constant (`READ`, `DIRTY_META`, `0`), or null. */
  private constantIndex(fn: FnId, index: Expr): string | null {
    if (index.k === 'num') return String(index.value);
    if (index.k !== 'id' || !CONSTANT_NAME.test(index.name)) return null;
    const info = this.info(fn);
    return info.params.has(index.name) || info.localTypes.has(index.name) ? null : index.name;
  }

  /**
   * Whether class `struct.field` is a struct's lock that lockdep keys per embedding place (see
   * initialisedPerPlace()): as a class it stands for several, where the object is not known.
   */
  standsForPlaces(cls: string): boolean {
    const dot = cls.lastIndexOf('.');
    return dot > 0 && this.program.structs.has(cls.slice(0, dot)) && this.initialisedPerPlace(cls.slice(0, dot), cls.slice(dot + 1));
  }

  /** Lock initialisations in the program by their lock argument's last name (`mutex` for `&x->y.mutex`). */
  private lockInitsNamed(name: string): LockInitSite[] {
    return this.allLockInits().get(name) ?? [];
  }

  private allLockInits(): Map<string, LockInitSite[]> {
    this.lockInitsByName ??= lockInitSites(this.program, this.program.functions.keys());
    return this.lockInitsByName;
  }

  /**
   * The objects a pointer expression points to, named like classes (`f2fs_sb_info.gc_lock`), or a
   * parameter; unknown when the code does not say.
   */
  objectsPointedBy(fn: FnId, e: Expr, depth = 0): AbsVal[] {
    if (depth > MAX_DEPTH) return [{ k: 'unknown', why: 'too deep' }];
    switch (e.k) {
      case 'id': {
        const info = this.info(fn);
        const p = info.params.get(e.name);
        if (p !== undefined) return [{ k: 'param', i: p }];
        const assigned = info.localAssigns.get(e.name) ?? [];
        if (!info.localTypes.has(e.name) || assigned.length === 0) return [{ k: 'unknown', why: `object of ${e.name}` }];
        return union(assigned.map((rhs) => this.objectsPointedBy(fn, rhs, depth + 1)));
      }
      case 'addr': return this.objectAt(fn, e.arg, depth + 1);
      case 'cast': return this.objectsPointedBy(fn, e.arg, depth + 1);
      default: return [{ k: 'unknown', why: `object of ${e.k}` }];
    }
  }

  /** The object an lvalue designates (`sbi->gc_lock`, `fi->i_gc_rwsem[WRITE]`, a global). */
  private objectAt(fn: FnId, e: Expr, depth: number): AbsVal[] {
    if (e.k === 'field') {
      const s = this.structOf(fn, e.base, depth);
      const instance = this.staticInstance(fn, e);
      return s ? [{ k: 'lock', cls: `${instance ?? s}.${e.field}` }] : [{ k: 'unknown', why: `untyped base of ->${e.field}` }];
    }
    if (e.k === 'index') {
      // A keyed struct's place is a class per initialisation site: an element named by a
      // constant (`fi->i_gc_rwsem[WRITE]`) is initialised at a site of its own.
      const label = this.constantIndex(fn, e.index);
      return this.objectAt(fn, e.base, depth + 1).map((v) => (v.k === 'lock' ? { k: 'lock', cls: label === null ? arrayClass(v.cls) : elementClass(v.cls, label) } : v));
    }
    if (e.k === 'id' && !this.info(fn).localTypes.has(e.name) && !this.info(fn).params.has(e.name)) return [{ k: 'lock', cls: this.globalKey(fn, e.name) }];
    return [{ k: 'unknown', why: `object of ${e.k}` }];
  }

  /** A parameter-field lock of a callee in the caller's terms: the argument's object's, or the struct's. */
  bindParamField(caller: FnId, arg: Expr | undefined, pf: ParamField): string[] {
    const objects = arg ? this.objectsPointedBy(caller, arg) : [];
    const keys = objects.map((o) => lockInObject(o, pf.struct, pf.field));
    return keys.length ? [...new Set(keys)] : [`${pf.struct}.${pf.field}`];
  }

  private callValue(fn: FnId, call: Extract<Expr, { k: 'call' }>, depth: number): AbsVal[] {
    const name = calleeName(call);
    if (!name) return [{ k: 'unknown', why: 'indirect call' }];
    const model = modelOf(name);
    if (model && 'passThrough' in model) {
      const arg = call.args[model.passThrough];
      return arg ? this.valueOf(fn, arg, depth + 1) : [];
    }
    const defs = resolveCallee(this.program, this.fn(fn), name);
    if (defs.length === 0) return [{ k: 'unknown', why: `unresolved ${name}()` }];
    return union(defs.map((d) => this.substitute(this.returnsOf(d), fn, call, depth)));
  }

  /** Replaces a callee's parameter values by the caller's argument values. */
  private substitute(values: AbsVal[], caller: FnId, call: Extract<Expr, { k: 'call' }>, depth: number): AbsVal[] {
    return union(values.map((v) => {
      const pf = v.k === 'lock' ? paramFieldOf(v.cls) : null;
      if (pf) return this.bindParamField(caller, call.args[pf.i], pf).map((cls): AbsVal => ({ k: 'lock', cls }));
      if (v.k !== 'param') return [v];
      const arg = call.args[v.i];
      return arg ? this.valueOf(caller, arg, depth + 1) : [{ k: 'unknown', why: 'missing argument' } as AbsVal];
    }));
  }

  /** Values a function may return, in its own terms (parameters stay symbolic). */
  returnsOf(fn: FnId): AbsVal[] {
    const memo = this.returnMemo.get(fn);
    if (memo) return memo;
    const key = `ret:${fn}`;
    if (this.inProgress.has(key)) return [];
    this.inProgress.add(key);
    const values = union(this.info(fn).returns.map((r) => this.valueOf(fn, r, 1)));
    this.inProgress.delete(key);
    this.returnMemo.set(fn, values);
    return values;
  }

  private localValue(fn: FnId, name: string, depth: number): AbsVal[] {
    const key = `${fn}:${name}`;
    const memo = this.localMemo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(key)) return [];
    this.inProgress.add(key);
    const info = this.info(fn);
    const direct = (info.localAssigns.get(name) ?? []).map((rhs) => this.valueOf(fn, rhs, depth + 1));
    const viaOut = (info.localOutArgs.get(name) ?? []).map(({ call, argIndex }) => this.outArgValues(fn, call, argIndex, depth));
    const values = union([...direct, ...viaOut]);
    this.inProgress.delete(key);
    if (depth === 0 || values.length > 0) this.localMemo.set(key, values);
    return values;
  }

  /** What callees store through argument `argIndex` of `call`, in the caller's terms. */
  private outArgValues(caller: FnId, call: Extract<Expr, { k: 'call' }>, argIndex: number, depth: number): AbsVal[] {
    const name = calleeName(call);
    if (!name || modelOf(name)) return [];
    const defs = resolveCallee(this.program, this.fn(caller), name);
    return union(defs.map((d) => this.substitute(this.outStores(d, argIndex), caller, call, depth)));
  }

  /** Values stored by `fn` through its parameter `i` (`*(ptlp) = __ptl`). */
  private outStores(fn: FnId, i: number): AbsVal[] {
    const key = `${fn}:${i}`;
    const memo = this.outStoreMemo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(`out:${key}`)) return [];
    this.inProgress.add(`out:${key}`);
    const param = this.fn(fn).params[i]?.name;
    const found: AbsVal[][] = [];
    if (param) {
      forEachExpr(this.fn(fn).body, (e) => {
        if (e.k !== 'assign' || e.op !== '=') return;
        const target = e.left.k === 'deref' ? e.left.arg : e.left.k === 'index' ? e.left.base : null;
        if (target && target.k === 'id' && target.name === param) found.push(this.valueOf(fn, e.right, 1));
      });
    }
    const values = union(found);
    this.inProgress.delete(`out:${key}`);
    this.outStoreMemo.set(key, values);
    return values;
  }

  /** Values stored anywhere into field `struct.field`. */
  private fieldValues(key: string, depth: number): AbsVal[] {
    const memo = this.fieldMemo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(`field:${key}`)) return [];
    this.inProgress.add(`field:${key}`);
    const stores = this.allFieldStores().get(key) ?? [];
    const values = union(stores.map((s) => {
      const v = 'value' in s ? this.valueOf(s.fn, s.value, depth + 1) : this.outArgValues(s.fn, s.call, s.argIndex, depth);
      // A parameter stored into a field has no value outside its call: not a class.
      return v.filter((x) => x.k === 'lock' && !paramFieldOf(x.cls));
    }));
    this.inProgress.delete(`field:${key}`);
    this.fieldMemo.set(key, values);
    return values;
  }

  /** Every store into a field, program-wide, by `struct.field`. */
  allFieldStores(): Map<string, FieldStore[]> {
    if (this.fieldStores) return this.fieldStores;
    const stores = new Map<string, FieldStore[]>();
    this.program.functions.forEach((f, fn) => {
      // The index says which bodies store into fields at all: the others are not read.
      if (!functionIndex(f).storesToFields) return;
      for (const [key, store] of this.storesOf(fn)) getOrInit(stores, key, () => []).push(store);
    });
    this.fieldStores = stores;
    return stores;
  }

  /**
   * The field stores in one function's body that may store a lock's address (into a field whose
   * type is a lock's, or unknown); reading it is no consultation by another function.
   */
  storesOf(fn: FnId): [string, FieldStore][] {
    const out: [string, FieldStore][] = [];
    const saved = this.current;
    this.current = fn;
    forEachFieldStore(this.fn(fn).body, (site) => {
      const s = this.lockFieldOf(fn, site.base, site.field);
      if (s) out.push([s, 'value' in site ? { fn, value: site.value } : { fn, call: site.call, argIndex: site.argIndex }]);
    });
    this.current = saved;
    return out;
  }

  /**
   * `struct.field` of `base->field` when that field may hold a lock's address: a whole kernel
   * stores millions of pointers into fields, and only these can give a lock value back.
   */
  private lockFieldOf(fn: FnId, base: Expr, field: string): string | null {
    const s = this.structOf(fn, base);
    if (!s || this.lockTypeVerdict(this.program.structs.get(s)?.[field], this.fileOf(fn)) === false) return null;
    return `${s}.${field}`;
  }

  /** The declared type of the lock an argument points to (`&x->lock`, `&global`, a `struct mutex *` parameter), or null. */
  lockTypeOf(fn: FnId, e: Expr): string | null {
    const target = e.k === 'addr' ? e.arg : e;
    if (target.k === 'field') {
      const s = this.structOf(fn, target.base);
      return s ? this.program.structs.get(s)?.[target.field]?.name ?? null : null;
    }
    return target.k === 'id' ? this.declaredType(fn, target.name)?.name || null : null;
  }

  /** What `fn` assigns to its local `name` (initialiser included); none for any other name. */
  localAssignments(fn: FnId, name: string): readonly Expr[] {
    const info = this.info(fn);
    return info.localTypes.has(name) ? info.localAssigns.get(name) ?? [] : [];
  }

  /** The type local `name` of `fn` is declared with (undefined: not a local of its). */
  localType(fn: FnId, name: string): TypeRef | undefined {
    return this.info(fn).localTypes.get(name);
  }

  /** The type `name` is declared with where `fn` reads it: a parameter, a local, else a global. */
  private declaredType(fn: FnId, name: string): TypeRef | undefined {
    const info = this.info(fn);
    const p = info.params.get(name);
    return p !== undefined ? this.fn(fn).params[p]?.type : info.localTypes.get(name) ?? this.program.globals.get(this.globalKey(fn, name));
  }

  /** Struct type of an expression, or null when the declarations do not say. */
  structOf(fn: FnId, e: Expr, depth = 0): string | null {
    if (depth > MAX_DEPTH) return null;
    switch (e.k) {
      case 'id': {
        const type = this.declaredType(fn, e.name);
        const callMacro = type ? undefined : lookupScoped(this.program.callMacros, e.name, this.fileOf(fn));
        if (callMacro) return this.returnStruct(fn, callMacro);
        return structName(this.program, type, this.fileOf(fn));
      }
      case 'field': {
        const s = this.structOf(fn, e.base, depth + 1);
        return s ? structName(this.program, this.program.structs.get(s)?.[e.field], this.fileOf(fn)) : null;
      }
      case 'call': {
        const typeArg = e.args.find((a) => a.k === 'type');
        if (typeArg && typeArg.k === 'type') return structName(this.program, typeArg.type, this.fileOf(fn));
        const name = calleeName(e);
        if (!name) return null;
        const model = modelOf(name);
        if (model && 'passThrough' in model) {
          const arg = e.args[model.passThrough];
          return arg ? this.structOf(fn, arg, depth + 1) : null;
        }
        return this.returnStruct(fn, name);
      }
      case 'cast': {
        return structName(this.program, e.type, this.fileOf(fn)) ?? this.structOf(fn, e.arg, depth + 1);
      }
      case 'addr': case 'deref': case 'not': case 'unary':
        return this.structOf(fn, e.arg, depth + 1);
      case 'index':
        return this.structOf(fn, e.base, depth + 1);
      case 'cond':
        return this.structOf(fn, e.then, depth + 1) ?? this.structOf(fn, e.else, depth + 1);
      case 'assign':
        return this.structOf(fn, e.left, depth + 1);
      case 'seq':
        return e.items.length ? this.structOf(fn, e.items[e.items.length - 1] as Expr, depth + 1) : null;
      case 'stmt': {
        const last = e.body[e.body.length - 1];
        return last && last.k === 'expr' ? this.structOf(fn, last.e, depth + 1) : null;
      }
      default:
        return null;
    }
  }

  /** `init_mm.f` or `(&init_mm)->f`: the global instance the field belongs to, if any. */
  private staticInstance(fn: FnId, e: Extract<Expr, { k: 'field' }>): string | null {
    const base = e.arrow ? (e.base.k === 'addr' ? e.base.arg : null) : e.base;
    return base?.k === 'id' ? this.globalName(fn, base.name) : null;
  }

  /** The key of global `name` as `fn` reads it, or null when `name` is its parameter or local. */
  globalName(fn: FnId, name: string): string | null {
    const info = this.info(fn);
    if (info.params.has(name) || info.localTypes.has(name)) return null;
    const key = this.globalKey(fn, name);
    return this.program.globals.has(key) ? key : null;
  }

  /** The key a global named in `fn` links under: its file's own `static` one first. */
  private globalKey(fn: FnId, name: string): string {
    return resolveName(this.program.globals, name, this.fileOf(fn)) ?? name;
  }

  private returnStruct(fn: FnId, callee: string): string | null {
    for (const d of resolveCallee(this.program, this.fn(fn), callee)) {
      const s = structName(this.program, this.fn(d).returnType, this.fileOf(d));
      if (s) return s;
    }
    return null;
  }

  /** `S.f` as a class, unless the declarations say `f` is no lock. */
  private fieldClass(fn: FnId, struct: string, field: string): AbsVal[] {
    const verdict = this.lockTypeVerdict(this.program.structs.get(struct)?.[field], this.fileOf(fn));
    return verdict === false ? [{ k: 'unknown', why: `${struct}.${field} is not a lock` }] : [{ k: 'lock', cls: `${struct}.${field}` }];
  }

  /** A global as a class: declared as a lock, or declared nowhere we read (but not a MACRO). */
  private globalClass(fn: FnId, name: string): AbsVal[] {
    const key = this.globalKey(fn, name);
    const type = this.program.globals.get(key);
    const verdict = type ? this.lockTypeVerdict(type, this.fileOf(fn)) : /^[A-Z0-9_]+$/.test(name) ? false : null;
    return verdict === false ? [{ k: 'unknown', why: `${name} is not a lock` }] : [{ k: 'lock', cls: key }];
  }

  /** A `static` lock inside a function: one object, its own class, unlike the function's other locals. */
  private staticLocalClass(fn: FnId, name: string): AbsVal[] {
    const f = this.fn(fn);
    const type = this.info(fn).localTypes.get(name);
    return this.lockTypeVerdict(type, f.file) === false
      ? [{ k: 'unknown', why: `${name} is not a lock` }]
      : [{ k: 'lock', cls: scopedKey(name, `${f.file}:${f.name}`) }];
  }

  /** Whether a type named in code of `file` is a lock type (through typedefs); null when we cannot tell. */
  private lockTypeVerdict(type: TypeRef | undefined, file: string): boolean | null {
    if (!type || !type.name) return null;
    let name = type.name;
    for (let hops = 0; hops < 6; hops++) {
      if (LOCK_TYPES.has(name)) return true;
      const next = lookupScoped(this.program.typedefs, name, file);
      if (!next || next.name === name) break;
      name = next.name;
    }
    if (resolveName(this.program.structs, name, file) !== null) return false;
    // Scalars (`unsigned long`, `u64`, `atomic_t`, `pte_t`) are never locks.
    return name.split(/\s+/).some((w) => /^(unsigned|signed|int|long|short|char|void|bool|_Bool|float|double|u\d+|s\d+|__u\d+|__s\d+|.*_t)$/.test(w)) ? false : null;
  }

  private fileOf(id: FnId): string {
    return this.fn(id).file;
  }

  private fn(id: FnId): FunctionFacts {
    const f = this.program.functions[id];
    if (!f) throw new Error(`no function ${id}`);
    return f;
  }

  /** Marks another function's body as read by the function being analysed (check-patch redoes its readers). */
  consult(fn: FnId): void {
    if (this.current !== null && fn !== this.current) this.consulted.add(fn);
  }

  private info(fn: FnId): FnInfo {
    this.consult(fn);
    const cached = this.infos.get(fn);
    if (cached) return cached;
    const f = this.fn(fn);
    const info: FnInfo = {
      params: new Map(f.params.map((p, i) => [p.name, i] as [string, number]).filter(([n]) => n !== '')),
      localTypes: new Map(), staticLocals: new Set(), localAssigns: new Map(), localOutArgs: new Map(), returns: [],
    };
    forEachDecl(f.body, (d) => {
      info.localTypes.set(d.name, d.type);
      if (d.isStatic) info.staticLocals.add(d.name);
      if (d.init) getOrInit(info.localAssigns, d.name, () => []).push(d.init);
    });
    forEachExpr(f.body, (e) => {
      if (e.k === 'assign' && e.op === '=' && e.left.k === 'id' && info.localTypes.has(e.left.name)) {
        getOrInit(info.localAssigns, e.left.name, () => []).push(e.right);
      } else if (e.k === 'call') {
        e.args.forEach((a, argIndex) => {
          if (a.k === 'addr' && a.arg.k === 'id' && info.localTypes.has(a.arg.name)) {
            getOrInit(info.localOutArgs, a.arg.name, () => []).push({ call: e, argIndex });
          }
        });
      }
    });
    forEachReturn(f.body, (r) => { if (r.value) info.returns.push(r.value); });
    this.infos.set(fn, info);
    return info;
  }
}

/** The lock initialisations of `functions`, by their lock argument's last name, in function order. */
export function lockInitSites(program: Program, functions: Iterable<FnId>): Map<string, LockInitSite[]> {
  const index = new Map<string, LockInitSite[]>();
  for (const by of functions) {
    const f = program.functions[by];
    const fnIndex = f ? functionIndex(f) : null;
    for (const arg of fnIndex?.lockInits ?? []) {
      const last = lastName(arg);
      if (last) getOrInit(index, last, () => []).push({ by, arg });
    }
    for (const arg of fnIndex?.elementKeys ?? []) {
      const last = lastName(arg);
      if (last) getOrInit(index, last, () => []).push({ by, arg, perElement: true });
    }
  }
  return index;
}

/** The last name of a lock (or key) argument: `lock` for `&x->y.lock` or `&t[i].lock`, `m` for `&m`. */
export function lastName(e: Expr): string | null {
  switch (e.k) {
    case 'addr': case 'cast': case 'deref': return lastName(e.arg);
    case 'index': return lastName(e.base);
    case 'field': return e.field;
    case 'id': return e.name;
    default: return null;
  }
}

/** The lvalue a lock argument names: `x->y.lock` for `&x->y.lock` or `(spinlock_t *)&x->y.lock`. */
function stripAddress(e: Expr): Expr {
  return e.k === 'addr' || e.k === 'cast' ? stripAddress(e.arg) : e;
}

function arrayClass(cls: string): string {
  return cls.endsWith('[]') ? cls : `${cls}[]`;
}

/**
 * The array element a pointer sum names: `&x->a[i - 1]` for `x->a + i - 1`, when the sum's first
 * term is a field (read as `&x->a[…]` is) and the others are added or subtracted.
 */
export function elementOfSum(e: Expr): Extract<Expr, { k: 'index' }> | null {
  if (e.k !== 'bin' || (e.op !== '+' && e.op !== '-')) return null;
  if (e.left.k === 'field') return e.op === '+' ? { k: 'index', base: e.left, index: e.right } : null;
  const inner = elementOfSum(e.left);
  return inner ? { ...inner, index: { k: 'bin', op: e.op, left: inner.index, right: e.right } } : null;
}

/** Where the per-place answers of a lock name mark `struct`'s array of that name as keyed per element. */
function keyedPerElementMark(struct: string): string {
  return `${struct}[*]`;
}

/** Element `label` of an array class: `f2fs_sb_info.inode_lock[DIRTY_META]`. */
function elementClass(cls: string, label: string): string {
  return `${cls.endsWith('[]') ? cls.slice(0, -2) : cls}[${label}]`;
}

/** The key of lock `field` of a keyed `struct` inside `object`: the embedding place's, a parameter's, or the struct's. */
function lockInObject(object: AbsVal, struct: string, field: string): string {
  if (object.k === 'param') return paramFieldLock(object.i, struct, field);
  return object.k === 'lock' ? `${object.cls}.${field}` : `${struct}.${field}`;
}

/** The mark of a macro parameter's lock taken by address (`#p2&`): bound to `&argument` at calls. */
export const BY_ADDRESS = '&';

/** A lock inside the keyed object parameter `i` points to: `#p0@f2fs_rwsem.internal_rwsem`. */
export interface ParamField { i: number; struct: string; field: string }

export function paramFieldLock(i: number, struct: string, field: string): string {
  return `#p${i}@${struct}.${field}`;
}

/** The parts of a parameter-field key, or null (struct keys may hold dots in a scope's path; fields do not). */
export function paramFieldOf(key: string): ParamField | null {
  const m = /^#p(\d+)@(.+)\.([^.]+)$/.exec(key);
  return m ? { i: Number(m[1]), struct: m[2] as string, field: m[3] as string } : null;
}

export function absKey(v: AbsVal): string {
  return v.k === 'lock' ? v.cls : v.k === 'param' ? `#p${v.i}${v.byAddress ? BY_ADDRESS : ''}` : '?';
}

function union(lists: AbsVal[][]): AbsVal[] {
  const seen = new Map<string, AbsVal>();
  for (const list of lists) {
    for (const v of list) {
      const key = v.k === 'unknown' ? `?${v.why}` : absKey(v);
      if (!seen.has(key)) seen.set(key, v);
      if (seen.size >= MAX_VALUES) return [...seen.values()];
    }
  }
  return [...seen.values()];
}
