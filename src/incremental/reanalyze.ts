// Analysing a patched tree again from its baseline: only the functions whose bodies changed
// (or that the patch adds; the callers of names it adds or removes re-resolve their calls), and
// their callers as long as a summary changes (early cutoff). Anything a patch changes that other
// functions read beyond summaries (declarations, macros, signatures, bindings, lock pointers a
// function returns or stores) is not followed: the caller then analyses the whole tree.
import { type LoadedFile, functionIndex, mayStoreThrough } from '../facts/outline.js';
import type { Expr, FunctionFacts, Stmt } from '../facts/types.js';
import { EdgeCollector } from '../deadlock/graph.js';
import { type FieldStore, type LockInitIndex, type LockInitSite, LockIdentity, lockInitSites } from '../program/lock-identity.js';
import { type FnId, type Program, argumentKeyedReclasses, calleeName, forEachDecl, forEachExpr, forEachReturn, getOrInit, indexFunctions, walkExpr } from '../program/program.js';
import { plainName } from '../program/scope.js';
import { entryContexts, irqsOffEntries, registrationsIn } from '../program/contexts.js';
import { runFunctions, runSiteDirectories } from '../program/waits.js';
import { RunReach } from '../program/run-reach.js';
import { keySitesIn } from '../program/lockdep-keys.js';
import { closedFunctionsIn } from '../program/must-hold.js';
import type { CallHolds } from '../summaries/analyze-function.js';
import type { Summary } from '../summaries/domain.js';
import { type ProgramAnalysis, analysisContext } from '../analysis/program-analysis.js';
import type { ScanOptions } from '../analysis/tree.js';
import { calleesOf, stronglyConnectedComponents, summarizeComponent } from '../summaries/bottom-up.js';
import { type WriterIndex, replaceWriters } from '../patch/rcu-review.js';
import type { Baseline } from './baseline.js';
import { SummaryOverlay } from './summary-overlay.js';
import { commandParams, macroIn } from '../summaries/macro-commands.js';

export type Reanalysis =
  | { analysis: ProgramAnalysis; writers: WriterIndex; changed: number; added: number; removed: number; reanalysed: number }
  | { fallback: string };

/** What a patch does to the functions of the files it touches. */
interface Plan {
  /** Per touched file, its functions after the patch (those `#if` conditions keep), in order, each with the baseline function it pairs with. */
  files: Map<string, { next: FunctionFacts; old: FnId | null }[]>;
  /** Functions of the baseline whose bodies (or positions) the patch changes: old id → after. */
  changed: Map<FnId, FunctionFacts>;
  /** Baseline functions the patch removes, and functions it adds. */
  removed: Set<FnId>;
  added: Set<FunctionFacts>;
  /** Baseline functions that call a name the patch defines anew or removes: their calls resolve differently. */
  callersOfNames: Set<FnId>;
  /** Functions move to other places in their file: ids follow file order. */
  reordered: boolean;
}

/**
 * The baseline's analysis updated for `patched` (path → its facts after the patch, null when
 * the patch deletes it). Takes the baseline over unless it answers with a fallback.
 */
