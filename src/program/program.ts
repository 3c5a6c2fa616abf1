// Linking per-file facts into one program: symbol tables, types, function-pointer bindings.
import { CONSTANT_NAME, IDENTIFIERS, type LoadedFile, fieldOf, forEachPackedMacro, functionIndex } from '../facts/outline.js';
import type { Expr, FieldFunctionBinding, FunctionFacts, GlobalFacts, GuardDefinition, Stmt, TypeRef } from '../facts/types.js';
import type { Kconfig } from '../source/kconfig.js';
import { keyedStructOfInitialiser, reclassedLockArg } from '../models/kernel-api.js';
import { ConditionEvaluator, ENUMERATOR } from './conditions.js';
import type { DefineScopes } from './define-scopes.js';
import { definitionKey, lookupScoped, plainName, resolveName, scopesOf, scopedKey, typeDefinitionKey } from './scope.js';

export type FnId = number;

export interface Program {
  functions: FunctionFacts[];
  /** Non-static functions, static functions of headers, and macros, by name. */
  globalDefs: Map<string, FnId[]>;
  /** Static functions of `.c` files: file → name → ids. */
  fileStatics: Map<string, Map<string, FnId[]>>;
  /** Structs, typedefs and globals by key: a `.c` file's own are `name{path}` (see scope.ts). */
  structs: Map<string, Record<string, TypeRef>>;
  typedefs: Map<string, TypeRef>;
  globals: Map<string, GlobalFacts>;
  /** Per file, its work items defined bound to a function (`DECLARE_WORK(w, fn)`): [the global, the function]. */
  declaredRuns: Map<string, [string, string][]>;
  /** Field name → functions assigned to it in an initialiser or an assignment (a static one as `name{path}`). */
  fieldBindings: Map<string, string[]>;
  /**
   * `bindingKey(field, function)` → the structs whose `field` it is bound to (struct keys; `''`
   * where the binding does not say, which matches any): a call through `ops->field` reaches only
   * what is bound to that field of the receiver's struct.
   */
  bindingOwners: Map<string, string[]>;
  /**
   * Field name → static functions assigned to it in code (`bio->bi_end_io = end_bio_io;`), as
   * `name{path}`, for fields no initialiser binds. Never followed (below), but counted: a
   * callback field that dozens of statics are stored in is a pointer the call graph cannot
   * resolve, even where few global functions are. An ops table's field (`.reg = …` in a static
   * initialiser) is left to its initialisers.
   */
  unfollowedBindings: Map<string, string[]>;
  /** `#define X Y` with Y an identifier: calls to X reach Y. A `.c` file's own by key, as below. */
  aliases: Map<string, string>;
  /** `#define current get_current()`: an identifier that is a call, for its type. */
  callMacros: Map<string, string>;
  /** Scope-based lock classes the code defines (`DEFINE_LOCK_GUARD_1(rq_lock, …)`), by key; the first kept. */
  guards: Map<string, GuardDefinition>;
  /**
   * Structs whose initialiser hands lockdep a key of each call site's own (`init_f2fs_rwsem()`,
   * `init_waitqueue_head()`): their locks are as many classes as the places that embed them.
   */
  keyedStructs: Set<string>;
  /** Locks (`struct.field`) keyed per embedding place though their struct is not: see collectFieldsKeyedPerFile(). */
  keyedFields: Set<string>;
}

/**
 * Object-like macro values the analysis may ask for, keeping the definitions whose `#if`
 * conditions may hold under `config` (judged on CONFIG_ tests alone); a name defined differently
 * keeps all. A whole tree defines millions (register headers); only the names that conditions or
 * code mention, and the names their values mention in turn, are kept.
 */
