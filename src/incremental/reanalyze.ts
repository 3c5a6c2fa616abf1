// Analysing a patched tree again from its baseline: only the functions whose bodies changed,
// and their callers as long as a summary changes (early cutoff). Anything a patch changes that
// other functions read beyond summaries (declarations, macros, bindings, lock pointers a
// function returns or stores) is not followed: the caller then analyses the whole tree.
import type { Expr, FileFacts, FunctionFacts, Stmt } from '../facts/types.js';
import { modelOf } from '../models/kernel-api.js';
import { LockIdentity } from '../program/lock-identity.js';
import { type FnId, calleeName, forEachDecl, forEachExpr, forEachReturn } from '../program/program.js';
import { type ProgramAnalysis, type ScanOptions, analysisContext } from '../scan.js';
import { calleesOf, stronglyConnectedComponents, summarizeComponent } from '../summaries/bottom-up.js';
import { type WriterIndex, replaceWriters } from '../patch/rcu-review.js';
import type { Baseline } from './baseline.js';

export type Reanalysis =
  | { analysis: ProgramAnalysis; writers: WriterIndex; changedFunctions: number; reanalysed: number }
  | { fallback: string };

/**
 * The baseline's analysis updated for `patched` (path → its facts after the patch, null when
 * the patch deletes it). Takes the baseline over unless it answers with a fallback.
 */
export function reanalyze(base: Baseline, patched: ReadonlyMap<string, FileFacts | null>, opts: ScanOptions): Reanalysis {
  const a = base.analysis;
  const replaced = changedFunctions(base, patched);
  if (!(replaced instanceof Map)) return replaced;
  // The store index as the baseline has it, before any body is replaced.
  const stores = a.identity.allFieldStores();
  for (const [id, next] of replaced) a.program.functions[id] = next;
  for (const [file, after] of patched) if (after) a.fileErrors.set(file, after.errorNodes);
  const changed = [...replaced.keys()];
  // Memos of the old bodies must not answer for the new ones.
  a.identity = new LockIdentity(a.program, stores);
  replaceStores(a.identity, stores, changed);
  for (const id of changed) a.callGraph[id] = calleesOf(a.program, id, opts.maxIndirectTargets ?? 8);
  const reanalysed = summarizeAgain(a, changed, opts);
  const writers = replaceWriters(base.writers, new Set(patched.keys()), [...replaced.values()]);
  return { analysis: a, writers, changedFunctions: changed.length, reanalysed };
}

/** The functions whose bodies the patch changes, by id; a fallback when it changes more than bodies. */
function changedFunctions(base: Baseline, patched: ReadonlyMap<string, FileFacts | null>): Map<FnId, FunctionFacts> | { fallback: string } {
  const a = base.analysis;
  const idsOf = functionsByFile(a.program.functions);
  const out = new Map<FnId, FunctionFacts>();
  for (const [file, after] of patched) {
    const before = base.factsOf(file);
    if (!before || !after) return { fallback: `${file}: the patch adds or deletes an analysed file` };
    if (interfaceOf(before) !== interfaceOf(after)) return { fallback: `${file}: the patch changes declarations, macros or function pointers` };
    const ids = idsOf.get(file) ?? [];
    const now = after.functions.filter((f) => a.conditions.allowed(f.conditions));
    if (now.length !== ids.length) return { fallback: `${file}: functions differ` };
    for (const [i, id] of ids.entries()) {
      const old = a.program.functions[id] as FunctionFacts;
      const next = now[i] as FunctionFacts;
      if (sameFunction(old, next)) continue;
      if (identityView(old) !== identityView(next) && (base.consulted.has(id) || storesIntoFields(old) || storesIntoFields(next))) {
        return { fallback: `${next.name}: the patch changes lock pointers it returns or stores` };
      }
      out.set(id, next);
    }
  }
  return out;
}