export function reanalyze(base: Baseline, patched: ReadonlyMap<string, LoadedFile | null>, opts: ScanOptions): Reanalysis {
  const a = base.analysis;
  const plan = planChanges(base, patched);
  if ('fallback' in plan) return plan;
  const contextsBefore = entryContexts(a.program, a.callGraph, a.registrations);
  const irqsOffBefore = irqsOffEntries(a.program, a.callGraph, a.registrations);
  const runsBefore = runFunctions(a.program, a.identity, a.registrations);
  const sitesBefore = sitesByFunction(runSiteDirectories(a.program, a.identity, a.registrations));
  const membersBefore = runMembers(new RunReach(a.callGraph, runsBefore, new Set()), a.askedRuns);
  // The store index as the baseline has it, before any body is replaced.
  const stores = a.identity.allFieldStores();
  const inits = a.identity.lockInitIndex();
  const newOf = plan.removed.size + plan.added.size > 0 || plan.reordered ? renumber(a, plan, stores, inits) : null;
  const id = (old: FnId): FnId => (newOf ? newOf[old] ?? -1 : old);
  const contextsBeforeByNewId = new Map([...contextsBefore].map(([old, c]) => [id(old), c]));
  const irqsOffBeforeByNewId = new Set([...irqsOffBefore.keys()].map(id));
  const runsBeforeByNewId = new Map([...runsBefore].map(([old, runs]) => [id(old), runs.join('\n')]));
  const sitesBeforeByNewId = new Map([...sitesBefore].map(([old, sites]) => [id(old), sites]));
  const membersBeforeByNewId = new Map([...membersBefore].map(([old, places]) => [id(old), places]));
  for (const [old, next] of plan.changed) a.program.functions[id(old)] = next;
  for (const [file, after] of patched) if (after) a.fileErrors.set(file, after.errorNodes);
  const added = a.program.functions.flatMap((fn, i) => (plan.added.has(fn) ? [i] : []));
  const redo = [...new Set([...[...plan.changed.keys(), ...plan.callersOfNames].map(id).filter((i) => i >= 0), ...added])].sort((x, y) => x - y);
  // Registrations and lock initialisations of the functions the patch rewrites come from their new bodies.
  const rewritten = new Set([...[...plan.changed.keys()].map(id).filter((i) => i >= 0), ...added]);
  // Memos of the old bodies must not answer for the new ones.
  a.identity = new LockIdentity(a.program, stores, replaceLockInits(a.program, inits, rewritten), a.identity.placeReads);
  replaceStores(a.identity, stores, redo);
  for (const fn of redo) a.callGraph[fn] = calleesOf(a.program, fn, opts.maxIndirectTargets ?? 8);
  const renumbered = <T extends { by: FnId }>(list: T[], fresh: T[]): T[] => [
    ...list.flatMap((r) => (plan.changed.has(r.by) || id(r.by) < 0 ? [] : [{ ...r, by: id(r.by) }])), ...fresh,
  ].sort((x, y) => x.by - y.by);
  a.registrations = renumbered(a.registrations, registrationsIn(a.program, rewritten));
  const keySites = keySitesIn(a.program, rewritten);
  // Which classes stand for several lockdep classes is asked again once a key site changes.
  if (keySites.length > 0 || a.keySites.some((k) => plan.changed.has(k.by) || id(k.by) < 0)) a.multiKeyed.clear();
  a.keySites = renumbered(a.keySites, keySites);
  // Whether a function is closed depends on its file's text and on the program's bindings, and
  // a patch that changes bindings is analysed whole: only the patched files' functions may change.
  const inPatched = a.program.functions.flatMap((fn, i) => (patched.has(fn.file) ? [i] : []));
  const judged = new Set(inPatched);
  a.closed = new Set([...[...a.closed].filter((fn) => !judged.has(fn)), ...closedFunctionsIn(a.program, inPatched)]);
  // An entry point the patch now calls (or no longer calls) runs in other contexts than before.
  const contextsAfter = entryContexts(a.program, a.callGraph, a.registrations);
  const irqsOffAfter = irqsOffEntries(a.program, a.callGraph, a.registrations);
  const runsAfter = runFunctions(a.program, a.identity, a.registrations);
  const sitesAfter = sitesByFunction(runSiteDirectories(a.program, a.identity, a.registrations));
  // A call the patch adds or drops may put a function on a thread, or take it off (program/run-reach.ts).
  const membersAfter = runMembers(new RunReach(a.callGraph, runsAfter, new Set()), a.askedRuns);
  const recontexted = a.program.functions.flatMap((_, fn) => (contextsAfter.get(fn) !== contextsBeforeByNewId.get(fn)
    || irqsOffAfter.has(fn) !== irqsOffBeforeByNewId.has(fn)
    || runsAfter.get(fn)?.join('\n') !== runsBeforeByNewId.get(fn)
    || sitesAfter.get(fn) !== sitesBeforeByNewId.get(fn)
    || membersAfter.get(fn) !== membersBeforeByNewId.get(fn) ? [fn] : []));
  const reanalysed = summarizeAgain(a, [...new Set([...redo, ...recontexted])].sort((x, y) => x - y), opts);
  const writers = replaceWriters(base.writers, new Set(patched.keys()), [...plan.files.values()].flat().map((f) => f.next));
  return { analysis: a, writers, changed: plan.changed.size, added: plan.added.size, removed: plan.removed.size, reanalysed };
}