export function collectObjectMacros(
  files: readonly LoadedFile[], config: Kconfig | null, wanted = macroNamesAsked(files), scopes: DefineScopes | null = null,
): Map<string, string[]> {
  // One pass over the millions of definitions keeps the few asked for; their conditions are
  // judged once every defined name is known (`defined(X)`).
  const asked: { name: string; value: string; conditions: string[]; file: string }[] = [];
  for (const f of files) forEachPackedMacro(f.macros, (name, value, conds) => { if (wanted.has(name)) asked.push({ name, value, conditions: conds(), file: f.path }); });
  const conditions = new ConditionEvaluator(config, new Map(), new Set(asked.flatMap((m) => (m.value.startsWith(ENUMERATOR) ? [] : [m.name]))), null, scopes);
  const out = new Map<string, string[]>();
  for (const m of asked) {
    if (!conditions.allowed(m.conditions, m.file)) continue;
    const list = getOrInit(out, m.name, () => []);
    if (!list.includes(m.value)) list.push(m.value);
  }
  return out;
}

/** The names conditions and code mention, and the names their macro values mention, to a fixed point. */
export function macroNamesAsked(files: readonly LoadedFile[]): Set<string> {
  const wanted = new Set(files.flatMap((f) => f.macroRefs));
  for (let grew = true; grew;) {
    grew = false;
    for (const f of files) {
      forEachPackedMacro(f.macros, (name, value) => {
        if (!wanted.has(name)) return;
        for (const w of value.match(IDENTIFIERS) ?? []) if (!wanted.has(w)) { wanted.add(w); grew = true; }
      });
    }
  }
  return wanted;
}

/** Links facts; definitions whose `#if` conditions are false under `conditions` are left out. */
export function linkProgram(files: readonly LoadedFile[], conditions: ConditionEvaluator = new ConditionEvaluator(null)): Program {
  const program: Program = {
    functions: [], globalDefs: new Map(), fileStatics: new Map(), structs: new Map(),
    typedefs: new Map(), globals: new Map(), declaredRuns: new Map(), fieldBindings: new Map(), bindingOwners: new Map(), unfollowedBindings: new Map(), aliases: new Map(), callMacros: new Map(), guards: new Map(),
    keyedStructs: new Set(), keyedFields: new Set(),
  };
  // Sorted input makes ids, and so every later tie-break, independent of read order.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    for (const fn of file.functions) if (conditions.allowed(fn.conditions, file.path)) program.functions.push(fn);
    for (const s of file.structs) {
      const fields = getOrInit(program.structs, typeDefinitionKey(s.name, file.path), () => ({}));
      Object.assign(fields, s.fields);
    }
    for (const [k, v] of Object.entries(file.typedefs)) program.typedefs.set(typeDefinitionKey(k, file.path), v);
    if (file.declaredRuns?.length) program.declaredRuns.set(file.path, file.declaredRuns);
    const statics = new Set(file.staticGlobals);
    for (const [k, v] of Object.entries(file.globals)) {
      const key = definitionKey(k, file.path, statics.has(k));
      // The definition that says what its initialiser gives, over a declaration (`extern`) that does not.
      const known = program.globals.get(key);
      if (!known || (!known.constants && v.constants)) program.globals.set(key, v);
    }
    forEachPackedMacro(file.macros, (name, value, conds) => {
      const alias = /^[A-Za-z_]\w*$/.test(value);
      const call = alias ? null : /^\(?\s*([A-Za-z_]\w*)\s*\(\s*\)\s*\)?$/.exec(value);
      if ((!alias && !call) || !conditions.allowed(conds(), file.path)) return;
      if (alias) program.aliases.set(definitionKey(name, file.path, true), value);
      if (call) program.callMacros.set(definitionKey(name, file.path, true), call[1] as string);
    });
    for (const g of file.guards) {
      const key = definitionKey(g.name, file.path, true);
      if (!program.guards.has(key) && conditions.allowed(g.conditions, file.path)) program.guards.set(key, g);
    }
  }
  indexFunctions(program);
  for (const file of sorted) for (const b of file.bindings) addBinding(program, b.field, boundFunction(program, b.fn, b.file), bindingOwner(program, b));
  for (const fn of program.functions) collectAssignedFunctionPointers(program, fn);
  // An ops table's field: its initialisers enumerate what it calls, narrowed by the receiver's
  // struct, and statics some other struct's field of that name is given do not crowd it.
  for (const file of sorted) for (const b of file.bindings) program.unfollowedBindings.delete(b.field);
  for (const fn of program.functions) collectKeyedStructs(program, fn);
  collectFieldsKeyedPerFile(program);
  collectFieldsRekeyedByInitialiser(program);
  return program;
}

