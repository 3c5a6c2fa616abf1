// The whole-program analysis, one way: facts → program → summaries → dependency graph → cycles
// → findings → report. `scan` and `check-patch` are two drivers over it.
import { writeFileSync } from 'node:fs';
import { buildDependencyGraph, DEFAULT_MAX_CYCLE_LENGTH, DEFAULT_MAX_CYCLES, EdgeCollector, findCycles } from '../deadlock/graph.js';
import { type FindingContext, findingsFromCycles, findingsFromWaits } from '../deadlock/findings.js';
import { freshFieldsOf, threadFieldsOf } from '../summaries/fresh-fields.js';
import type { DepEdge } from '../deadlock/types.js';
import { type LoadedFile, functionIndex } from '../facts/outline.js';
import type { FunctionFacts } from '../facts/types.js';
import { LockIdentity } from '../program/lock-identity.js';
import { classNamer, plainName, scopedKey } from '../program/scope.js';
import { ConditionEvaluator } from '../program/conditions.js';
import type { DefineScopes } from '../program/define-scopes.js';
import { type FnId, type Program, collectObjectMacros, linkProgram, macroNamesAsked } from '../program/program.js';
import type { GraphEdgeView } from '../report/dot.js';
import type { Problem, Report } from '../report/types.js';
import { RULES } from '../rules/index.js';
import { ipiIrqsOff } from '../rules/ipi-irqs-off.js';
import { sleepInAtomic } from '../rules/sleep-in-atomic.js';
import type { CycleRule } from '../rules/rule.js';
import type { AnalysisContext, AnalysisStats, CallHolds, SignalSite, SummaryStore } from '../summaries/analyze-function.js';
import { closedFunctionsIn, mustHoldAtEntry } from '../program/must-hold.js';
import { buildCallGraph, emptyStats, summarizeProgram, totalStats } from '../summaries/bottom-up.js';
import { CompactSummaries } from '../summaries/store.js';
import { WitnessTable } from '../summaries/witness.js';
import { toolVersion } from '../version.js';
import { type Registration, entryContexts, irqsOffEntries, registrationsIn } from '../program/contexts.js';
import { runFunctions, runSiteDirectories, runsByThreadName } from '../program/waits.js';
import { RunReach } from '../program/run-reach.js';
import { waitOf } from '../resources/waits.js';
import { signalEdges } from '../deadlock/signal-edges.js';
import { type KeySite, keySitesIn, multiKeyed, uncheckedClasses } from '../program/lockdep-keys.js';
import { HARDIRQ, type HeldClass, IPI, QUEUED_WRITER, SLEEP, lockOfKey } from '../summaries/domain.js';
import { isGateKey } from '../models/bit-gates.js';
import type { ScanOptions, Timings } from './tree.js';

/** The whole-program analysis state: what a report is made of, and what check-patch updates. */
export interface ProgramAnalysis {
  program: Program;
  conditions: ConditionEvaluator;
  identity: LockIdentity;
  witnesses: WitnessTable;
  summaries: SummaryStore;
  collector: EdgeCollector;
  /** Direct and resolved indirect callees of every function. */
  callGraph: FnId[][];
  functionStats: Map<FnId, AnalysisStats>;
  /** Syntax error nodes per file. */
  fileErrors: Map<string, number>;
  /** Functions registered to run in a known context, by the function that registers them. */
  registrations: Registration[];
  /** Functions that re-key or initialise locks (where a class's lockdep keys come from). */
  keySites: KeySite[];
  /** Per caller, the classes held at its calls of each callee (`AnalysisContext.callHolds`). */
  callHolds: Map<FnId, CallHolds>;
  /** Per function, its signal sites (`AnalysisContext.signals`). */
  signals: Map<FnId, SignalSite[]>;
  /** Functions only the program's own calls reach (program/must-hold.ts). */
  closed: Set<FnId>;
  /**
   * The classes a report asked multiKeyed() about, and its answers: kept so that check-patch,
   * whose bodies are read lazily, asks again only when the patch rewrites a key site.
   */
  multiKeyed: Map<string, boolean>;
  /** Functions whose summaries assert locks held (`Summary.requires`). */
  requiring: Set<FnId>;
  /** Functions the analysis failed on (`AnalysisContext.failed`). */
  failed: Map<FnId, Problem>;
  /** The runs (resource names) the analysis asked which functions run as (`RunReach.asked`). */
  askedRuns: Set<string>;
}