/** Per function registered to run items keyed by site, where (joined): the directories its run edges name. */
function sitesByFunction(sites: ReadonlyMap<string, ReadonlyMap<FnId, readonly string[]>>): Map<FnId, string> {
  const out = new Map<FnId, string[]>();
  for (const [run, byFunction] of [...sites].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    for (const [fn, dirs] of byFunction) getOrInit(out, fn, () => []).push(`${run}\t${dirs.join('\t')}`);
  }
  return new Map([...out].map(([fn, lines]) => [fn, lines.join('\n')]));
}

/** Per function any of `runs` reaches, those runs and the runs it is only entered as (joined): what its summary's run tests read. */
function runMembers(reach: RunReach, runs: ReadonlySet<string>): Map<FnId, string> {
  const out = new Map<FnId, string[]>();
  for (const run of [...runs].sort()) {
    for (const fn of reach.runningOn(run) ?? []) getOrInit(out, fn, () => []).push(run, `entered only as ${reach.enteredOnlyAs(fn).join(' ')}`);
  }
  return new Map([...out].map(([fn, on]) => [fn, on.join('\n')]));
}

/** What the patch changes, or why only a whole analysis can tell. */
function planChanges(base: Baseline, patched: ReadonlyMap<string, LoadedFile | null>): Plan | { fallback: string } {
  const a = base.analysis;
  const idsOf = functionsByFile(a.program.functions);
  const plan: Plan = { files: new Map(), changed: new Map(), removed: new Set(), added: new Set(), callersOfNames: new Set(), reordered: false };
  const names = new Set<string>();
  const paired: { oldId: FnId; prev: FunctionFacts; next: FunctionFacts }[] = [];
  for (const [file, after] of patched) {
    const before = base.factsOf(file);
    if (!before || !after) return { fallback: `${file}: the patch adds or deletes an analysed file` };
    if (declarationsOf(before) !== declarationsOf(after)) return { fallback: `${file}: the patch changes declarations, macros or ops bindings` };
    if (!a.conditions.knows(after.macroRefs)) return { fallback: `${file}: the patch mentions macro constants the baseline did not evaluate` };
    if (after.definedRefs.some((n) => !before.definedRefs.includes(n))) return { fallback: `${file}: the patch tests whether a macro is defined that it did not` };
    const now = after.functions.filter((f) => a.conditions.allowed(f.conditions, file));
    const old = idsOf.get(file) ?? [];
    const match = matchFunctions(old.map((i) => a.program.functions[i] as FunctionFacts), now);
    plan.files.set(file, now.map((next, i) => {
      const j = match.get(i);
      return { next, old: j === undefined ? null : old[j] as FnId };
    }));
    for (const { next, old: oldId } of plan.files.get(file) ?? []) {
      if (oldId === null) { plan.added.add(next); names.add(next.name); continue; }
      paired.push({ oldId, prev: a.program.functions[oldId] as FunctionFacts, next });
    }
    const order = [...match.values()];
    if (order.some((j, k) => k > 0 && j < (order[k - 1] as number))) plan.reordered = true;
    const matched = new Set(order);
    old.forEach((oldId, j) => { if (!matched.has(j)) { plan.removed.add(oldId); names.add(a.program.functions[oldId]?.name ?? ''); } });
  }
  // Linking binds `x->f = name` for a name some function has: before the patch, or added by it.
  const functionNames = new Set([...a.program.globalDefs.keys(), ...[...plan.added].map((f) => f.name)]);
  for (const { oldId, prev, next } of paired) {
    if (signatureOf(prev, functionNames) !== signatureOf(next, functionNames)) return { fallback: `${next.name}: the patch changes its signature, the function pointers it assigns or the locks it initialises or re-keys` };
    if (sameFunction(prev, next)) continue;
    const viewChanged = identityView(prev) !== identityView(next);
    if (viewChanged && (base.consulted.has(oldId) || storesIntoFields(prev) || storesIntoFields(next))) {
      return { fallback: `${next.name}: the patch changes lock pointers it returns or stores` };
    }
    if (viewChanged && (readByPlaceAnswers(a, prev) || readByPlaceAnswers(a, next))) {
      return { fallback: `${next.name}: the patch changes what a field holds at a place other functions read` };
    }
    // Its callers ran its body as their own (summaries/macro-commands.ts), not its summary.
    if (isWrittenOut(a.program, oldId, prev, base) && bodyText(prev) !== bodyText(next)) return { fallback: `${next.name}: a macro its callers write out in place` };
    plan.changed.set(oldId, next);
  }
  return namesResolveAgain(base, plan, names, functionNames);
}