/**
 * Locks an initialiser re-keys through its parameter where its caller says so: `extent_io_tree_init()`
 * does `spin_lock_init(&tree->lock)`, then `lockdep_set_class(&tree->lock, &file_extent_tree_class)`
 * `if (owner == IO_TREE_INODE_FILE_EXTENT)`. Its objects are of two lockdep classes or more, chosen
 * by its callers: `extent_io_tree.lock` is a class per place that embeds the struct
 * (`btrfs_inode.file_extent_tree.lock`), which tells them apart where the place is known. A key
 * chosen by the object's own state (`if (S_ISDIR(inode->i_mode))`) is not the place's.
 */
function collectFieldsRekeyedByInitialiser(program: Program): void {
  for (const fn of program.functions) {
    const index = functionIndex(fn);
    if (!index.reclasses || !index.lockInits) continue;
    const inits = new Set(index.lockInits.map((e) => JSON.stringify(e)));
    const params = new Set(fn.params.map((p) => p.name));
    for (const { lock, tests } of argumentKeyedReclasses(fn.body, params)) {
      const field = lock.k === 'addr' && lock.arg.k === 'field' && lock.arg.arrow && lock.arg.base.k === 'id' ? lock.arg : null;
      const param = field ? fn.params.find((p) => field.base.k === 'id' && p.name === field.base.name && p.type.pointer > 0) : null;
      const byArgument = param && tests.some((t) => !identifiersOf(t).has(param.name));
      const struct = field && byArgument && inits.has(JSON.stringify(lock)) ? structName(program, param.type, fn.file) : null;
      if (field && struct) program.keyedFields.add(`${struct}.${field.field}`);
    }
  }
}

/**
 * The lockdep re-keying calls a body makes under tests of its parameters' values alone
 * (`if (owner == X)`, `switch (kind)`): their lock arguments, and those tests.
 */
export function argumentKeyedReclasses(body: Stmt[], params: ReadonlySet<string>): { lock: Expr; tests: Expr[] }[] {
  const out: { lock: Expr; tests: Expr[] }[] = [];
  const valueTest = (e: Expr): boolean => {
    let ok = true;
    walkExpr(e, (x) => {
      if (x.k === 'field' || x.k === 'call' || x.k === 'deref' || x.k === 'index') ok = false;
      if (x.k === 'id' && !params.has(x.name) && !CONSTANT_NAME.test(x.name)) ok = false;
    });
    return ok;
  };
  const visit = (stmts: Stmt[], tests: Expr[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'block': visit(s.body, tests); break;
        case 'if': {
          const inner = valueTest(s.cond) ? [...tests, s.cond] : tests;
          visit(s.then, inner);
          visit(s.else, inner);
          break;
        }
        case 'switch': {
          const inner = valueTest(s.value) ? [...tests, s.value] : tests;
          for (const c of s.cases) visit(c.body, inner);
          break;
        }
        case 'expr':
          if (tests.length === 0) break;
          forEachExpr([s], (e) => {
            const lockArg = e.k === 'call' ? reclassedLockArg(calleeName(e) ?? '') : null;
            const lock = e.k === 'call' && lockArg !== null ? e.args[lockArg] : undefined;
            if (lock) out.push({ lock, tests });
          });
          break;
        default: break;
      }
    }
  };
  visit(body, []);
  return out;
}

