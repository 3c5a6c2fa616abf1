// Linking per-file facts into one program: symbol tables, types, function-pointer bindings.
import type { Expr, FileFacts, FunctionFacts, GuardDefinition, Stmt, TypeRef } from '../facts/types.js';
import type { Kconfig } from '../source/kconfig.js';
import { ConditionEvaluator } from './conditions.js';

export type FnId = number;

export interface Program {
  functions: FunctionFacts[];
  /** Non-static functions, static functions of headers, and macros, by name. */
  globalDefs: Map<string, FnId[]>;
  /** Static functions of `.c` files: file → name → ids. */
  fileStatics: Map<string, Map<string, FnId[]>>;
  structs: Map<string, Record<string, TypeRef>>;
  typedefs: Map<string, TypeRef>;
  globals: Map<string, TypeRef>;
  /** Field name → functions assigned to it in an initialiser or an assignment. */
  fieldBindings: Map<string, string[]>;
  /** `#define X Y` with Y an identifier: calls to X reach Y. */
  aliases: Map<string, string>;
  /** `#define current get_current()`: an identifier that is a call, for its type. */
  callMacros: Map<string, string>;
  /** Scope-based lock classes the code defines (`DEFINE_LOCK_GUARD_1(rq_lock, …)`), by name; the first kept. */
  guards: Map<string, GuardDefinition>;
}

/**
 * Object-like macro values across all files, keeping the definitions whose `#if` conditions may
 * hold under `conditions` (judged on CONFIG_ tests alone); a name defined differently keeps all.
 */
export function collectObjectMacros(files: FileFacts[], config: Kconfig | null): Map<string, string[]> {
  const names = new Set(files.flatMap((f) => f.objectMacros.map((m) => m.name)));
  const conditions = new ConditionEvaluator(config, new Map(), names);
  const out = new Map<string, string[]>();
  for (const f of files) {
    for (const m of f.objectMacros) {
      if (!conditions.allowed(m.conditions)) continue;
      const list = getOrInit(out, m.name, () => []);
      if (!list.includes(m.value)) list.push(m.value);
    }
  }
  return out;
}

/** Links facts; definitions whose `#if` conditions are false under `conditions` are left out. */
export function linkProgram(files: FileFacts[], conditions: ConditionEvaluator = new ConditionEvaluator(null)): Program {
  const program: Program = {
    functions: [], globalDefs: new Map(), fileStatics: new Map(), structs: new Map(),
    typedefs: new Map(), globals: new Map(), fieldBindings: new Map(), aliases: new Map(), callMacros: new Map(), guards: new Map(),
  };
  // Sorted input makes ids, and so every later tie-break, independent of read order.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    for (const fn of file.functions) if (conditions.allowed(fn.conditions)) program.functions.push(fn);
    for (const s of file.structs) {
      const fields = getOrInit(program.structs, s.name, () => ({}));
      Object.assign(fields, s.fields);
    }
    for (const [k, v] of Object.entries(file.typedefs)) program.typedefs.set(k, v);
    for (const [k, v] of Object.entries(file.globals)) if (!program.globals.has(k)) program.globals.set(k, v);
    for (const { name, value, conditions: conds } of file.objectMacros) {
      if (!conditions.allowed(conds)) continue;
      if (/^[A-Za-z_]\w*$/.test(value)) program.aliases.set(name, value);
      const call = /^\(?\s*([A-Za-z_]\w*)\s*\(\s*\)\s*\)?$/.exec(value);
      if (call) program.callMacros.set(name, call[1] as string);
    }
    for (const b of file.bindings) addBinding(program, b.field, b.fn);
    for (const g of file.guards) if (!program.guards.has(g.name) && conditions.allowed(g.conditions)) program.guards.set(g.name, g);
  }
  indexFunctions(program);
  for (const fn of program.functions) collectAssignedFunctionPointers(program, fn.body);
  return program;
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

function addBinding(program: Program, field: string, fn: string): void {
  const list = getOrInit(program.fieldBindings, field, () => []);
  if (!list.includes(fn)) list.push(fn);
}

/** `x->field = some_function;` binds the field like an initialiser does. */
function collectAssignedFunctionPointers(program: Program, body: Stmt[]): void {
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field' && e.right.k === 'id' && program.globalDefs.has(e.right.name)) {
      addBinding(program, e.left.field, e.right.name);
    }
  });
}

/** Definitions a call from `from` to `name` may reach: file statics first, then globals, then aliases. */
export function resolveCallee(program: Program, from: FunctionFacts, name: string): FnId[] {
  const local = program.fileStatics.get(from.file)?.get(name);
  if (local) return local;
  const global = program.globalDefs.get(name);
  if (global) return global;
  const alias = program.aliases.get(name);
  return alias && alias !== name ? program.globalDefs.get(alias) ?? [] : [];
}

/** A call through a function pointer, resolved by the field it is read from. */
export interface IndirectCall {
  field: string;
  defs: FnId[];
  /** The call as the targets see it (a paravirt call macro drops its field argument). */
  call: Extract<Expr, { k: 'call' }>;
}