/**
 * Links and summarises a program. `lastUse`: no one links these files again, so what linking took
 * from them (millions of macro definitions in a whole tree, declarations) is let go once linked.
 */
export function analyzeProgram(facts: LoadedFile[], opts: ScanOptions, timings: Timings = {}, lastUse = false, scopes: DefineScopes | null = null): ProgramAnalysis {
  const start = performance.now();
  let t = start;
  const lap = (stage: string): void => { const now = performance.now(); timings[stage] = now - t; t = now; };
  const config = opts.config?.values ?? null;
  const asked = macroNamesAsked(facts);
  const conditions = new ConditionEvaluator(config, collectObjectMacros(facts, config, asked, scopes), undefined, asked, scopes);
  const program = linkProgram(facts, conditions);
  if (lastUse) {
    // The program has what linking took from them; the files keep their functions only.
    for (const f of facts) Object.assign(f, { macros: '', macroRefs: [], definedRefs: [], structs: [], typedefs: {}, globals: {}, staticGlobals: [], bindings: [], guards: [] });
  }
  const analysis: ProgramAnalysis = {
    program, conditions, identity: new LockIdentity(program), witnesses: new WitnessTable(), summaries: new CompactSummaries(),
    collector: new EdgeCollector(), callGraph: [], functionStats: new Map(),
    fileErrors: new Map(facts.map((f) => [f.path, f.errorNodes])),
    registrations: registrationsIn(program, program.functions.keys()),
    keySites: keySitesIn(program, program.functions.keys()),
    callHolds: new Map(), signals: new Map(), closed: new Set(closedFunctionsIn(program, program.functions.keys())), multiKeyed: new Map(), requiring: new Set(), failed: new Map(),
    askedRuns: new Set(),
  };
  lap('link');
  analysis.callGraph = buildCallGraph(program, opts.maxIndirectTargets ?? 8);
  summarizeProgram(analysisContext(analysis, opts), analysis.callGraph, opts.onProgress);
  lap('summaries');
  return analysis;
}

/** The context the per-function analysis runs in, over an analysis state. */
export function analysisContext(a: ProgramAnalysis, opts: ScanOptions): AnalysisContext {
  const runs = runFunctions(a.program, a.identity, a.registrations);
  return {
    program: a.program, identity: a.identity, witnesses: a.witnesses, summaries: a.summaries, offerEdge: a.collector.offer,
    stats: emptyStats(), functionStats: a.functionStats, conditions: a.conditions,
    maxIndirectTargets: opts.maxIndirectTargets ?? 8,
    maxSummaryEvents: opts.maxSummaryEvents ?? 1000,
    maxChainDepth: opts.maxChainDepth ?? 12,
    entryContexts: entryContexts(a.program, a.callGraph, a.registrations),
    irqsOffEntries: irqsOffEntries(a.program, a.callGraph, a.registrations),
    runFunctions: runs,
    runSites: runSiteDirectories(a.program, a.identity, a.registrations),
    runReach: new RunReach(a.callGraph, runs, a.askedRuns, (run) => keepsOnlyRuns(a, run)),
    runsByThreadName: runsByThreadName(a.identity, a.registrations),
    callHolds: a.callHolds, signals: a.signals, requiring: a.requiring, failed: a.failed,
    decidedByCallers: decidedByCallers(a),
  };
}

/** Whether a run's place holds only that run: any work item's; a thread's (`qla_hw_data.dpc_thread`) when a struct's field that holds only threads started for it. */
function keepsOnlyRuns(a: ProgramAnalysis, run: string): boolean {
  const wait = waitOf(run);
  // A work item's place is the item itself; a thread's a pointer anything may be stored into.
  if (wait?.model.kind !== 'kthread') return wait !== null;
  const place = wait.place;
  const dot = place.lastIndexOf('.');
  const struct = dot > 0 ? place.slice(0, dot) : '';
  // A global, or a field of one named instance: not a question fresh-fields answers.
  if (!a.program.structs.has(struct)) return false;
  return threadFieldsOf(a.program, a.identity).holdsOnlyFresh(plainName(struct), place.slice(dot + 1));
}