/** The names an expression reads (not inside a statement expression's body). */
export function identifiersOf(e: Expr): Set<string> {
  const out = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.k === 'id') out.add(x.name);
    forEachChildExpr(x, visit, null);
  };
  visit(e);
  return out;
}

/**
 * Locks a header's inline function initialises through its parameter (`skb_queue_head_init(list)`:
 * `spin_lock_init(&list->lock)`): the key the initialiser declares is one per file that calls the
 * inline function, so where two files or more call it, `sk_buff_head.lock` is a class per place
 * that embeds the struct, not one for every queue. Called from one file (`mmap_init_lock()` from
 * `kernel/fork.c`), it is one class.
 */
function collectFieldsKeyedPerFile(program: Program): void {
  const initialisers = new Map<string, string[]>();
  for (const fn of program.functions) {
    if (!fn.file.endsWith('.h') || fn.isMacro) continue;
    for (const lock of functionIndex(fn).lockInits ?? []) {
      const field = lock.k === 'addr' && lock.arg.k === 'field' && lock.arg.arrow && lock.arg.base.k === 'id' ? lock.arg : null;
      const param = field ? fn.params.find((p) => field.base.k === 'id' && p.name === field.base.name && p.type.pointer > 0) : null;
      const struct = field && param ? structName(program, param.type, fn.file) : null;
      if (field && struct) getOrInit(initialisers, fn.name, () => []).push(`${struct}.${field.field}`);
    }
  }
  if (initialisers.size === 0) return;
  const callerFiles = new Map<string, Set<string>>();
  for (const fn of program.functions) {
    for (const name of functionIndex(fn).calls) if (initialisers.has(name)) getOrInit(callerFiles, name, () => new Set()).add(fn.file);
  }
  for (const [name, locks] of initialisers) {
    if ((callerFiles.get(name)?.size ?? 0) > 1) for (const lock of locks) program.keyedFields.add(lock);
  }
}

/** The struct a keyed initialiser's callee takes where the initialiser passes its parameter. */
function collectKeyedStructs(program: Program, fn: FunctionFacts): void {
  for (const [callee, argIndex] of functionIndex(fn).keyedInits ?? []) {
    const defs = resolveCallee(program, fn, callee);
    const modelled = defs.length ? null : keyedStructOfInitialiser(callee);
    if (modelled) program.keyedStructs.add(modelled);
    for (const def of defs) {
      const target = program.functions[def];
      const param = target?.params[argIndex];
      const struct = target && param && param.type.pointer > 0 && keysLockIn(target, param.name) ? structName(program, param.type, target.file) : null;
      if (struct) program.keyedStructs.add(struct);
    }
  }
}

/**
 * Whether `fn` gives a lock inside what its parameter `param` points to the key it is handed
 * (`__init_f2fs_rwsem(sem, …, key)` calls `__init_rwsem(&sem->internal_rwsem, …, key)`). A key
 * passed beside other pointers (`devm_gpiochip_add_data_with_key(dev, gc, …, &key, …)`) keys
 * only the object whose lock it initialises: not `dev`.
 */
function keysLockIn(fn: FunctionFacts, param: string): boolean {
  const index = functionIndex(fn);
  return [...(index.reclasses ?? []), ...(index.lockInits ?? [])].some((lock) => baseName(lock) === param);
}

/** The constant zero, as the code spells it: what static storage and zeroed allocations hold. */
export const ZERO: Expr = { k: 'num', value: 0 };

/** `e` without the casts around it. */
export const unwrapCasts = (e: Expr): Expr => (e.k === 'cast' ? unwrapCasts(e.arg) : e);