/**
 * Targets of `ops->field(…)` or of a model like `PVOP_VCALL2(mmu.field, …)`: every function
 * bound to a field of that name. Null when unbound, or bound to more than `maxTargets`.
 */
export function resolveIndirect(program: Program, from: FunctionFacts, call: Extract<Expr, { k: 'call' }>, fieldArg: number | null, maxTargets: number): IndirectCall | null {
  const via = fieldArg === null ? call.callee : call.args[fieldArg];
  const field = via?.k === 'field' ? via.field : via?.k === 'id' ? via.name : null;
  if (!field) return null;
  const targets = program.fieldBindings.get(field) ?? [];
  if (targets.length === 0 || targets.length > maxTargets) return null;
  const defs = targets.flatMap((t) => resolveCallee(program, from, t));
  const shifted = fieldArg === null ? call : { ...call, args: call.args.slice(fieldArg + 1) };
  return { field, defs, call: shifted };
}

/** Struct name behind a type, following typedefs (`spinlock_t` → `spinlock`). */
export function structName(program: Program, type: TypeRef | undefined): string | null {
  let name = type?.name ?? '';
  for (let hops = 0; hops < 8 && name; hops++) {
    if (program.structs.has(name)) return name;
    const next = program.typedefs.get(name);
    if (!next || next.name === name) break;
    name = next.name;
  }
  return name && program.structs.has(name) ? name : null;
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
      for (const e of [s.init, s.test, s.update]) if (e) walkExpr(e, visit);
      forEachExpr(s.body, visit);
      break;
    case 'switch': walkExpr(s.value, visit); for (const c of s.cases) forEachExpr(c, visit); break;
    case 'return': if (s.value) walkExpr(s.value, visit); break;
    default: break;
  }
}

export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  for (const child of childExprs(e)) walkExpr(child, visit);
  if (e.k === 'stmt') forEachExpr(e.body, visit);
}

export function childExprs(e: Expr): Expr[] {
  switch (e.k) {
    case 'field': return [e.base];
    case 'addr': case 'deref': case 'not': case 'cast': return [e.arg];
    case 'index': return [e.base, e.index];
    case 'call': return [e.callee, ...e.args];
    case 'assign': case 'logic': case 'bin': return [e.left, e.right];
    case 'cond': return [e.test, e.then, e.else];
    case 'seq': return e.items;
    default: return [];
  }
}

/** Every declaration in a body, nested blocks and statement expressions included. */
export function forEachDecl(stmts: Stmt[], visit: (d: Extract<Stmt, { k: 'decl' }>) => void): void {
  for (const s of stmts) {
    switch (s.k) {
      case 'decl':
        visit(s);
        if (s.init) forEachStmtExpr(s.init, (b) => forEachDecl(b, visit));
        break;
      case 'expr': forEachStmtExpr(s.e, (b) => forEachDecl(b, visit)); break;
      case 'block': forEachDecl(s.body, visit); break;
      case 'if': case 'pp': forEachDecl(s.then, visit); forEachDecl(s.else, visit); break;
      case 'loop': forEachDecl(s.body, visit); break;
      case 'switch': for (const c of s.cases) forEachDecl(c, visit); break;
      case 'return': if (s.value) forEachStmtExpr(s.value, (b) => forEachDecl(b, visit)); break;
      default: break;
    }
  }
}

function forEachStmtExpr(e: Expr, visit: (body: Stmt[]) => void): void {
  if (e.k === 'stmt') { visit(e.body); return; }
  for (const c of childExprs(e)) forEachStmtExpr(c, visit);
}

/** Every value given to local `name` (initialiser, `=`, `|=`, …), nested blocks included. */
export function assignmentsTo(stmts: Stmt[], name: string): { op: string; value: Expr }[] {
  const out: { op: string; value: Expr }[] = [];
  forEachDecl(stmts, (d) => { if (d.name === name && d.init) out.push({ op: '=', value: d.init }); });
  forEachExpr(stmts, (e) => {
    if (e.k === 'assign' && e.left.k === 'id' && e.left.name === name) out.push({ op: e.op, value: e.right });
  });
  return out;
}

/** Every `return` statement of a body. */
export function forEachReturn(stmts: Stmt[], visit: (r: Extract<Stmt, { k: 'return' }>) => void): void {
  for (const s of stmts) {
    switch (s.k) {
      case 'return': visit(s); break;
      case 'block': forEachReturn(s.body, visit); break;
      case 'if': case 'pp': forEachReturn(s.then, visit); forEachReturn(s.else, visit); break;
      case 'loop': forEachReturn(s.body, visit); break;
      case 'switch': for (const c of s.cases) forEachReturn(c, visit); break;
      default: break;
    }
  }
}

export function calleeName(e: Extract<Expr, { k: 'call' }>): string | null {
  return e.callee.k === 'id' ? e.callee.name : null;
}