/** Components in callee-first order, again only when a member changed or a callee's summary did. */
function summarizeAgain(a: ProgramAnalysis, changed: FnId[], opts: ScanOptions): number {
  const ctx = analysisContext(a, opts);
  const callers = reverse(a.callGraph);
  const dirty = new Set(changed);
  let reanalysed = 0;
  for (const component of stronglyConnectedComponents(a.callGraph)) {
    if (!component.some((fn) => dirty.has(fn))) continue;
    const before = new Map(component.map((fn) => [fn, JSON.stringify(a.summaries.get(fn) ?? null)]));
    for (const fn of component) {
      a.collector.setOffers(fn, []);
      a.functionStats.delete(fn);
    }
    summarizeComponent(ctx, a.callGraph, component);
    reanalysed += component.length;
    for (const fn of component) {
      // Witness ids are in the comparison: a callee whose chain moved lines moves its callers'.
      if (JSON.stringify(a.summaries.get(fn) ?? null) !== before.get(fn)) for (const c of callers[fn] ?? []) dirty.add(c);
    }
  }
  return reanalysed;
}

function reverse(graph: FnId[][]): FnId[][] {
  const out: FnId[][] = graph.map(() => []);
  graph.forEach((callees, fn) => { for (const c of callees) out[c]?.push(fn); });
  return out;
}

function functionsByFile(functions: FunctionFacts[]): Map<string, FnId[]> {
  const out = new Map<string, FnId[]>();
  functions.forEach((fn, id) => {
    let ids = out.get(fn.file);
    if (!ids) out.set(fn.file, (ids = []));
    ids.push(id);
  });
  return out;
}

/** The changed functions' field stores replace their old ones, in function order as a whole run has them. */
function replaceStores(identity: LockIdentity, stores: ReturnType<LockIdentity['allFieldStores']>, changed: FnId[]): void {
  const gone = new Set(changed);
  for (const [key, list] of stores) {
    const kept = list.filter((s) => !gone.has(s.fn));
    if (kept.length !== list.length) stores.set(key, kept);
  }
  for (const fn of changed) {
    for (const [key, store] of identity.storesOf(fn)) {
      const list = stores.get(key) ?? [];
      // After the last store of an earlier function: the order a whole run walks functions in.
      let at = list.length;
      while (at > 0 && (list[at - 1]?.fn ?? 0) > fn) at--;
      list.splice(at, 0, store);
      stores.set(key, list);
    }
  }
}

// ---------------------------------------------------------------- what others read of a file

/** Everything of a file other functions' analysis reads, but bodies and positions. */
function interfaceOf(f: FileFacts): string {
  return JSON.stringify({
    functions: f.functions.map((fn) => [fn.name, fn.isStatic, fn.conditions, fn.params, fn.returnType, fn.isMacro, assignedFunctions(fn.body)]),
    structs: f.structs, typedefs: f.typedefs, globals: f.globals, objectMacros: f.objectMacros,
    bindings: f.bindings.map((b) => [b.field, b.fn]),
  });
}

/** `x->field = name`: what linking reads from a body as a function-pointer binding. */
function assignedFunctions(body: Stmt[]): string[] {
  const out: string[] = [];
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field' && e.right.k === 'id') out.push(`${e.left.field}=${e.right.name}`);
  });
  return out;
}

/** What lock identity may read of a body for another function: locals, returns, stores, out-arguments. */
function identityView(fn: FunctionFacts): string {
  const parts: unknown[] = [];
  forEachDecl(fn.body, (d) => parts.push(['decl', d.name, d.type, d.init]));
  forEachExpr(fn.body, (e) => {
    if (e.k === 'assign') parts.push(['assign', e.op, e.left, e.right]);
    else if (e.k === 'call' && !isModelled(e) && e.args.some((x) => x.k === 'addr')) parts.push(['call', e]);
  });
  forEachReturn(fn.body, (r) => parts.push(['return', r.value]));
  // Positions and source text do not change what an expression denotes.
  return JSON.stringify(parts, (key, value: unknown) => (key === 'pos' || key === 'text' ? undefined : value));
}

/** Lock identity never follows `&x` into a modelled call (`spin_lock(&x->lock)` stores nothing). */
function isModelled(call: Extract<Expr, { k: 'call' }>): boolean {
  const name = calleeName(call);
  return name !== null && modelOf(name) !== undefined;
}

function sameFunction(a: FunctionFacts, b: FunctionFacts): boolean {
  return a.line === b.line && a.errors === b.errors && JSON.stringify(a.body) === JSON.stringify(b.body);
}

function storesIntoFields(fn: FunctionFacts): boolean {
  let found = false;
  forEachExpr(fn.body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field') found = true;
    else if (e.k === 'call' && !isModelled(e) && e.args.some((x) => x.k === 'addr' && x.arg.k === 'field')) found = true;
  });
  return found;
}