/** Callers of the names the patch adds or removes are analysed again, unless more than calls read those names. */
function namesResolveAgain(base: Baseline, plan: Plan, names: Set<string>, functionNames: ReadonlySet<string>): Plan | { fallback: string } {
  const a = base.analysis;
  for (const id of plan.removed) {
    const fn = a.program.functions[id] as FunctionFacts;
    if (base.consulted.has(id)) return { fallback: `${fn.name}: other functions read the lock pointers of a function the patch removes` };
  }
  const gone = [...plan.removed].map((id) => a.program.functions[id] as FunctionFacts);
  for (const fn of [...plan.added, ...gone]) {
    if (assignedFunctions(fn.body, functionNames).length > 0) return { fallback: `${fn.name}: a function the patch adds or removes binds function pointers` };
    if (storesIntoFields(fn)) return { fallback: `${fn.name}: a function the patch adds or removes stores into struct fields` };
    if (readByPlaceAnswers(a, fn)) return { fallback: `${fn.name}: a function the patch adds or removes sets a field at a place other functions read` };
    if (functionIndex(fn).keyedInits || functionIndex(fn).lockInits) return { fallback: `${fn.name}: a function the patch adds or removes gives lockdep keys per call site` };
  }
  for (const name of names) {
    const why = nameReadBeyondCalls(a, name) ?? (base.callersOf(`&${name}`).length > 0 ? 'a function pointer is assigned this name' : null);
    if (why) return { fallback: `${name}: ${why}` };
    for (const caller of base.callersOf(name)) {
      // Its lock-identity answers for other functions may change with what its calls reach.
      if (base.consulted.has(caller)) return { fallback: `${name}: a caller's lock pointers are read by other functions` };
      const bodies = [a.program.functions[caller], plan.changed.get(caller)].filter((f): f is FunctionFacts => f !== undefined);
      if (bodies.some((f) => storesThroughCallTo(f, name))) return { fallback: `${name}: a caller stores into a struct field through this call` };
      if (!plan.removed.has(caller)) plan.callersOfNames.add(caller);
    }
  }
  return plan;
}

/** `x->f = …name(…)…` or `name(…, &x->f, …)`: a field store whose value depends on what `name` is. */
function storesThroughCallTo(fn: FunctionFacts, name: string): boolean {
  const calls = (e: Expr): boolean => {
    let found = false;
    walkExpr(e, (x) => { if (x.k === 'call' && calleeName(x) === name) found = true; });
    return found;
  };
  let found = false;
  forEachExpr(fn.body, (e) => {
    if (e.k === 'assign' && e.op === '=' && e.left.k === 'field' && calls(e.right)) found = true;
    else if (e.k === 'call' && calleeName(e) === name && e.args.some((x) => x.k === 'addr' && x.arg.k === 'field')) found = true;
  });
  return found;
}