/** See `AnalysisContext.decidedByCallers`. */
function decidedByCallers(a: ProgramAnalysis): (fn: FnId) => boolean {
  const called = new Uint8Array(a.program.functions.length);
  a.callGraph.forEach((callees, caller) => { for (const c of callees) if (c !== caller) called[c] = 1; });
  // A function an ops struct or an assignment binds is also called where no call names it (a
  // file's static one is bound as `name{file}`).
  const bound = new Set([...a.program.fieldBindings.values()].flat());
  return (fn) => {
    const f = a.program.functions[fn];
    return called[fn] === 1 && !!f && !functionIndex(f).addressTaken && !bound.has(f.name) && !bound.has(scopedKey(f.name, f.file));
  };
}

/** multiKeyed() of `classes`, asking only about those the analysis has no answer for yet. */
function multiKeyedClasses(a: ProgramAnalysis, classes: string[]): Set<string> {
  const unknown = classes.filter((c) => !a.multiKeyed.has(c));
  const several = unknown.length ? multiKeyed(a.program, a.identity, a.keySites, unknown) : new Set<string>();
  for (const c of unknown) a.multiKeyed.set(c, several.has(lockOfKey(c)));
  return new Set(classes.filter((c) => a.multiKeyed.get(c)).map(lockOfKey));
}

/** What a report says of the tree besides the analysis: files that did not read, files Kbuild leaves out. */
export interface TreeNotes { problems: Problem[]; excludedByConfig: number }

/** Cycles, simulation and findings over an analysis state. */
export function reportOf(a: ProgramAnalysis, tree: TreeNotes, opts: ScanOptions, timings: Timings = {}): Report {
  let t = performance.now();
  const lap = (stage: string): void => { const now = performance.now(); timings[stage] = now - t; t = now; };
  const { program, witnesses } = a;
  const gated = withCallerGates([...a.collector.edges(), ...signalEdges(a.signals)], mustHoldAtEntry(a), (cls) => program.globals.has(cls));
  const unchecked = uncheckedClasses(program, a.identity, a.keySites);
  const edges = gated.filter((e) => inGraph(e) && !unchecked.has(lockOfKey(e.from)) && !unchecked.has(lockOfKey(e.to)));
  const writers = new Map(gated.filter((e) => e.from === QUEUED_WRITER).map((e) => [e.to, e]));
  if (process.env.KDEADLOCK_DUMP_EDGES) dumpEdges(process.env.KDEADLOCK_DUMP_EDGES, edges, program.functions, witnesses);
  const graph = buildDependencyGraph(edges);
  const search = findCycles(graph, opts.maxCycleLength ?? DEFAULT_MAX_CYCLE_LENGTH, opts.maxCycles ?? DEFAULT_MAX_CYCLES);
  lap('cycles');
  const rules: readonly CycleRule[] = opts.rules?.length ? RULES.filter((r) => opts.rules?.includes(r.id)) : RULES;
  // A class taken twice (or by a hard-irq handler and by the CPU it interrupts) that stands for
  // several lockdep classes may be two of them.
  const sameClassTwice = (c: string[]): boolean => c.length === 1 || c.includes(HARDIRQ);
  const classes = search.cycles.flatMap((c) => (sameClassTwice(c) ? c.filter((r) => r !== HARDIRQ) : []));
  const several = multiKeyedClasses(a, [...new Set(classes)]);
  const cycles = search.cycles.filter((c) => !(sameClassTwice(c) && c.some((r) => several.has(lockOfKey(r)))));
  const fresh = freshFieldsOf(program, a.identity);
  const findingContext: FindingContext = {
    functions: program.functions, witnesses, rules, writers, runFunctions: runFunctions(program, a.identity, a.registrations),
    runSites: runSiteDirectories(program, a.identity, a.registrations),
    holdsOnlyFresh: (struct, field) => fresh.holdsOnlyFresh(struct, field),
  };
  const sleeping = rules.includes(sleepInAtomic) ? findingsFromWaits(waitEdges(a.collector, (e) => e.to === SLEEP), sleepInAtomic, findingContext) : [];
  const ipiWaits = rules.includes(ipiIrqsOff) ? findingsFromWaits(waitEdges(a.collector, (e) => e.from === IPI && e.to === IPI), ipiIrqsOff, findingContext) : [];
  const outcome = findingsFromCycles(graph, cycles, findingContext, [...sleeping, ...ipiWaits]);
  lap('simulate');
  const stats = totalStats(a.functionStats.values());
  const functions = program.functions.filter((f) => !f.isMacro);
  return {
    schemaVersion: 1,
    tool: { name: 'kdeadlock', version: toolVersion() },
    config: opts.config
      ? { arch: opts.arch, configFile: opts.config.path, conditionals: 'evaluated' }
      : { arch: opts.arch, configFile: null, conditionals: 'both-arms' },
    stats: {
      files: a.fileErrors.size,
      functions: functions.length,
      macros: program.functions.length - functions.length,
      parseErrors: [...a.fileErrors.values()].reduce((n, e) => n + e, 0),
      functionsWithErrors: functions.filter((f) => f.errors > 0).length,
      lockOps: stats.lockOps,
      unknownLockOps: stats.unknownLockOps,
      edges: edges.length,
      candidateCycles: search.cycles.length,
      infeasibleCycles: outcome.infeasible + search.cycles.length - cycles.length,
      impliedCycles: outcome.implied.length,
      cycleSearchTruncated: search.truncated,
      truncatedSummaries: stats.truncatedSummaries,
      excludedByConfig: tree.excludedByConfig,
    },
    findings: outcome.findings,
    implied: outcome.implied,
    problems: [...tree.problems, ...a.failed.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.kind < b.kind ? -1 : 1)),
  };
}