/** `p` of `&p->a.b`, `&p[i]`, `p`. */
export function baseName(e: Expr): string | null {
  switch (e.k) {
    case 'addr': case 'cast': case 'deref': return baseName(e.arg);
    case 'field': case 'index': return baseName(e.base);
    case 'id': return e.name;
    default: return null;
  }
}

/** Fills the name tables from `program.functions` (again, after check-patch replaced some). */
export function indexFunctions(program: Program): void {
  program.globalDefs.clear();
  program.fileStatics.clear();
  program.functions.forEach((fn, id) => {
    // A .c file's statics and its own macros are visible in that file only.
    if ((fn.isStatic || fn.isMacro) && !fn.file.endsWith('.h')) {
      const statics = getOrInit(program.fileStatics, fn.file, () => new Map<string, FnId[]>());
      getOrInit(statics, fn.name, () => []).push(id);
    } else {
      getOrInit(program.globalDefs, fn.name, () => []).push(id);
    }
  });
}

function addBinding(program: Program, field: string, fn: string, owner: string): void {
  const list = getOrInit(program.fieldBindings, field, () => []);
  if (!list.includes(fn)) list.push(fn);
  const owners = getOrInit(program.bindingOwners, bindingKey(field, fn), () => []);
  if (!owners.includes(owner)) owners.push(owner);
}

export function bindingKey(field: string, fn: string): string {
  return `${field}\0${fn}`;
}

/** Key of the struct whose field a binding sets; '' when its initialiser does not say. */
function bindingOwner(program: Program, b: FieldFunctionBinding): string {
  let struct = b.struct === undefined ? null : structName(program, { name: b.struct, pointer: 0 }, b.file);
  for (const field of b.via ?? []) struct = struct && structName(program, program.structs.get(struct)?.[field], b.file);
  return struct ?? '';
}

/** A function named in `file` as a binding's target: the file's static one is `name{file}`. */
function boundFunction(program: Program, name: string, file: string): string {
  return program.fileStatics.get(file)?.has(name) ? scopedKey(name, file) : name;
}

/**
 * `x->field = some_function;` binds the field like an initialiser does, for a global function.
 * A static one assigned in code is not followed: matched by field name alone, btrfs's
 * `wc->process_func()` in a log-tree walk would reach the replay callback another walk assigns.
 * It still counts among the field's targets.
 */
function collectAssignedFunctionPointers(program: Program, fn: FunctionFacts): void {
  for (const [field, name] of functionIndex(fn).assigns) {
    const bound = boundFunction(program, name, fn.file);
    if (bound === name && program.globalDefs.has(name)) addBinding(program, field, name, '');
    else if (bound !== name) {
      const list = getOrInit(program.unfollowedBindings, field, () => []);
      if (!list.includes(bound)) list.push(bound);
    }
  }
}

/** Definitions a call from `from` to `name` may reach: file statics first, then globals, then aliases. */
export function resolveCallee(program: Program, from: FunctionFacts, name: string): FnId[] {
  return program.fileStatics.get(from.file)?.get(name) ?? resolveGlobal(program, name, from.file);
}

/** Definitions of `name` visible tree-wide, else of what an alias macro visible in `file` names. */
function resolveGlobal(program: Program, name: string, file: string): FnId[] {
  const global = program.globalDefs.get(name);
  if (global) return global.length > 1 ? linkedDefinitions(program, global, file) : global;
  const alias = lookupScoped(program.aliases, name, file);
  return alias && alias !== name ? program.globalDefs.get(alias) ?? [] : [];
}

/**
 * Of several definitions of one global name, the ones a call from `file` links with. Not the
 * staging tree's from outside it (it exports nothing the rest uses). Among drivers (modules that
 * each link their own copy: fnic's and enic's `vnic_dev.c`), those in the directory nearest the
 * caller's; a driver's own header counts as its module's (mt76's `mt76_rmw()` inline is not
 * mt7601u's function). Elsewhere all stay: a `__weak` default in `kernel/` and its override in
 * `arch/` look alike here, and an `include/` header's inline is anybody's.
 */