/** Why a function name matters beyond direct calls (ops bindings, aliases, call macros), if it does. */
function nameReadBeyondCalls(a: ProgramAnalysis, name: string): string | null {
  const p = a.program;
  if ([...p.fieldBindings.values()].some((targets) => targets.some((t) => plainName(t) === name))) return 'an ops-struct field is bound to this name';
  if ([...p.aliases.values()].includes(name) || [...p.callMacros.values()].includes(name)) return 'a macro names it';
  return null;
}

/** Pairs each function after the patch (index) with the one before it (index) of the same name and rank among namesakes. */
function matchFunctions(before: FunctionFacts[], after: FunctionFacts[]): Map<number, number> {
  const ranked = (list: FunctionFacts[]): string[] => {
    const seen = new Map<string, number>();
    return list.map((f) => {
      const k = `${f.isMacro ? 'm' : 'f'}:${f.name}`;
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      return `${k}#${n}`;
    });
  };
  const oldIndex = new Map(ranked(before).map((k, j) => [k, j]));
  const out = new Map<number, number>();
  ranked(after).forEach((k, i) => { const j = oldIndex.get(k); if (j !== undefined) out.set(i, j); });
  return out;
}

/**
 * Gives functions the ids a whole analysis would (files in path order, functions in file order)
 * and carries every id-keyed table over. Returns old id → new id (-1: removed). Changed
 * functions keep their baseline object here; the caller swaps the new ones in.
 */