/**
 * Edges with the locks their function's callers hold (but the edge's own two, which a caller may
 * hold on another instance of the class; a global is one lock, so its callers' hold stays: a
 * reader of `cpu_hotplug_lock` below `cpus_read_lock()` runs beside no writer). Only classes some
 * edge starts from can gate: a lock its holders take nothing under orders nothing, and one
 * never seen taken is taken by an API the models do not know (an assertion then says nothing).
 * A bit gate orders nothing but is taken by a model (`test_and_set_bit()`), so it gates.
 */
function withCallerGates(edges: DepEdge[], mustHold: ReadonlyMap<FnId, HeldClass[]>, isGlobal: (cls: string) => boolean): DepEdge[] {
  const taken = new Set(edges.map((e) => lockOfKey(e.from)));
  return edges.map((e) => {
    const own = new Set([lockOfKey(e.from), lockOfKey(e.to)].filter((cls) => !isGlobal(cls)));
    const gates = (mustHold.get(e.fn) ?? []).filter((h) => !own.has(h.lock) && (taken.has(h.lock) || isGateKey(h.lock)));
    return gates.length > 0 ? { ...e, calledUnder: gates } : e;
  });
}

/**
 * An order between resources: not a queued writer's offer, a sleep in atomic context (nothing
 * waits for either), nor an IPI wait with irqs off (a finding of its own, `waitEdges`).
 */
function inGraph(e: DepEdge): boolean {
  return e.from !== QUEUED_WRITER && e.to !== SLEEP && !(e.from === IPI && e.to === IPI);
}

/**
 * Each function's waits that are findings of their own (a sleep in atomic context, an IPI wait
 * with irqs off), one per cause (the collector keeps the shortest): not the graph's one edge per
 * class pair, as two sleeps under one lock in two functions are two bugs.
 */
function waitEdges(collector: EdgeCollector, isWait: (e: DepEdge) => boolean): DepEdge[] {
  return collector.functions().flatMap((fn) => collector.offersOf(fn).map((o) => o.edge).filter(isWait));
}

/** The dependency graph's edges as reports show them (`--format dot`): classes by name, each edge's witness function and wait site. */
export function dependencyEdges(a: ProgramAnalysis): GraphEdgeView[] {
  const edges = a.collector.edges().filter(inGraph);
  const name = classNamer(edges.flatMap((e) => [e.from, e.to]));
  return edges.map((e) => {
    const fn = a.program.functions[e.fn];
    const wait = a.witnesses.chain(e.wait).at(-1);
    return {
      from: name(e.from), to: name(e.to), function: fn?.name ?? '?', file: fn?.file ?? '?', line: wait?.line ?? fn?.line ?? 0,
      holdMode: e.holdMode, waitMode: e.waitMode, irqsOff: e.irqsOff,
    };
  });
}

/** Triage aid: every dependency edge with both halves' chains, as JSON. */
function dumpEdges(file: string, edges: DepEdge[], functions: FunctionFacts[], witnesses: WitnessTable): void {
  const chain = (id: number): string[] => witnesses.chain(id).map((l) => `${functions[l.fn]?.name}:${l.line} ${l.text}`);
  writeFileSync(file, JSON.stringify(edges.map((e) => ({ ...e, fnName: functions[e.fn]?.name, holdChain: chain(e.hold), waitChain: chain(e.wait) }))));
}