function linkedDefinitions(program: Program, defs: FnId[], file: string): FnId[] {
  const fileOf = (d: FnId): string => program.functions[d]?.file ?? '';
  const inModuleTree = (d: FnId): boolean => MODULE_TREES.some((t) => fileOf(d).startsWith(t));
  if (defs.some((d) => !fileOf(d).endsWith('.c') && !inModuleTree(d))) return defs;
  const outsideStaging = !file.startsWith(STAGING);
  const linked = defs.filter((d) => !(outsideStaging && fileOf(d).startsWith(STAGING)));
  const pool = linked.length > 0 ? linked : defs;
  if (!pool.every(inModuleTree)) return pool;
  const shared = pool.map((d) => sharedDirectoryDepth(fileOf(d), file));
  const nearest = Math.max(...shared);
  return pool.filter((_, i) => shared[i] === nearest);
}

const STAGING = 'drivers/staging/';
/** Trees of modules, where one name in two directories is two modules' own copies. */
const MODULE_TREES = ['drivers/', 'sound/'];

/** Directories two paths have in common from the top (`drivers/scsi/fnic/a.c`, `drivers/scsi/b.c`: 2; a directory ends in `/`). */
export function sharedDirectoryDepth(a: string, b: string): number {
  const x = a.split('/').slice(0, -1);
  const y = b.split('/').slice(0, -1);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** A call through a function pointer, resolved by the field it is read from. */
export interface IndirectCall {
  field: string;
  defs: FnId[];
  /** The call as the targets see it (a paravirt call macro drops its field argument). */
  call: Extract<Expr, { k: 'call' }>;
}

/**
 * Targets of `ops->field(…)` or of a model like `PVOP_VCALL2(mmu.field, …)`: the functions bound
 * to a field of that name, narrowed to those bound to that field of the receiver's struct when
 * `receiverStruct` tells it. Null when unbound, or bound to more than `maxTargets`.
 */
export function resolveIndirect(
  program: Program, from: FunctionFacts, call: Extract<Expr, { k: 'call' }>, fieldArg: number | null, maxTargets: number,
  receiverStruct: (receiver: Expr) => string | null = () => null,
): IndirectCall | null {
  const via = fieldArg === null ? call.callee : call.args[fieldArg];
  const field = fieldOf(via);
  const defs = field ? fieldTargets(program, from, field, maxTargets, via?.k === 'field' ? receiverStruct(via.base) : null) : null;
  if (!field || !defs) return null;
  const shifted = fieldArg === null ? call : { ...call, args: call.args.slice(fieldArg + 1) };
  return { field, defs, call: shifted };
}

/**
 * Functions bound to fields named `field`, or only to that field of struct `receiver` when given;
 * null when none is, or more than `maxTargets` by name (the call graph orders summaries by name
 * alone, so a receiver's struct narrows its targets and never adds to them).
 */
export function fieldTargets(program: Program, from: FunctionFacts, field: string, maxTargets: number, receiver: string | null = null): FnId[] | null {
  const targets = program.fieldBindings.get(field) ?? [];
  if (targets.length === 0 || targets.length + (program.unfollowedBindings.get(field)?.length ?? 0) > maxTargets) return null;
  return targets.filter((t) => receiver === null || boundInto(program, field, t, receiver)).flatMap((t) => {
    const [scope] = scopesOf(t);
    if (scope === undefined) return resolveGlobal(program, t, from.file);
    // A static function bound in its file is that file's, never a namesake elsewhere. It is
    // followed from its own file only: where the receiver's struct is not known, every
    // `->setattr()` reaching every filesystem's static one would join locks of unrelated
    // filesystems into one path.
    return scope === from.file ? program.fileStatics.get(scope)?.get(plainName(t)) ?? [] : [];
  });
}

/** Whether `fn` is bound to `field` of `struct`, or by a binding that does not say of which struct. */
function boundInto(program: Program, field: string, fn: string, struct: string): boolean {
  const owners = program.bindingOwners.get(bindingKey(field, fn));
  return !owners || owners.includes('') || owners.includes(struct);
}

/** Key of the struct behind a type named in code of `file`, following typedefs (`spinlock_t` → `spinlock`). */
export function structName(program: Program, type: TypeRef | undefined, file: string): string | null {
  let name = type?.name ?? '';
  for (let hops = 0; hops < 8 && name; hops++) {
    const struct = resolveName(program.structs, name, file);
    if (struct) return struct;
    const next = lookupScoped(program.typedefs, name, file);
    if (!next || next.name === name) break;
    name = next.name;
  }
  return null;
}

export function getOrInit<K, V>(map: Map<K, V>, key: K, init: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = init();
    map.set(key, v);
  }
  return v;
}