function renumber(a: ProgramAnalysis, plan: Plan, stores: Map<string, FieldStore[]>, inits: LockInitIndex): Int32Array {
  const before = a.program.functions;
  const segments = functionsByFile(before);
  const added: FunctionFacts[] = [];
  for (const [file, now] of plan.files) {
    segments.set(file, now.map(({ next, old }) => {
      if (old !== null) return old;
      added.push(next);
      return -added.length - 1; // -2, -3, …: the added function at index -id - 2
    }));
  }
  const order = [...segments.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const oldOf = order.flatMap((file) => segments.get(file) ?? []);
  const newOf = new Int32Array(before.length).fill(-1);
  oldOf.forEach((old, i) => { if (old >= 0) newOf[old] = i; });
  const map = (old: FnId): FnId => newOf[old] ?? -1;
  a.program.functions = oldOf.map((old) => (old >= 0 ? before[old] : added[-old - 2]) as FunctionFacts);
  indexFunctions(a.program);
  a.witnesses.renumberFunctions(map);
  const baseline = a.summaries;
  a.summaries = new SummaryOverlay((fn) => { const old = oldOf[fn] ?? -1; return old >= 0 ? baseline.get(old) : undefined; });
  const collector = new EdgeCollector();
  for (const old of a.collector.functions()) {
    const fn = map(old);
    if (fn >= 0) collector.setOffers(fn, a.collector.offersOf(old).map((o) => ({ cost: o.cost, edge: { ...o.edge, fn } })));
  }
  a.collector = collector;
  a.callGraph = oldOf.map((old) => (old >= 0 ? (a.callGraph[old] ?? []).map(map).filter((c) => c >= 0) : []));
  a.functionStats = new Map([...a.functionStats].flatMap(([old, st]) => (map(old) >= 0 ? [[map(old), st] as const] : [])));
  a.callHolds = new Map([...a.callHolds].flatMap(([old, holds]): [FnId, CallHolds][] => (map(old) >= 0
    ? [[map(old), holds.flatMap(([callee, held]): CallHolds => (map(callee) >= 0 ? [[map(callee), held]] : [])).sort(([x], [y]) => x - y)]]
    : [])));
  a.signals = new Map([...a.signals].flatMap(([old, sites]) => (map(old) >= 0 ? [[map(old), sites] as const] : [])));
  a.closed = renumberedSet(a.closed, map);
  a.requiring = renumberedSet(a.requiring, map);
  a.failed = new Map([...a.failed].flatMap(([old, problem]) => (map(old) >= 0 ? [[map(old), problem] as const] : [])));
  for (const [key, list] of stores) stores.set(key, list.flatMap((st) => (map(st.fn) >= 0 ? [{ ...st, fn: map(st.fn) }] : [])));
  for (const [name, list] of inits.byName) inits.byName.set(name, list.flatMap((site) => (map(site.by) >= 0 ? [{ ...site, by: map(site.by) }] : [])));
  return newOf;
}

/**
 * The lock initialisations with the rewritten functions' from their new bodies, in function
 * order. The per-place answers stand only while the sites are the same ones: a patch that
 * changes a function's initialisations is analysed whole (planChanges()), but one may add a
 * function that initialises a lock.
 */
function replaceLockInits(program: Program, inits: LockInitIndex, rewritten: ReadonlySet<FnId>): LockInitIndex {
  const fresh = lockInitSites(program, [...rewritten].sort((x, y) => x - y));
  const byName = new Map<string, LockInitSite[]>();
  const gone: string[] = [];
  for (const [name, list] of inits.byName) {
    byName.set(name, list.filter((site) => {
      if (!rewritten.has(site.by)) return true;
      gone.push(siteKey(name, site));
      return false;
    }));
  }
  const come: string[] = [];
  for (const [name, sites] of fresh) {
    byName.set(name, [...(byName.get(name) ?? []), ...sites].sort((x, y) => x.by - y.by));
    come.push(...sites.map((site) => siteKey(name, site)));
  }
  const same = gone.length === come.length && gone.sort().join('\n') === come.sort().join('\n');
  return { byName, places: same ? inits.places : new Map() };
}

const siteKey = (name: string, site: LockInitSite): string => `${name}\u0000${site.by}\u0000${JSON.stringify(site.arg)}`;

/** Components in callee-first order, again only when a member changed or a callee's summary did. */
function summarizeAgain(a: ProgramAnalysis, changed: FnId[], opts: ScanOptions): number {
  const ctx = analysisContext(a, opts);
  const callers = reverse(a.callGraph);
  const dirty = new Set(changed);
  let reanalysed = 0;
  for (const component of stronglyConnectedComponents(a.callGraph)) {
    if (!component.some((fn) => dirty.has(fn))) continue;
    const before = new Map(component.map((fn) => [fn, summaryText(a.summaries.get(fn))]));
    for (const fn of component) {
      a.collector.setOffers(fn, []);
      a.functionStats.delete(fn);
      a.failed.delete(fn);
    }
    summarizeComponent(ctx, a.callGraph, component);
    reanalysed += component.length;
    for (const fn of component) {
      // Witness ids are in the comparison: a callee whose chain moved lines moves its callers'.
      if (summaryText(a.summaries.get(fn)) !== before.get(fn)) for (const c of callers[fn] ?? []) dirty.add(c);
    }
  }
  return reanalysed;
}

/**
 * A summary as text with every object's keys sorted: one read back from an image and one just
 * computed are the same summary whatever order their guard tests' keys were built in.
 */
function summaryText(summary: Summary | undefined): string {
  return JSON.stringify(summary ?? null, (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
    : value));
}

function renumberedSet(ids: ReadonlySet<FnId>, map: (old: FnId) => FnId): Set<FnId> {
  return new Set([...ids].map(map).filter((fn) => fn >= 0));
}

function reverse(graph: FnId[][]): FnId[][] {
  const out: FnId[][] = graph.map(() => []);
  graph.forEach((callees, fn) => { for (const c of callees) out[c]?.push(fn); });
  return out;
}

function functionsByFile(functions: FunctionFacts[]): Map<string, FnId[]> {
  const out = new Map<string, FnId[]>();
  functions.forEach((fn, id) => getOrInit(out, fn.file, () => []).push(id));
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

/** What a file declares besides its functions: structs, types, globals, macros, guard classes, ops bindings. */
function declarationsOf(f: LoadedFile): string {
  return JSON.stringify({
    structs: f.structs, typedefs: f.typedefs, globals: f.globals, staticGlobals: f.staticGlobals, declaredRuns: f.declaredRuns ?? [], macros: f.macros,
    guards: f.guards.map(({ line: _line, ...g }) => g),
    bindings: f.bindings.map((b) => [b.field, b.fn, b.struct ?? '', b.via ?? []]),
  });
}

/** What callers and linking read of a function: all but its body and position. */
function signatureOf(fn: FunctionFacts, functionNames: ReadonlySet<string>): string {
  return JSON.stringify([fn.name, fn.isStatic, fn.conditions, fn.params, fn.returnType, fn.isMacro, assignedFunctions(fn.body, functionNames), functionIndex(fn).keyedInits ?? [], functionIndex(fn).lockInits ?? [], argumentKeyedReclasses(fn.body, new Set(fn.params.map((p) => p.name)))]);
}

/** `x->field = name` with `name` a function: what linking reads from a body as a function-pointer binding. */
function assignedFunctions(body: Stmt[], functionNames: ReadonlySet<string>): string[] {
  const out: string[] = [];
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.left.k === 'field' && e.right.k === 'id' && functionNames.has(e.right.name)) out.push(`${e.left.field}=${e.right.name}`);
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

/** A command-running macro whose body other functions read: they may have written it out in place. */
function isWrittenOut(program: Program, id: FnId, fn: FunctionFacts, base: Baseline): boolean {
  return fn.isMacro && base.consulted.has(id) && commandParams(fn, macroIn(program)).size > 0;
}

/** A body as what it does, wherever it is: an expansion runs at its call's position. */
function bodyText(fn: FunctionFacts): string {
  return JSON.stringify(fn.body, (key, value: unknown) => (key === 'pos' ? undefined : value));
}

/** Lock identity never follows `&x` into a modelled call (`spin_lock(&x->lock)` stores nothing). */
function isModelled(call: Extract<Expr, { k: 'call' }>): boolean {
  const name = calleeName(call);
  return name !== null && !mayStoreThrough(name);
}

function sameFunction(a: FunctionFacts, b: FunctionFacts): boolean {
  return a.line === b.line && a.errors === b.errors && !functionIndex(a).addressTaken === !functionIndex(b).addressTaken && JSON.stringify(a.body) === JSON.stringify(b.body);
}

/** Whether a body stores into a field, or calls an initialiser, whose values at a place other functions read (`LockIdentity.placeReads`). */
function readByPlaceAnswers(a: ProgramAnalysis, fn: FunctionFacts): boolean {
  const { fields, initialisers } = a.identity.placeReads;
  const index = functionIndex(fn);
  return (index.storedFields ?? []).some((f) => fields.has(f)) || index.calls.some((c) => initialisers.has(c));
}

/** Whether a body may store a lock pointer into a struct field (which other functions then read). */
function storesIntoFields(fn: FunctionFacts): boolean {
  let found = false;
  forEachExpr(fn.body, (e) => {
    if (e.k === 'assign' && e.op === '=' && e.left.k === 'field' && !isConstant(e.right)) found = true;
    else if (e.k === 'call' && !isModelled(e) && e.args.some((x) => x.k === 'addr' && x.arg.k === 'field')) found = true;
  });
  return found;
}

/** A number, an all-caps macro constant, or arithmetic on them: never a lock's address. */
function isConstant(e: Expr): boolean {
  switch (e.k) {
    case 'num': return true;
    case 'id': return /^[A-Z0-9_]+$/.test(e.name) || e.name === 'true' || e.name === 'false';
    case 'cast': case 'not': case 'unary': return isConstant(e.arg);
    case 'bin': return isConstant(e.left) && isConstant(e.right);
    default: return false;
  }
}