// ---------------------------------------------------------------- IR walking

/** Visits every expression in statements, sub-expressions included, in source order. */
export function forEachExpr(stmts: Stmt[], visit: (e: Expr) => void): void {
  for (const s of stmts) forEachExprInStmt(s, visit);
}

function forEachExprInStmt(s: Stmt, visit: (e: Expr) => void): void {
  switch (s.k) {
    case 'expr': walkExpr(s.e, visit); break;
    case 'decl': if (s.init) walkExpr(s.init, visit); break;
    case 'block': forEachExpr(s.body, visit); break;
    case 'if': walkExpr(s.cond, visit); forEachExpr(s.then, visit); forEachExpr(s.else, visit); break;
    case 'pp': forEachExpr(s.then, visit); forEachExpr(s.else, visit); break;
    case 'loop':
      if (s.init) walkExpr(s.init, visit);
      if (s.test) walkExpr(s.test, visit);
      if (s.update) walkExpr(s.update, visit);
      forEachExpr(s.body, visit);
      break;
    case 'switch':
      walkExpr(s.value, visit);
      for (const c of s.cases) { if (c.label) walkExpr(c.label, visit); forEachExpr(c.body, visit); }
      break;
    case 'return': if (s.value) walkExpr(s.value, visit); break;
    default: break;
  }
}

export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  forEachChildExpr(e, walkExpr, visit);
  if (e.k === 'stmt') forEachExpr(e.body, visit);
}

/**
 * Visits the operands of an expression, passing `arg` along: no list and no closure is made
 * per node, as walks over a whole kernel visit billions.
 */
export function forEachChildExpr<A>(e: Expr, visit: (child: Expr, arg: A) => void, arg: A): void {
  switch (e.k) {
    case 'field': visit(e.base, arg); break;
    case 'addr': case 'deref': case 'not': case 'unary': case 'cast': visit(e.arg, arg); break;
    case 'index': visit(e.base, arg); visit(e.index, arg); break;
    case 'call': visit(e.callee, arg); for (const a of e.args) visit(a, arg); break;
    case 'assign': case 'logic': case 'bin': visit(e.left, arg); visit(e.right, arg); break;
    case 'cond': visit(e.test, arg); visit(e.then, arg); visit(e.else, arg); break;
    case 'seq': for (const item of e.items) visit(item, arg); break;
    default: break;
  }
}

/** Every statement in a body, nested blocks and statement expressions (`({ … })`) included. */
export function forEachStmt(stmts: Stmt[], visit: (s: Stmt) => void): void {
  const inExpr = (e: Expr | null | undefined): void => { if (e) forEachStmtExpr(e, (b) => forEachStmt(b, visit)); };
  for (const s of stmts) {
    visit(s);
    switch (s.k) {
      case 'decl': inExpr(s.init); break;
      case 'expr': inExpr(s.e); break;
      case 'block': forEachStmt(s.body, visit); break;
      case 'if': inExpr(s.cond); forEachStmt(s.then, visit); forEachStmt(s.else, visit); break;
      case 'pp': forEachStmt(s.then, visit); forEachStmt(s.else, visit); break;
      case 'loop': inExpr(s.init); inExpr(s.test); inExpr(s.update); forEachStmt(s.body, visit); break;
      case 'switch': inExpr(s.value); for (const c of s.cases) { inExpr(c.label); forEachStmt(c.body, visit); } break;
      case 'return': inExpr(s.value); break;
      default: break;
    }
  }
}

/** Every declaration in a body, nested blocks and statement expressions included. */
export function forEachDecl(stmts: Stmt[], visit: (d: Extract<Stmt, { k: 'decl' }>) => void): void {
  forEachStmt(stmts, (s) => { if (s.k === 'decl') visit(s); });
}

/** The names a body declares as locals, in any block. */
export function declaredNames(stmts: Stmt[]): Set<string> {
  const out = new Set<string>();
  forEachDecl(stmts, (d) => out.add(d.name));
  return out;
}

function forEachStmtExpr(e: Expr, visit: (body: Stmt[]) => void): void {
  if (e.k === 'stmt') { visit(e.body); return; }
  forEachChildExpr(e, forEachStmtExpr, visit);
}

type Assignment = { op: string; value: Expr };
const assignmentsByBody = new WeakMap<Stmt[], Map<string, Assignment[]>>();

/** Every value given to local `name` (initialiser, `=`, `|=`, …), nested blocks included. */
export function assignmentsTo(stmts: Stmt[], name: string): readonly Assignment[] {
  let byName = assignmentsByBody.get(stmts);
  if (!byName) {
    // One walk per body, whatever the number of names asked: conditions ask for each local they test.
    const found = new Map<string, Assignment[]>();
    forEachDecl(stmts, (d) => { if (d.init) getOrInit(found, d.name, () => []).push({ op: '=', value: d.init }); });
    forEachExpr(stmts, (e) => { if (e.k === 'assign' && e.left.k === 'id') getOrInit(found, e.left.name, () => []).push({ op: e.op, value: e.right }); });
    assignmentsByBody.set(stmts, (byName = found));
  }
  return byName.get(name) ?? [];
}

/** Every `return` statement of a body. */
export function forEachReturn(stmts: Stmt[], visit: (r: Extract<Stmt, { k: 'return' }>) => void): void {
  for (const s of stmts) {
    switch (s.k) {
      case 'return': visit(s); break;
      case 'block': forEachReturn(s.body, visit); break;
      case 'if': case 'pp': forEachReturn(s.then, visit); forEachReturn(s.else, visit); break;
      case 'loop': forEachReturn(s.body, visit); break;
      case 'switch': for (const c of s.cases) forEachReturn(c.body, visit); break;
      default: break;
    }
  }
}

export function calleeName(e: Extract<Expr, { k: 'call' }>): string | null {
  return e.callee.k === 'id' ? e.callee.name : null;
}

const variablesByBody = new WeakMap<Stmt[], Set<string>>();

/** A function's parameters and the locals its body declares, in any block (one walk per body). */
export function variablesOf(fn: { params: readonly { name: string }[]; body: Stmt[] }): ReadonlySet<string> {
  let variables = variablesByBody.get(fn.body);
  if (!variables) {
    variables = declaredNames(fn.body);
    for (const p of fn.params) variables.add(p.name);
    variablesByBody.set(fn.body, variables);
  }
  return variables;
}

/**
 * The function a call names, or null when a parameter or local of the caller has that name: in
 * `__walk_groups(up_f up, …)`, `up(group)` calls a pointer, not the semaphore's `up()`.
 */
export function directCallee(e: Extract<Expr, { k: 'call' }>, caller: { params: readonly { name: string }[]; body: Stmt[] }): string | null {
  const name = calleeName(e);
  return name === null || variablesOf(caller).has(name) ? null : name;
}
