// One function, interpreted once over its IR: three verbs — acquire, release, and integrate
// a callee's summary at a call site — over a state of held locks and irq state. Edges
// "hold A, wait for B" go to the sink where both halves are known; the rest is summarised
// for callers.
import type { Expr, FunctionFacts, GuardCall, Stmt } from '../facts/types.js';
import {
  type AssertHeld, type IpiWaitOp, type LockMode, type LastPutTest, type LeafCall, type LockOp, type IrqOp, guardClassOf, initialisingCallbackArg, isReferenceCountField, isAssertHeld, isFieldCall, isIpiWait, isIrqOp, isLockOp, keyOfSubclassConstant, modelOf,
} from '../models/kernel-api.js';
import { type FnId, type Program, ZERO, assignmentsTo, baseName, calleeName, directCallee, forEachExpr, forEachReturn, forEachStmt, getOrInit, identifiersOf, resolveCallee, resolveIndirect, unwrapCasts, variablesOf, walkExpr } from '../program/program.js';
import { placeFieldsOf } from '../program/place-fields.js';
import { type GlobalField, globalFieldAt } from '../program/global-objects.js';
import { fieldPathOf, fieldsWritten, namesOfPath, startsZeroedWithout, valuesOfLocalField, valuesSetThrough, writesField, writesNonZero, writtenOnlyThrough } from './local-fields.js';
import { freshZeroedLocal, isAddressTaken, isNoObject, reachesLocal, returnsZeroedObject } from './zeroed-objects.js';
import { commandParams, expandMacro, hasEffects, macroCalled, macroIn } from './macro-commands.js';
import { type AbsVal, BY_ADDRESS, type LockIdentity, absKey, elementOfSum, isUnknownClass, paramFieldOf } from '../program/lock-identity.js';
import { lookupScoped, plainName } from '../program/scope.js';
import type { DepEdge, HoldMode, WaitMode } from '../deadlock/types.js';
import { type ConditionEvaluator, isIdentityConstantFunction } from '../program/conditions.js';
import {
  type Guard, type HeldClass, type HeldLock, type IrqState, type LockEvent, type LockKey, type LockPair, type Summary, HARDIRQ, IPI,
  MAX_WRITER_CHAIN, QUEUED_WRITER, SLEEP, SOFTIRQ, EMPTY_SUMMARY, eventKey, waitModeOf, joinIrq, lockOfKey, meetHeld, meetModes, pairKey, paramIndexOf, subclassParamOf, withSubclass,
} from './domain.js';
import {
  type ArgConstant, type CmpOp, type ConstName, type ParamTest, POINTEE, containerField, containerOf, decideTest, isImpossible, joinGuards, meetGuards, negateTest,
  sameGuard, sayNoMoreThan, testKey, truthTest, whenSet, whenZero,
} from './guard.js';
import type { WitnessId, WitnessTable } from './witness.js';
import type { Problem, StepKind } from '../report/types.js';
import { ownerRule } from '../models/owner-classes.js';
import { ATOMIC_PARAM, type Atomicity, PREEMPTIBLE, type PathAtomicity, atomicityAtEntry, entriesWhere } from '../models/atomicity.js';
import { CONTEXT_PARAM, type ExecContext } from '../models/contexts.js';
import type { IrqsOffEntry } from '../program/contexts.js';
import {
  DRAINED_LIST_PARAM, type ListFacts, NO_LIST_FACTS, afterListCall, joinListFacts, listGuard, listsAtExit, listsEmptiedBy, testedList, withList,
} from '../models/drained-lists.js';
import { type StoredFields, type StoredInstances, sameFields, storedInstancesOf } from './stored-instances.js';
import { type Helper, type InstanceClasses, type InstanceField, instanceClasses, objectField, rekeyingHelper, returnedInstance } from './rekeyed-instances.js';
import { CONSTANT_NAME, functionIndex } from '../facts/outline.js';
import { gateKey, gateOpener, gateTaker } from '../models/bit-gates.js';
import { type BitOp, bitFlag, bitOfFlag, bitNameOf, bitOpOf, bitWordOf } from '../models/bit-ops.js';
import {
  JOURNAL_PARAM, type JournalState, NESTED_HANDLE, type PathJournal, isJournalSlot, joinJournal, joinPathJournal, nestedHandleTested, summaryJournal,
} from '../models/task-journal.js';
import { fillsFirstArgument } from '../models/memory-writers.js';
import { waitPlaceAt } from '../program/waits.js';
import type { RunReach } from '../program/run-reach.js';
import { type CurrentRunTest, RUN_PARAM, currentRunTest } from '../models/current-run.js';
import { type HeldWhere, type PassedTest, NO_HELD_WHERE, NO_PASSED, forgetName, joinPassedTests, passTest, releasedWhere, testOf } from './passed-conditions.js';
import { type WaitKind, waitOf, waitResource } from '../resources/waits.js';
import { signalOf } from '../models/waits.js';
import { GFP_MAY_SLEEP, gfpFlagsChanged, gfpFlagsDisjoint, gfpMaySleep, isGfpSleepFlag } from '../models/gfp.js';

export interface AnalysisStats {
  /** Summaries cut to `maxSummaryEvents` (their farthest events were dropped). */
  truncatedSummaries: number;
  lockOps: number;
  unknownLockOps: number;
  unresolvedCalls: number;
  indirectCalls: number;
}

/** Summaries by function: a Map, or a store that reads them lazily from a summary image. */
export interface SummaryStore {
  get(fn: FnId): Summary | undefined;
  set(fn: FnId, summary: Summary): unknown;
  delete(fn: FnId): unknown;
}

export interface AnalysisContext {
  program: Program;
  identity: LockIdentity;
  witnesses: WitnessTable;
  summaries: SummaryStore;
  /**
   * Offers an edge variant; `build` runs only if it beats the ones already kept: a lower cost, or
   * (where `alsoHeldOf` says) fewer other locks held (deadlock/graph.ts).
   */
  offerEdge: (
    fn: FnId, from: string, to: string, holdMode: HoldMode, waitMode: WaitMode, irqsOff: boolean, cost: number, build: () => DepEdge,
    heldIn?: string, awaitedIn?: string, alsoHeldOf?: () => readonly HeldClass[],
  ) => void;
  stats: AnalysisStats;
  /** What each function's analysis added to `stats` (a function analysed again replaces its share). */
  functionStats: Map<FnId, AnalysisStats>;
  /** Max functions an ops-struct field may resolve to before the call is left unresolved. */
  maxIndirectTargets: number;
  /** `#if` arms inside bodies: taken, not taken, or both when the config does not say. */
  conditions: ConditionEvaluator;
  /** Max events one summary exports to its callers; the nearest are kept. */
  maxSummaryEvents: number;
  /** Events deeper than this many calls are not exported further up. */
  maxChainDepth: number;
  /** Entry points that run only in one context (`program/contexts.ts`). */
  entryContexts: ReadonlyMap<FnId, ExecContext>;
  /** Functions the kernel enters with irqs disabled (program/contexts.ts): a hotplug STARTING callback. */
  irqsOffEntries: ReadonlyMap<FnId, IrqsOffEntry>;
  /** Per function a worker or a thread runs, the runs it is (`waitResource()`s, program/waits.ts). */
  runFunctions: ReadonlyMap<FnId, readonly string[]>;
  /** Per run keyed by its registration site, per function registered to run it, the registering directories (program/waits.ts). */
  runSites: ReadonlyMap<string, ReadonlyMap<FnId, readonly string[]>>;
  /** Which functions may run as the thread or work item kept at a place (program/run-reach.ts). */
  runReach: RunReach;
  /** Per thread name as the code spells it, the runs of the threads created with it (`runsByThreadName()`). */
  runsByThreadName: ReadonlyMap<string, readonly string[]>;
  /**
   * Per function, the classes it holds at every call of each callee it calls with some held
   * (callee-sorted): what gates its callees' edges (program/must-hold.ts). A function analysed
   * again replaces its entry.
   */
  callHolds: Map<FnId, CallHolds>;
  /** Per function with any, its signal sites (deadlock/signal-edges.ts). A function analysed again replaces its entry. */
  signals: Map<FnId, SignalSite[]>;
  /** Functions whose summaries have `requires` (kept as summaries are set, so no pass reads them all). */
  requiring: Set<FnId>;
  /**
   * Whether the program's own calls are where a function's parameters come from: it has callers
   * and its address is not taken. An order it makes only for some parameter values is left to
   * those callers, which pass values that decide it.
   */
  decidedByCallers: (fn: FnId) => boolean;
  /** Functions whose analysis threw, with the problem the report lists (their summary is empty). */
  failed: Map<FnId, Problem>;
}

/** A caller's held classes at its calls, per callee: `[callee, held][]`, sorted by callee. */
export type CallHolds = [FnId, HeldClass[]][];

/**
 * A call that owes a place's event to its waiters (`complete(&x->done)`): the place's resource,
 * the call's link, and the locks of classes held there on every path to it, each with the link
 * that took it (`AnalysisContext.signals`).
 */
export interface SignalSite { resource: string; witness: WitnessId; held: SignalHeld[] }
export interface SignalHeld { lock: LockKey; mode: LockMode; spins: boolean; witness: WitnessId }

interface State {
  held: HeldLock[];
  irq: IrqState;
  irqWitness: WitnessId;
  saved: Record<string, { irq: IrqState; witness: WitnessId }>;
  guard: Guard;
  released: LockKey[];
  dead: boolean;
  /** Every path here has slept (mutex, scheduler). */
  slept: boolean;
  /** This path runs only when the last reference was dropped (`if (refcount_dec_and_test(…))`). */
  lastPut: boolean;
  /** Lock pointers stored on this path (`pvmw->ptl = pte_lockptr(…)`): they beat the flow-insensitive field. */
  stores: Record<string, LockKey[]>;
  /** `current->journal_info` here (models/task-journal.ts). */
  journal: PathJournal;
  /** What it was before the transaction this path last started (null: none started): what ending it gives back. */
  journalOuter: PathJournal | null;
  /** Locals holding `current->journal_info` on this path (`trans = current->journal_info;`), sorted. */
  journalLocals: string[];
  /**
   * Locals that are NULL or a handle this path took (`trans = btrfs_start_transaction(…)`, `trans =
   * NULL` on its error branch), sorted: `if (trans)` runs with the task's handle set.
   */
  handleLocals: string[];
  /** Locals only ever given constants (`exist = 1`): when each is set and when zero, relative to entry. */
  flags: Record<string, FlagValue>;
  /**
   * Fields assigned on some path to here (`x->f = v`, `x->f |= F`, through anything), sorted: a
   * test of one reads this function's value, not the caller's. Before the write it is the caller's
   * (`if (j->j_flags & ABORT) return; j->j_flags |= ABORT;`). A parameter given another value
   * (`a = companion(dev);`, or its address handed to a call) is here as `=a`: from there on a
   * test of it is not a test of what the caller passed; one given more flags (`f |= F`) as
   * `=f|F`: a test of another flag, known not to share a bit with `F`, still is.
   */
  written: string[];
  /**
   * Flags this path has put into a parameter's field, by `param:field` (`j->j_flags |=
   * JBD2_ABORT`): a callee's test of them after the write is decided here.
   */
  known: Record<string, KnownFlags>;
  /** The drained lists (models/drained-lists.ts): `net_todo_list` is empty after `rtnl_lock()`. */
  drained: ListFacts;
  /**
   * Bit gates held only where a test of the parameters holds: after `if (A && test_and_set_bit(…))
   * return;` the path is inside the gate exactly where `A`. A later test that implies `A` enters it.
   */
  gatesWhere: GateWhere[];
  /** Tests passed, by their text, and the locks held only where one had a value (summaries/passed-conditions.ts). */
  passed: readonly PassedTest[];
  heldWhere: readonly HeldWhere[];
}

/** A gate held on the paths where `where` (one test) holds. */
interface GateWhere { gate: HeldLock; where: ParamTest }

/**
 * Flags known set in a field: constants (`set`), and the bits of parameters the path put there
 * while they still held the caller's value (`params`, sorted: `ei->i_flags |= i_flags`).
 * `othersClear`: the field holds nothing else (`= A | B`, `= 0`, `= flags`). `clear`: constants
 * the path took out (`req->flags &= ~REQ_F_BUFFER_SELECTED`), whatever else the field holds.
 * `changed`: flags the path ORed into those parameters before storing them (flagsChangedKey()).
 * `fromEntry`: only `|=` and `&=` wrote the field since entry, so the bits they do not name are
 * still the caller's (`ops->flags &= ~ENABLED; cleanup(ops)`: cleanup's test of another flag is
 * our callers').
 */
interface KnownFlags { set: string[]; othersClear: boolean; params: number[]; clear: string[]; changed?: string[]; fromEntry?: true }

/**
 * What a flag local says: the guards under which it is non-zero and zero here (`never`: on no
 * path). `int exist = 0; if (trans) exist = 1; … if (!exist) end(trans);` ends only where
 * `trans` was not set: the test of the flag is the test that set it.
 */
interface FlagValue { set: Guard | 'never'; zero: Guard | 'never' }

type Call = Extract<Expr, { k: 'call' }>;

/** A bit operation on a field's word (`test_bit(B, &x->f)`): the flag test it reads, `x->f & BIT(B)`. */
interface BitAccess { op: BitOp; word: Extract<Expr, { k: 'field' }>; flag: string; test: Expr }

/**
 * Calls from where a hard irq's half is decided to its lock (the handler, or the function that
 * slept): deeper, a handler's reach is mostly error paths that sleep or reset the device, which
 * the analysis cannot tell from its usual work.
 */
const MAX_INTERRUPT_CHAIN = 4;

/** Command-running macros written out one inside another (`wait_event_lock_irq_cmd` → `__wait_event_lock_irq`). */
const MAX_INLINED_MACROS = 8;

/** A writer that holds a lock may be serialised with the CPUs it should queue before: one holding nothing comes first. */
const WRITER_HOLDING_COST = 100;

/** A spinning acquisition known to run with irqs enabled: a sleep on every path before it, and irqs not turned off since. */
function isInterruptible(ev: Pick<LockEvent, 'kind' | 'spins' | 'afterSleep' | 'irq'>): boolean {
  return ev.kind === 'acquire' && ev.spins && ev.afterSleep && (ev.irq === 'entry' || ev.irq === 'on');
}

/** A function-like macro or a header's inline function: its code is written out in its callers. */
function isInlineHelper(fn: FunctionFacts | undefined): boolean {
  return fn !== undefined && (fn.isMacro || fn.file.endsWith('.h'));
}

/** Lock types that can be held for read (`lockdep_assert_held()` accepts either mode of these). */
const SHARED_LOCK_TYPES: ReadonlySet<string> = new Set(['rw_semaphore', 'percpu_rw_semaphore', 'rwlock_t', 'arch_rwlock_t', 'qrwlock', 'seqlock_t']);

/** Shared by the edges they explain (edges are values: never changed once made). */
const INDIRECT_REASONS = ['a call on the path is resolved through an ops-struct field binding (e.g. paravirt): the binding may not be the one in use'];
const NO_REASONS: string[] = [];

/** Shared by events that release nothing (events are values: never changed once made). */
const NO_LOCKS: LockKey[] = [];

const NO_NAMES: string[] = [];
const NO_FIELDS: InstanceField[] = [];
const NO_INSTANCES: InstanceClasses = new Map();
const DEAD: State = { held: [], irq: 'entry', irqWitness: -1, saved: {}, guard: null, released: NO_LOCKS, dead: true, slept: false, lastPut: false, stores: {}, journal: 'entry', journalOuter: null, journalLocals: NO_NAMES, handleLocals: NO_NAMES, flags: {}, written: NO_NAMES, known: {}, drained: NO_LIST_FACTS, gatesWhere: [], passed: NO_PASSED, heldWhere: NO_HELD_WHERE };

export function analyzeFunction(ctx: AnalysisContext, fnId: FnId): Summary {
  return new FunctionAnalysis(ctx, fnId).run();
}

class FunctionAnalysis {
  private readonly events = new EventSet();
  /** Orders with a parameter's lock on one side, by `pairKey`, the shortest witnesses kept. */
  private readonly pairs = new Map<string, LockPair>();
  private readonly releases = new Set<LockKey>();
  private readonly returnsHeld = new Map<string, HeldLock>();
  private exitIrq: IrqState | null = null;
  /** Which locals are flags (`isFlagLocal`), as asked. */
  private readonly flagLocals = new Map<string, boolean>();
  /** `isZeroedField()` by `local\0field`: each answer walks the body and its callees', and calls ask it per test. */
  private readonly zeroedFields = new Map<string, boolean>();
  /** `placeValues()` by argument and field: a call's argument is asked once per callee test and per path. */
  private readonly placeValuesOf = new Map<Expr, Map<string, readonly Expr[] | null>>();
  /** `instanceClasses()`, once asked. */
  private instances: InstanceClasses | undefined;
  private writtenInBody: string[] | undefined;
  /** Macros being written out in place at this point (`expandedCommandMacro`). */
  private inlineDepth = 0;
  /** Inside a branch followed once per way its condition holds: no nested split (their number would multiply). */
  private splitting = false;
  /** `current->journal_info` where the function returns, but on its error returns (null: none yet). */
  private exitJournal: JournalState | null = null;
  /** The drained lists where the function returns (null: no return yet). */
  private exitLists: ListFacts | null = null;
  /** A callee may have ended a handle this function did not take: its callers' state after it is theirs to restore. */
  private mayEndCallersHandle = false;
  private sawExit = false;
  private exitIrqWitness: WitnessId = -1;
  /** Where this function last turned irqs on (its own op, or a callee that returns with them on): an `on` exit's witness. */
  private lastIrqEnable: WitnessId = -1;
  /** `Summary.irqSavesTo` / `irqRestoresFrom`. */
  private irqSavesTo = -1;
  private irqRestoresFrom = -1;
  private readonly labels = new Map<string, State>();
  private readonly breakStates: State[][] = [];
  /** Scope-based locks held now (`guard(…)(…)`), innermost last, with the call that drops each. */
  private readonly guards: { depth: number; release: Call }[] = [];
  /** `guards.length` when each enclosing loop began: `break` drops what was taken since. */
  private readonly loopMarks: number[] = [];
  private depth = 0;
  /** Guard of the return paths that may give non-zero so far (undefined: none yet). */
  private nonZeroWhen: Guard | undefined = undefined;
  /** Whether every value this function returns is a trylock's (or a constant zero): `Summary.trylock`. */
  private tryReturns: 'none' | 'all' | 'other' = 'none';
  private sawValueReturn = false;
  /** `return` statements with a value, and whether the one there is returns a test of one parameter on every path (`return j->j_flags & ABORT;`). */
  private valueReturns = 0;
  private returnsOwnTest = false;
  /** The context this function runs in when it is an entry point with one; else its callers decide. */
  private readonly context: ExecContext | null;
  /** Locks asserted held that this function had not taken: its callers' (`Summary.requires`). */
  private readonly requires = new Map<LockKey, HeldClass['mode']>();
  /** Classes held at every call of each callee so far (absent: not called yet). */
  private readonly callHolds = new Map<FnId, HeldClass[]>();
  /**
   * Where irqs went off at entry, for a hotplug STARTING or DYING callback: the CPU it runs on is
   * not in `cpu_online_mask`, so no IPI waits for it while they stay off (no `IPI → M` edge).
   */
  private offlineIrqsOff: WitnessId | null = null;
  /** This function's signal sites, by the call's position (`SignalSite`). */
  private readonly signalSites = new Map<string, SignalSite>();

  constructor(private readonly ctx: AnalysisContext, private readonly fnId: FnId) {
    this.context = ctx.entryContexts.get(fnId) ?? null;
  }

  run(): Summary {
    const fn = this.ctx.program.functions[this.fnId];
    if (!fn) return EMPTY_SUMMARY;
    const start: State = { ...DEAD, dead: false, ...this.irqsAtEntry() };
    const end = this.block(fn.body, start);
    this.recordExit(end);
    this.publishCallHolds();
    this.publishSignals();
    if (this.context === 'hardirq') this.offerInterruptWaits();
    for (const run of this.ctx.runFunctions.get(this.fnId) ?? []) this.offerRunWaits(run);
    if (this.requires.size > 0) this.ctx.requiring.add(this.fnId);
    else this.ctx.requiring.delete(this.fnId);
    return {
      events: this.exportedEvents(),
      pairs: this.exportedPairs(),
      releases: [...this.releases],
      returnsHeld: [...this.returnsHeld.values()],
      irqExit: this.exitIrq ?? 'entry',
      journalExit: this.mayEndCallersHandle && (this.exitJournal ?? 'entry') === 'entry' ? 'unknown' : this.exitJournal ?? 'entry',
      listsExit: listsAtExit(this.exitLists ?? NO_LIST_FACTS),
      returnsInstance: returnedInstance(fn.body, this.instanceClasses()),
      returnsZeroed: returnsZeroedObject(fn.body, this.zeroedCall),
      irqExitWitness: this.exitIrq === 'on' && this.lastIrqEnable >= 0 ? this.lastIrqEnable : this.exitIrqWitness,
      irqSavesTo: this.irqSavesTo,
      irqRestoresFrom: this.irqRestoresFrom,
      nonZeroWhen: this.nonZeroWhen === undefined ? (this.sawValueReturn ? 'never' : null) : this.nonZeroWhen,
      nonZeroExact: this.valueReturns === 1 && this.returnsOwnTest,
      neverZero: this.sawValueReturn && this.everyReturnNonZero(fn.body),
      trylock: this.tryReturns === 'all' && this.returnsHeld.size > 0,
      requires: [...this.requires].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([lock, mode]) => ({ lock, mode })),
    };
  }

  private publishSignals(): void {
    const sites = [...this.signalSites.values()];
    if (sites.length > 0) this.ctx.signals.set(this.fnId, sites);
    else this.ctx.signals.delete(this.fnId);
  }

  private publishCallHolds(): void {
    const held = [...this.callHolds].filter(([, h]) => h.length > 0).sort(([a], [b]) => a - b);
    if (held.length > 0) this.ctx.callHolds.set(this.fnId, held);
    else this.ctx.callHolds.delete(this.fnId);
  }

  /**
   * The events callers see. Kernel entry points reach thousands of lock classes; past the cap
   * we keep IPI waits, then spinning acquisitions, nearest first (deterministically).
   */
  private exportedEvents(): LockEvent[] {
    const maxDepth = this.ctx.maxChainDepth;
    const kept = this.events.inOrder().filter((e) => this.ctx.witnesses.length(e.witness) <= maxDepth);
    if (kept.length <= this.ctx.maxSummaryEvents) return kept;
    this.ctx.stats.truncatedSummaries++;
    const all = kept.map((e): [string, LockEvent] => [eventKey(e), e]);
    const rank = (e: LockEvent): number => (e.kind === 'ipi-wait' ? 0 : e.spins ? 1 : 2);
    return all
      .sort(([ka, a], [kb, b]) => rank(a) - rank(b)
        || this.ctx.witnesses.length(a.witness) - this.ctx.witnesses.length(b.witness) || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .slice(0, this.ctx.maxSummaryEvents)
      .map(([, e]) => e);
  }

  /** The pairs callers see: within the chain depth, nearest first past the cap (as events). */
  private exportedPairs(): LockPair[] {
    const length = (p: LockPair): number => Math.max(this.ctx.witnesses.length(p.hold), this.ctx.witnesses.length(p.wait));
    const kept = [...this.pairs.values()].filter((p) => length(p) <= this.ctx.maxChainDepth);
    if (kept.length <= this.ctx.maxSummaryEvents) return kept;
    return kept.map((p): [string, LockPair] => [pairKey(p), p])
      .sort(([ka, a], [kb, b]) => length(a) - length(b) || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .slice(0, this.ctx.maxSummaryEvents)
      .map(([, p]) => p);
  }

  // ------------------------------------------------------------ statements

  private block(stmts: Stmt[], state: State): State {
    const mark = this.guards.length;
    this.depth++;
    const s = this.blockFrom(stmts, 0, state, mark);
    this.depth--;
    this.guards.length = mark;
    return s;
  }

  /**
   * The statements of a block from `from` on, and the block's guards dropped at its end,
   * innermost first. After an early exit whose condition fails in several ways (`if (!mfunc ||
   * (native && master)) return …;` goes on where `mfunc && !native`, or `mfunc && !master`), the
   * rest of the block is followed once per way, as a branch's body is: joined, the fall-through
   * would lose the test that decides a later call (`__mlx4_cmd()` calls the slave path only where
   * the device is no master, for the callers that pass `native`).
   */
  private blockFrom(stmts: Stmt[], from: number, state: State, mark: number): State {
    let s = state;
    for (let i = from; i < stmts.length; i++) {
      const stmt = stmts[i] as Stmt;
      if (s.dead && stmt.k !== 'label') continue;
      const ways = this.earlyExitWays(stmt, s);
      if (ways) return this.eachWay(() => ways.map((w) => this.blockFrom(stmts, i + 1, w, mark)).reduce(join));
      s = this.stmt(stmt, s);
    }
    return this.releaseGuards(s, mark);
  }

  /**
   * `if (cond) { …; return; }` with no `else`: the ways the rest of the block is reached where
   * `cond` fails in more than one (the statement itself followed as usual first), or null.
   */
  private earlyExitWays(stmt: Stmt, s: State): State[] | null {
    if (this.splitting || stmt.k !== 'if' || stmt.else.length > 0 || !endsInJump(stmt.then)) return null;
    const fails = this.passingWays(stmt.cond, false, this.waysTo(false, stmt.cond, s));
    // `if (!kthread && !ok(p)) return;`: the rest runs where `kthread`, or where `!kthread`,
    // which together say nothing, and apart would make an unconditional event look conditional.
    if (!fails || sayNoMoreThan(fails.map((w) => w.guard), fails.reduce(join).guard)) return null;
    this.stmt(stmt, s);
    return fails;
  }

  /** A branch's two states, each knowing which way `cond` went (summaries/passed-conditions.ts). */
  private passing(cond: Expr, [t, f]: [State, State]): [State, State] {
    const test = testOf(cond);
    return test ? [passTest(t, test, test.value), passTest(f, test, !test.value)] : [t, f];
  }

  private passingWays(cond: Expr, value: boolean, ways: State[] | null): State[] | null {
    const test = ways && testOf(cond);
    return test ? (ways as State[]).map((w) => passTest(w, test, value === test.value)) : ways;
  }

  /** Runs `follow` as the body of a split: no split inside it (their number would multiply). */
  private eachWay(follow: () => State): State {
    const outer = this.splitting;
    this.splitting = true;
    try {
      return follow();
    } finally {
      this.splitting = outer;
    }
  }

  /** `guard(spinlock_irqsave)(&l)` in statement position: a lock held to the end of the block. */
  private guardStatement(e: Expr): { cls: string; args: Expr[]; call: Call } | null {
    if (e.k !== 'call' || e.callee.k !== 'call' || calleeName(e.callee) !== 'guard') return null;
    const cls = e.callee.args[0];
    return cls?.k === 'id' ? { cls: cls.name, args: e.args, call: e } : null;
  }

  /**
   * Takes a scope-based lock through the calls its class stands for: the lock API for the
   * classes <linux/cleanup.h> users share, or the calls of a class the code defines itself.
   */
  private takeGuard(clsName: string, args: Expr[], at: Call, s: State): State {
    const slot = (name: string): Expr => ({ k: 'id', name: `__guard_${name}_${at.pos.line}_${at.pos.col}` });
    const synth = (name: string, callArgs: Expr[]): Call => ({ k: 'call', callee: { k: 'id', name }, args: callArgs, pos: at.pos, text: at.text });
    const cls = guardClassOf(clsName);
    const defined = cls ? undefined : lookupScoped(this.ctx.program.guards, clsName, this.fn().file);
    if (cls) {
      const callArgs = cls.flags ? [...args, slot('flags')] : args;
      this.guards.push({ depth: this.depth, release: synth(cls.unlock, callArgs) });
      return this.call(synth(cls.lock, callArgs), s);
    }
    if (!defined) return s;
    const passed = (c: GuardCall): Expr[] => c.args.map((a): Expr => {
      if ('slot' in a) return slot(a.slot);
      if ('name' in a) return { k: 'id', name: a.name };
      const arg = args[a.arg] ?? { k: 'other' };
      return a.deref ? { k: 'deref', arg } : arg;
    });
    this.guards.push({ depth: this.depth, release: synth(defined.unlock.fn, passed(defined.unlock)) });
    return this.call(synth(defined.lock.fn, passed(defined.lock)), s);
  }

  /** Drops the guards above `mark` on `s` (they stay on the stack: their block has not ended). */
  private releaseGuards(s: State, mark: number): State {
    let out = s;
    for (let i = this.guards.length - 1; i >= mark && !out.dead; i--) out = this.call((this.guards[i] as { release: Call }).release, out);
    return out;
  }

  private stmt(stmt: Stmt, s: State): State {
    switch (stmt.k) {
      case 'expr': {
        const guard = this.guardStatement(stmt.e);
        return guard ? this.takeGuard(guard.cls, guard.args, guard.call, this.evalArgs(guard.call, s)) : this.expr(stmt.e, s);
      }
      case 'decl': return forgetName(stmt.init ? this.assignedLocal(stmt.name, stmt.init, this.expr(stmt.init, s)) : s, stmt.name);
      case 'block': return this.block(stmt.body, s);
      case 'if': {
        const [t, f] = this.passing(stmt.cond, this.cond(stmt.cond, s));
        // An empty branch has no event to keep a way's guard for: its ways are not worked out.
        const holds = this.splitting || stmt.then.length === 0 ? null : this.passingWays(stmt.cond, true, this.waysTo(true, stmt.cond, s));
        const fails = this.splitting || stmt.else.length === 0 ? null : this.passingWays(stmt.cond, false, this.waysTo(false, stmt.cond, s));
        if (!holds && !fails) return join(this.block(stmt.then, t), this.block(stmt.else, f));
        // `if ((p->search_for_split || ins_len > 0) && …) split_node(…)`: one guard joins the
        // two tests to none, so the branch is followed once under each (the `else` of
        // `if ((reg < size || reg < MIN_MMIO) && !indirect)` once where `reg >= MIN_MMIO`, once
        // where `indirect`).
        const branch = (body: Stmt[], ways: State[] | null, joined: State): State =>
          (ways ? ways.map((w) => this.block(body, w)).reduce(join) : this.block(body, joined));
        return this.eachWay(() => join(branch(stmt.then, holds, t), branch(stmt.else, fails, f)));
      }
      case 'pp': {
        const taken = this.ctx.conditions.evaluate(stmt.cond, this.fn().file);
        if (taken === true) return this.block(stmt.then, s);
        if (taken === false) return this.block(stmt.else, s);
        return join(this.block(stmt.then, s), this.block(stmt.else, s));
      }
      case 'loop': return this.loop(stmt, s);
      case 'switch': return this.switchStmt(stmt, s);
      case 'return': {
        const after = stmt.value ? this.expr(stmt.value, s) : s;
        if (stmt.value && !after.dead) this.recordReturnValue(stmt.value, after);
        this.recordExit(this.releaseGuards(after, 0), stmt.value !== null && isErrorPointer(stmt.value));
        return { ...after, dead: true };
      }
      case 'goto': {
        // Labels sit at function level: a goto leaves every nested block and its guards.
        const outer = this.guards.filter((g) => g.depth <= 1).length;
        this.labels.set(stmt.label, join(this.labels.get(stmt.label) ?? DEAD, this.releaseGuards(s, outer)));
        return { ...s, dead: true };
      }
      // A backward goto may come here after any write of the body.
      case 'label': {
        // A backward `goto` may bring any field write of the body; a parameter changed only
        // after the label (`fgp_flags |= FGP_LOCK; … goto repeat;`) is not counted back: that
        // path's own guard (`fgp_flags & FGP_CREAT`) is lost at the join, and the caller's value
        // is what most paths bring.
        const joined = join(s, this.labels.get(stmt.name) ?? DEAD);
        return { ...joined, written: mergeSorted(joined.written, this.allWritten()) };
      }
      case 'break':
      case 'continue': {
        const top = this.breakStates[this.breakStates.length - 1];
        if (top) top.push(this.releaseGuards(s, this.loopMarks[this.loopMarks.length - 1] ?? 0));
        return { ...s, dead: true };
      }
      default: return s;
    }
  }

  /**
   * Each case entered with its label as a guard when the switch tests a parameter (`switch (flush)`).
   * A label that is no known constant guards nothing, and `default:` is then still entered only
   * for values none of the known labels has.
   */
  private switchStmt(stmt: Extract<Stmt, { k: 'switch' }>, s: State): State {
    const v = this.expr(stmt.value, s);
    const tested = this.testedSubject(stmt.value, v);
    const labels = stmt.cases.map((c) => (c.label ? this.constName(c.label) : null));
    const named = labels.filter((l): l is string => l !== null);
    const noMatch: Guard = tested === null || named.length === 0 ? null : [{ ...tested, test: 'notIn', values: [...new Set(named)].sort() }];
    const entering = (i: number): State => {
      if (tested === null) return v;
      const label = labels[i];
      if (label === null && stmt.cases[i]?.label) return v;
      const guard: Guard = label ? [{ ...tested, test: 'in', values: [label] }] : noMatch;
      return withGuard(v, guard);
    };
    this.breakStates.push([]);
    let fall: State = DEAD;
    stmt.cases.forEach((c, i) => { fall = this.block(c.body, join(entering(i), fall)); });
    const breaks = this.breakStates.pop() ?? [];
    const unmatched = stmt.cases.some((c) => !c.label) ? DEAD : withGuard(v, noMatch);
    return [unmatched, fall, ...breaks].reduce(join, DEAD);
  }

  private loop(stmt: Extract<Stmt, { k: 'loop' }>, s0: State): State {
    if (stmt.macro === 'scoped_guard') return this.scopedGuard(stmt, s0);
    const entry = stmt.init ? this.expr(stmt.init, s0) : s0;
    this.loopMarks.push(this.guards.length);
    this.breakStates.push([]);
    let head = entry;
    let exit: State = DEAD;
    // Two rounds reach the held sets a loop can produce; a third would add nothing new
    // for the common lock/unlock-in-body shapes. A second round from the state the first
    // began with would repeat it exactly, so it is skipped: nested loops stay linear.
    for (let round = 0; round < 2; round++) {
      let next: State;
      if (stmt.doWhile) {
        // The body runs before the test: `do { … } while (0)` runs it exactly once.
        const after = this.block(stmt.body, head);
        const [again, out] = stmt.test ? this.cond(stmt.test, after) : [after, after];
        exit = join(exit, out);
        next = join(head, again);
      } else {
        const [inBody, out] = stmt.test ? this.cond(stmt.test, head) : [head, head];
        exit = join(exit, out);
        let after = this.block(stmt.body, inBody);
        if (stmt.update && !after.dead) after = this.expr(stmt.update, after);
        next = join(head, after);
      }
      if (sameState(next, head) && !hasLabel(stmt.body)) break;
      head = next;
    }
    const breaks = this.breakStates.pop() ?? [];
    this.loopMarks.pop();
    return [exit, ...breaks].reduce(join, DEAD);
  }

  /** `scoped_guard(class, args…) { body }`: the body runs once with the lock held. */
  private scopedGuard(stmt: Extract<Stmt, { k: 'loop' }>, s0: State): State {
    const parts = stmt.update ? flattenSeq(stmt.update) : [];
    const [cls, ...args] = parts;
    const at: Call = { k: 'call', callee: { k: 'id', name: 'scoped_guard' }, args, pos: stmt.pos, text: `scoped_guard(${cls?.k === 'id' ? cls.name : '?'})` };
    const mark = this.guards.length;
    this.loopMarks.push(mark);
    this.breakStates.push([]);
    let s = cls?.k === 'id' ? this.takeGuard(cls.name, args, at, this.evalArgs(at, s0)) : s0;
    s = this.block(stmt.body, s);
    s = this.releaseGuards(s, mark);
    this.guards.length = mark;
    const breaks = this.breakStates.pop() ?? [];
    this.loopMarks.pop();
    return [s, ...breaks].reduce(join, DEAD);
  }

  /**
   * Return paths: a function returns holding the locks held on every one of them. `failed`: it
   * returns `ERR_PTR(…)`, after which callers leave, so its journal state is not the function's.
   */
  private recordExit(s: State, failed = false): void {
    if (s.dead) return;
    const exit = summaryJournal(journalOf(s));
    if (!failed) this.exitJournal = this.exitJournal === null ? exit : joinJournal(this.exitJournal, exit);
    this.exitLists = this.exitLists === null ? s.drained : joinListFacts(this.exitLists, s.drained);
    const keyOf = (h: HeldLock): string => `${h.lock}|${h.mode}`;
    // A lock taken again for the caller is theirs as before: not returned held in addition.
    const returned = s.held.filter((h) => !h.retaken && !h.gate);
    if (!this.sawExit) {
      for (const h of returned) if (!this.returnsHeld.has(keyOf(h))) this.returnsHeld.set(keyOf(h), h);
    } else {
      const here = new Set(returned.map(keyOf));
      for (const key of [...this.returnsHeld.keys()]) if (!here.has(key)) this.returnsHeld.delete(key);
    }
    this.sawExit = true;
    for (const r of s.released) this.releases.add(r);
    if (this.exitIrq === null) {
      this.exitIrq = s.irq;
      this.exitIrqWitness = s.irqWitness;
    } else {
      this.exitIrq = joinIrq(this.exitIrq, s.irq);
    }
  }

  /**
   * Whether every `return` the body spells gives a non-zero constant: read from the text, not
   * from the paths the analysis keeps, since a path it wrongly takes for dead would otherwise
   * kill its callers' other branch.
   */
  private everyReturnNonZero(body: Stmt[]): boolean {
    let all = true;
    forEachReturn(body, (r) => {
      const constant = r.value ? this.argConstant(r.value) : null;
      if (!constant || (!constant.nonZero && (constant.value ?? 0) === 0)) all = false;
    });
    return all;
  }

  /** A path returning `value`: a constant zero adds nothing, anything else the path's guard (and the value's own test). */
  private recordReturnValue(value: Expr, s: State): void {
    this.sawValueReturn = true;
    this.valueReturns++;
    if (this.argConstant(value)?.value === 0) return;
    if (this.tryReturns !== 'other') this.tryReturns = this.isTry(value) ? 'all' : 'other';
    const own = this.branchGuards(value, s)?.[0] ?? null;
    this.returnsOwnTest = own !== null && own.length === 1 && s.guard === null;
    const guard = own ? meetGuards(own, s.guard) : s.guard;
    this.nonZeroWhen = this.nonZeroWhen === undefined ? guard : joinGuards(this.nonZeroWhen, guard);
  }

  /**
   * `current == d->dpc_thread`, `current_work() != &d->reset_work`: false in a function that the run
   * kept at that place never reaches (program/run-reach.ts), else a guard its callers decide the
   * same way. Not a test where the program starts no thread kept at the place: then which task it
   * is, the analysis cannot tell.
   */
  private runTest(e: Expr, s: State): [State, State] | null {
    const test = s.dead ? null : currentRunTest(e);
    const runs = test ? this.runsTested(test) : [];
    if (!test || runs.length === 0 || runs.some((r) => this.ctx.runReach.runningOn(r) === null)) return null;
    const v = this.expr(e, s);
    // Callers of a function those runs never reach are not those runs' either.
    const here = this.onRuns(runs);
    const on = here === null ? withGuard(v, [{ param: RUN_PARAM, test: 'in', values: [...runs] }]) : here ? v : DEAD;
    const off = here === null ? withGuard(v, [{ param: RUN_PARAM, test: 'notIn', values: [...runs] }]) : here ? DEAD : v;
    return test.equal ? [on, off] : [off, on];
  }

  /** The runs a test names: the one kept at the place it names, or the threads created with the name it compares. */
  private runsTested(test: CurrentRunTest): readonly string[] {
    if ('threadName' in test) return this.ctx.runsByThreadName.get(test.threadName) ?? [];
    const place = waitPlaceAt(this.ctx.identity, this.fnId, test.kind, test.place);
    return place === null ? [] : [waitResource(test.kind, place)];
  }

  /**
   * Whether this function runs as one of `runs`, where that is known: not when none of them
   * reaches it; yes in a function entered only as runs (a work function no call names), when
   * each of those is one of `runs`, and no when none is.
   */
  private onRuns(runs: readonly string[]): boolean | null {
    if (!runs.some((r) => this.ctx.runReach.runningOn(r)?.has(this.fnId) ?? true)) return false;
    const only = this.ctx.runReach.enteredOnlyAs(this.fnId);
    if (only.length === 0) return null;
    if (only.every((r) => runs.includes(r))) return true;
    return only.some((r) => runs.includes(r)) ? null : false;
  }

  /**
   * `in_interrupt()` and the like: decided in an entry point that runs in one context, else a
   * guard on the context that callers decide (`raise_softirq_irqoff()` wakes ksoftirqd only
   * outside interrupts; from `hrtimer_interrupt()` it never does).
   */
  private contextTest(trueIn: readonly ExecContext[], s: State): [State, State] {
    if (this.context) return trueIn.includes(this.context) ? [s, DEAD] : [DEAD, s];
    const values = [...trueIn].sort();
    return [withGuard(s, [{ param: CONTEXT_PARAM, test: 'in', values }]), withGuard(s, [{ param: CONTEXT_PARAM, test: 'notIn', values }])];
  }

  /**
   * The states where a condition is `value`, one per disjunct when that is a disjunction (`A ||
   * B` holds as `A`, and `!A && B`; `A && B` fails as `!A`, and `A && !B`), when their guards say
   * more apart than joined; null otherwise.
   */
  private waysTo(value: boolean, e: Expr, s: State): State[] | null {
    if (!isDisjunctive(e, value)) return null;
    const ways = this.waysWhere(value, e, s).filter((w) => !w.dead);
    if (ways.length < 2 || ways.length > MAX_CONDITION_WAYS) return null;
    const joined = ways.reduce(join);
    return ways.every((w) => sameGuard(w.guard, joined.guard)) ? null : ways;
  }

  private waysWhere(value: boolean, e: Expr, s: State): State[] {
    if (e.k === 'not' && e.arg.k === 'logic') return this.waysWhere(!value, e.arg, s);
    if (e.k !== 'logic') return [this.cond(e, s)[value ? 0 : 1]];
    // The operator whose `value` needs both sides: `&&` to hold, `||` to fail.
    if ((e.op === '&&') === value) return this.waysWhere(value, e.left, s).flatMap((l) => (l.dead ? [] : this.waysWhere(value, e.right, l)));
    const [leftHolds, leftFails] = this.cond(e.left, s);
    const left = e.left.k === 'logic' || e.left.k === 'not' ? this.waysWhere(value, e.left, s) : [value ? leftHolds : leftFails];
    return [...left, ...this.waysWhere(value, e.right, value ? leftFails : leftHolds)];
  }

  /**
   * `if (!in_atomic() && !irqs_disabled())`: decided where this path tells (a spinning lock it
   * holds), else a guard on the atomicity at entry that callers decide.
   */
  private atomicityTest(trueIn: readonly Atomicity[], s: State): [State, State] {
    const possible = atomicityAtEntry(this.context);
    const whenTrue = entriesWhere(possible, pathAtomicity(s), (here) => trueIn.includes(here));
    if (whenTrue === null) return [s, s];
    const branch = (values: Atomicity[]): State =>
      values.length === 0 ? DEAD : values.length === possible.length ? s : withGuard(s, [{ param: ATOMIC_PARAM, test: 'in', values }]);
    return [branch(whenTrue), branch(possible.filter((a) => !whenTrue.includes(a)))];
  }

  /**
   * `if (current->journal_info)`, directly or through a local that holds it: decided where the
   * state is known here, else a guard on the state at entry that callers decide.
   */
  private journalTest(e: Expr, s: State): [State, State] | null {
    let read = e.k === 'cast' ? e.arg : e;
    let negated = false;
    if (read.k === 'bin' && (read.op === '==' || read.op === '!=') && this.argConstant(read.right)?.value === 0) {
      negated = read.op === '==';
      read = read.left;
    }
    const reads = isJournalSlot(read) || (read.k === 'id' && s.journalLocals.includes(read.name));
    const state = journalOf(s);
    if (!reads && read.k === 'id' && s.handleLocals.includes(read.name) && !s.dead && (state === 'entryOrSet' || state === 'unknown')) {
      // Non-zero only on the paths that took a handle, which is then the task's.
      const taken: State = { ...s, journal: 'set' };
      return negated ? [s, taken] : [taken, s];
    }
    if (!reads || s.dead) return null;
    const branches = ((): [State, State] => {
      switch (journalOf(s)) {
        case 'set': return [s, DEAD];
        case 'clear': return [DEAD, s];
        case 'unknown': return [{ ...s, journal: 'set' }, { ...s, journal: 'clear' }];
        // Clear only where it is as at entry and the caller had none.
        case 'entryOrSet': return [{ ...s, journal: 'set' }, withGuard({ ...s, journal: 'entry' }, JOURNAL_CLEAR)];
        case 'entry': return [withGuard(s, JOURNAL_SET), withGuard(s, JOURNAL_CLEAR)];
      }
    })();
    return negated ? [branches[1], branches[0]] : branches;
  }

  /**
   * `if (refcount_read(&trans->use_count) > 1)` on a handle parameter: whether the handle was
   * taken inside another (models/task-journal.ts), a test the caller decides where it took it.
   */
  private nestingTest(e: Expr, s: State): [State, State] | null {
    const handle = s.dead ? null : nestedHandleTested(e);
    const param = handle ? this.paramHere(handle, s) : -1;
    if (param < 0) return null;
    const nested = (test: 'in' | 'notIn'): Guard => [{ param, field: NESTED_HANDLE, test, values: ['0'] }];
    return [withGuard(s, nested('notIn')), withGuard(s, nested('in'))];
  }

  /**
   * The branches of `if (f(…))` by `f`'s summary: the true one only where `f` may return non-zero.
   * A trylock wrapper (`anon_vma_trylock_read()`) holds what it took on the true branch only.
   */
  private returnTest(c: Call, after: State, before: State): [State, State] {
    const summary = this.singleSummary(c);
    const when = summary?.nonZeroWhen ?? null;
    const failed = summary?.trylock ? { ...after, held: after.held.filter((h) => before.held.includes(h)) } : after;
    // A trylock wrapper's success: what taking the lock tells (`if (rtnl_trylock())`).
    const v = summary?.trylock ? { ...after, drained: emptiedBy(after.held.filter((h) => !before.held.includes(h)).map((h) => h.lock), after.drained) } : after;
    if (when === 'never') return [DEAD, failed];
    const guard = this.guardAtCall(when, c, before);
    if (guard === 'never') return [DEAD, failed];
    if (summary?.neverZero) return [withGuard(v, guard), DEAD];
    const [test] = summary?.nonZeroExact && when?.length === 1 ? when : [];
    if (!test) return [withGuard(v, guard), failed];
    // `if (!is_journal_aborted(j))`: zero exactly where the one test fails.
    const zero = this.guardAtCall(negateTest(test), c, before);
    return [withGuard(v, guard), zero === 'never' ? DEAD : withGuard(failed, zero)];
  }

  /** The summary of the one function a direct call reaches, if it reaches one. */
  private singleSummary(c: Call): Summary | undefined {
    const name = calleeName(c);
    const defs = name ? resolveCallee(this.ctx.program, this.fn(), name) : [];
    return defs.length === 1 ? this.ctx.summaries.get(defs[0] as FnId) : undefined;
  }

  /** `return spin_trylock(&l)`, or a trylock wrapper's call: the value says whether the lock was taken. */
  private isTry(value: Expr): boolean {
    const e = value.k === 'cast' ? value.arg : value;
    if (e.k !== 'call') return false;
    const name = calleeName(e);
    const model = name ? modelOf(name) : undefined;
    if (model) return isLockOp(model) && model.op === 'trylock';
    return this.singleSummary(e)?.trylock === true;
  }

  // ------------------------------------------------------------ conditions

  /**
   * An open-coded reference drop (`--x->count > 0`, `--x->refs == 0`, `--x->refcnt`): the branch
   * where the count reaches zero is the last put, as for `refcount_dec_and_test()`.
   */
  private countDropTest(e: Expr, s: State): [State, State] | null {
    const zeroWhen = isCountDrop(e) ? 'whenFalse'
      : e.k === 'bin' && isCountDrop(e.left) && e.right.k === 'num' && e.right.value === 0
        ? (e.op === '==' ? 'whenTrue' : e.op === '!=' || e.op === '>' ? 'whenFalse' : null)
        : null;
    return zeroWhen === null ? null : lastPutBranches(this.expr(e, s), zeroWhen);
  }

  /**
   * `list_empty()` of a drained list (models/drained-lists.ts), or of a local that took its
   * entries over: decided where the list is known empty, else a test of its state at entry.
   */
  private drainedListTest(e: Expr, s: State): [State, State] | null {
    if (e.k !== 'call') return null;
    const name = calleeName(e);
    const tested = name ? testedList(name, e.args, s.drained) : null;
    if (!tested) return null;
    const v = this.expr(e, s);
    switch (tested.state) {
      case 'empty': return [v, DEAD];
      case 'unknown': return [v, v];
      case 'entry': return [withGuard(v, listGuard(tested.list, true)), withGuard(v, listGuard(tested.list, false))];
    }
  }

  /** States on the true and the false branch: trylock success and parameter guards split here. */
  private cond(e: Expr, s: State): [State, State] {
    const handle = this.runTest(e, s) ?? this.countDropTest(e, s) ?? this.drainedListTest(e, s) ?? this.journalTest(e, s) ?? this.nestingTest(e, s) ?? this.flagTest(e, s) ?? this.knownFieldTest(e, s) ?? this.localFlagTest(e, s);
    if (handle) return handle;
    switch (e.k) {
      // `while (0)`, `while (1)`: the literal decides.
      case 'num': return e.value === 0 ? [DEAD, s] : [s, DEAD];
      case 'not': {
        const [t, f] = this.cond(e.arg, s);
        return [f, t];
      }
      case 'logic': {
        const [lt, lf] = this.cond(e.left, s);
        if (e.op === '&&') {
          const [rt, rf] = this.cond(e.right, lt);
          return [rt, join(lf, rf)];
        }
        const [rt, rf] = this.cond(e.right, lf);
        return [join(lt, rt), rf];
      }
      case 'call': {
        const bits = this.bitAccess(e);
        if (bits?.op.reads) return this.bitTest(e, bits, s);
        const name = calleeName(e);
        const model = name ? modelOf(name) : undefined;
        const gate = name ? this.gateTaken(e, name) : null;
        if (gate) {
          // Non-zero: the bit was set already, and another task is inside.
          const after = this.evalArgs(e, s);
          return [after, this.insideGate(after, e, gate)];
        }
        if (model && isLockOp(model) && model.op === 'trylock') {
          const after = this.evalArgs(e, s);
          return [this.acquire(e, model, after, false), after];
        }
        if (model && 'transparent' in model && e.args[0]) return this.cond(e.args[0], s);
        if (model && 'gfpTest' in model) return this.gfpTest(e.args[model.gfpTest], this.evalArgs(e, s));
        if (model && 'contextTest' in model) return this.contextTest(model.contextTest, s);
        if (model && 'atomicityTest' in model) return this.atomicityTest(model.atomicityTest, s);
        if (model && 'configTest' in model) {
          const taken = this.ctx.conditions.evaluate(`${name}(${e.args[0]?.k === 'id' ? e.args[0].name : '?'})`);
          return taken === null ? [s, s] : taken ? [s, DEAD] : [DEAD, s];
        }
        const v = this.expr(e, s);
        if (model && 'lastPut' in model) return lastPutBranches(v, model.lastPut);
        return model || v.dead ? [v, v] : this.returnTest(e, v, s);
      }
      default: {
        const v = this.expr(e, s);
        if (e.k === 'id') {
          const tried = this.triedInto(e.name, v);
          if (tried) return tried;
        }
        const guards = this.branchGuards(e, s);
        if (!guards) return [v, v];
        return [withGuard(v, guards[0]), withGuard(v, guards[1])];
      }
    }
  }

  /**
   * The guards of a test's true and false branches when it tests one parameter: `wait`,
   * `scf_flags & SCF_WAIT`, `flush == C`, `ins_len > 0`, their negations, or a local assigned
   * once from one of them.
   */
  private branchGuards(e: Expr, s: State, depth = 0): [Guard, Guard] | null {
    if (depth > 2) return null;
    if (e.k === 'cast') return this.branchGuards(e.arg, s, depth + 1);
    if (e.k === 'not') {
      // `bool can_wait = !!(gfp & __GFP_DIRECT_RECLAIM);`: a negation only swaps the branches.
      const inner = this.branchGuards(e.arg, s, depth);
      return inner ? [inner[1], inner[0]] : null;
    }
    if (e.k === 'id' || e.k === 'field' || e.k === 'deref') {
      const subject = e.k !== 'id' ? this.testedSubject(e, s) : null;
      if (subject) return [[{ ...subject, test: 'notIn', values: ['0'] }], [{ ...subject, test: 'in', values: ['0'] }]];
      const p = e.k === 'id' ? this.paramHere(e.name, s) : -1;
      if (p >= 0) return [whenSet(p), whenZero(p)];
      const assigned = e.k === 'id' ? this.singleLocalAssignment(e.name) : null;
      return assigned ? this.branchGuards(assigned, s, depth + 1) : null;
    }
    if (e.k === 'call') {
      const bits = this.bitAccess(e);
      if (bits?.op.reads) return this.branchGuards(bits.test, s, depth + 1);
      return this.gfpBranchGuards(e, s) ?? this.returnGuards(e, s);
    }
    if (e.k === 'cond') return this.conditionalGuards(e, s, depth);
    if (e.k !== 'bin') return null;
    if (e.op === '&') {
      // `flags & mask` with a variable mask tests no flag a caller's constant can be compared with.
      if (e.right.k !== 'id') return this.anyFlagGuards(e.left, e.right, s);
      if (this.isVariable(e.right.name)) return null;
      const subject = this.testedSubject(e.left, s, 0, e.right.name);
      if (!subject) return null;
      const has: ParamTest = { ...subject, test: 'flag', flag: e.right.name };
      return [[has], negateTest(has)];
    }
    const op = COMPARISONS[e.op];
    if (!op) return null;
    const zeroTested = this.zeroComparisonGuards(e, op, s, depth);
    if (zeroTested !== undefined) return zeroTested;
    const left = this.testedSubject(e.left, s);
    const [subject, constant, cmp] = left !== null ? [left, e.right, op] : [this.testedSubject(e.right, s), e.left, MIRRORED[op]];
    if (subject === null) return null;
    if (cmp === '==' || cmp === '!=') {
      const name = this.constName(constant);
      if (name === null && this.argConstant(constant)?.nonZero) {
        // `dev->bus == &pci_bus_type`: equal says only that the subject is not NULL.
        const set: Guard = [{ ...subject, test: 'notIn', values: ['0'] }];
        return cmp === '==' ? [set, null] : [null, set];
      }
      if (name === null) return null;
      const equal: ParamTest = { ...subject, test: 'in', values: [name] };
      return cmp === '==' ? [[equal], negateTest(equal)] : [negateTest(equal), [equal]];
    }
    const bound = this.argConstant(constant)?.value ?? null;
    // A bound past what a double holds exactly (`BIT_ULL(63)`) is no test.
    if (bound === null || !Number.isSafeInteger(bound) || Math.abs(bound) > 2 ** 52) return null;
    const holds: ParamTest = { ...subject, test: 'cmp', op: cmp, bound };
    return [[holds], negateTest(holds)];
  }

  /**
   * `(flags & F) != 0`, `0 == (flags & F)`, and `(flags & F) == F` for a one-bit `F`: a test of
   * the truth of `flags & F`, or of whatever the side compared with zero is when that side is no
   * tested subject of its own (`p == 0` stays an equality test). Undefined for another
   * comparison, null for one the other side does not decide.
   */
  private zeroComparisonGuards(e: Extract<Expr, { k: 'bin' }>, op: '==' | '!=' | CmpOp, s: State, depth: number): [Guard, Guard] | null | undefined {
    if (op !== '==' && op !== '!=') return undefined;
    const zero = (x: Expr): boolean => x.k === 'num' && x.value === 0;
    const withZero = zero(e.right) ? e.left : zero(e.left) ? e.right : null;
    const tested = withZero ?? this.maskedBit(e.left, e.right) ?? this.maskedBit(e.right, e.left);
    if (tested === null || this.testedSubject(tested, s) !== null) return undefined;
    const truth = this.branchGuards(tested, s, depth + 1);
    // Equal to zero is false; equal to the one bit masked is true.
    return truth && (op === '==') === (withZero !== null) ? [truth[1], truth[0]] : truth;
  }

  /** `masked` when it is `x & F` and `other` is `F`, a constant of one bit; else null. */
  private maskedBit(masked: Expr, other: Expr): Expr | null {
    if (masked.k !== 'bin' || masked.op !== '&' || masked.right.k !== 'id' || other.k !== 'id' || other.name !== masked.right.name) return null;
    const value = this.argConstant(other)?.value ?? null;
    // Not `value & (value - 1)`: JavaScript's `&` keeps 32 bits.
    return value !== null && value > 0 && Number.isSafeInteger(value) && Number.isInteger(Math.log2(value)) ? masked : null;
  }

  /**
   * `flags & (A | B)`: zero only where the parameter has none of the flags, a test the callers
   * decide (`rpm_suspend(dev, RPM_ASYNC | RPM_AUTO)` never waits behind `if (rpmflags &
   * (RPM_ASYNC | RPM_NOWAIT)) goto out;`). Non-zero is "one of them", which a guard does not say.
   */
  private anyFlagGuards(value: Expr, mask: Expr, s: State): [Guard, Guard] | null {
    const flags = orOfConstants(mask);
    if (!flags || flags.size < 2 || [...flags].some((f) => this.isVariable(f))) return null;
    const lacks: ParamTest[] = [];
    for (const flag of [...flags].sort()) {
      const subject = this.testedSubject(value, s, 0, flag);
      if (!subject) return null;
      lacks.push({ ...subject, test: 'noFlag', flag });
    }
    return [null, lacks];
  }

  /**
   * `test ? A : B` is non-zero only on a branch whose arm may be (`noblock ? 0 : sk->sk_sndtimeo`
   * is non-zero only where `noblock` is zero), and zero only on one whose arm may be.
   */
  private conditionalGuards(e: Extract<Expr, { k: 'cond' }>, s: State, depth: number): [Guard, Guard] | null {
    // `p ? p->runtime : NULL` reads through the pointer it tests: whether the object is there is
    // its state, not a value the caller chooses, and a sleep under it must not wait on the caller.
    if (readsThrough(e.then, e.test) || readsThrough(e.else, e.test)) return null;
    const test = this.branchGuards(e.test, s, depth + 1);
    if (!test) return null;
    const [a, b] = [this.constantTruth(e.then), this.constantTruth(e.else)];
    const nonZero = parameterTests(a === false ? test[1] : b === false ? test[0] : null);
    const zero = parameterTests(a === true ? test[1] : b === true ? test[0] : null);
    return nonZero || zero ? [nonZero, zero] : null;
  }

  /** Whether an expression is a constant, and then whether it is non-zero. */
  private constantTruth(e: Expr): boolean | null {
    const c = this.argConstant(e);
    if (!c) return null;
    return c.nonZero ? true : c.value === null ? null : c.value !== 0;
  }

  /**
   * `if (f(…))` as a test of our parameters, by `f`'s summary (`timeo = sock_sndtimeo(sk,
   * nonblock)`: non-zero only where our `nonblock` is zero).
   */
  private returnGuards(c: Call, s: State): [Guard, Guard] | null {
    const summary = this.singleSummary(c);
    const when = summary?.nonZeroWhen ?? null;
    if (when === null || when === 'never') return null;
    // A test the call site decides either way says nothing of our parameters: `if (f(…))` reads
    // it through returnTest(), which can also kill a branch.
    const ours = (g: Guard | 'never'): Guard => (g === 'never' ? null : parameterTests(g));
    const nonZero = ours(this.guardAtCall(when, c, s));
    const [test] = summary?.nonZeroExact && when.length === 1 ? when : [];
    const zero = test ? ours(this.guardAtCall(negateTest(test), c, s)) : null;
    return nonZero !== null || zero !== null ? [nonZero, zero] : null;
  }

  /**
   * What a test or a switch reads of the parameters: a parameter itself (cast, or through a local
   * assigned once from it), or a field through a pointer parameter (`i->in_inode`) that this
   * path has not written yet, whose value the caller's `&local` may tell.
   */
  private testedSubject(e: Expr, s: State, depth = 0, flag?: string): { param: number; field?: string } | null {
    if (depth > 2) return null;
    if (e.k === 'cast') return this.testedSubject(e.arg, s, depth + 1, flag);
    if (e.k === 'deref' && e.arg.k === 'id') {
      const p = this.paramHere(e.arg.name, s);
      return p >= 0 && !s.written.includes(POINTEE) ? { param: p, field: POINTEE } : null;
    }
    if (e.k === 'field') {
      // `llc->raw.hdr.flags`: a field of a struct embedded in what the parameter points to.
      const read = fieldPathOf(e);
      const p = read ? this.paramHere(read.pointer, s) : -1;
      if (read && p < 0 && !read.path.includes('.')) return this.containerSubject(read.pointer, read.path, s);
      const otherBit = flag === undefined ? undefined : (written: string): boolean => this.disjointFlags(written, flag);
      return read && p >= 0 && !pathWritten(s, read.path, otherBit) ? { param: p, field: read.path } : null;
    }
    if (e.k !== 'id') return null;
    const p = this.paramHere(e.name, s, flag);
    if (p >= 0) return { param: p };
    const assigned = this.singleLocalAssignment(e.name);
    return assigned ? this.testedSubject(assigned, s, depth + 1, flag) : null;
  }

  /**
   * `x->f` where local `x` is only ever `container_of(param, S, m)` of a parameter that still
   * holds what the caller passed: a test of the embedding object's field, which a caller that
   * passes `&local->m` can decide (`rdma_listen(&dev_id_priv->id, …)` tests `id_priv->reuseaddr`).
   */
  private containerSubject(local: string, field: string, s: State): { param: number; field: string } | null {
    const value = this.paramIndex(local) < 0 ? this.singleLocalAssignment(local) : null;
    if (value?.k !== 'call' || calleeName(value) !== 'container_of' || pathWritten(s, field)) return null;
    const [pointer, , member] = value.args;
    const p = pointer?.k === 'id' ? this.paramHere(pointer.name, s) : -1;
    return p >= 0 && member?.k === 'id' && !isAddressTaken(this.fn().body, local) ? { param: p, field: containerField(member.name, field) } : null;
  }

  /** `name`'s parameter index where it still holds what the caller passed on this path, else -1. */
  private paramHere(name: string, s: State, flag?: string): number {
    if (s.written.includes(reassignedKey(name))) return -1;
    // `fgp_flags |= FGP_LOCK` changes no other flag: a test of `FGP_ACCESSED` is still the caller's.
    const changed = this.changedFlags(name, s);
    if (changed.length > 0 && (flag === undefined || !changed.every((a) => this.disjointFlags(changedFlag(a).flag, flag)))) return -1;
    return this.paramIndex(name);
  }

  /** The flags this path changed of parameter `name` (flagsChangedKey()). */
  private changedFlags(name: string, s: State): string[] {
    const prefix = flagsChangedKey(name, '');
    return s.written.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** The flag of parameter `name` that `guard` requires, if one: a flag ORed in under it is set only where the caller's value has that one. */
  private paramFlagTested(name: string, guard: Guard): string | null {
    const p = this.paramIndex(name);
    const test = guard?.find((t) => t.param === p && t.field === undefined && t.test === 'flag');
    return test?.test === 'flag' ? test.flag : null;
  }

  /** A flag's bits, a compound `A|B` (paramFlag()) as their OR; null when a value is not known. */
  private flagBits(flag: string): number | null {
    let bits = 0n;
    for (const name of flag.split('|')) {
      const v = this.constantValue(name);
      if (v === null || !Number.isSafeInteger(v)) return null;
      bits |= BigInt(v);
    }
    return Number(bits);
  }

  /**
   * The caller's flags a test of `flag` in a field that holds a parameter's value tests: `flag`,
   * with each flag the path set it under (`WQ_UNBOUND|WQ_POWER_EFFICIENT`); null when the path
   * may have set it regardless (then the caller's value does not decide it).
   */
  private paramFlag(known: KnownFlags, flag: string): string | null {
    const also: string[] = [];
    for (const entry of known.changed ?? []) {
      const changed = changedFlag(entry);
      if (this.disjointFlags(changed.flag, flag)) continue;
      if (changed.onlyWith === null) return null;
      also.push(changed.onlyWith);
    }
    return [flag, ...[...new Set(also)].sort()].join('|');
  }

  /**
   * Whether a constant argument (a number, a constant, an OR of constants) has a bit of `flag`,
   * where every value is known: `FROB_SYNC_ALL` is `FROB_SYNC_DATA | FROB_SYNC_META`, so it has
   * `FROB_SYNC_META` although it does not name it. Null when a value is not known.
   */
  private constantHasFlag(arg: Expr, flag: string): boolean | null {
    const names = orOfConstants(arg);
    const values = names ? [...names].map(this.constantValue) : [this.argConstant(arg)?.value ?? null];
    const bit = this.flagBits(flag);
    const known = (v: number | null): v is number => v !== null && Number.isSafeInteger(v);
    if (!known(bit) || !values.every(known)) return null;
    return (values.reduce((all, v) => all | BigInt(v), 0n) & BigInt(bit)) !== 0n;
  }

  /** Whether two flags' values are known and share no bit. */
  private disjointFlags(a: string, b: string): boolean {
    if (gfpFlagsDisjoint(a, b)) return true;
    const [x, y] = [this.flagBits(a), this.flagBits(b)];
    return x !== null && y !== null && (BigInt(x) & BigInt(y)) === 0n;
  }

  private paramIndex(name: string): number {
    return this.fn().params.findIndex((x) => x.name === name);
  }

  /** A constant as a guard names it (`BTRFS_RESERVE_NO_FLUSH`, `0`, `NULL` as `0`), or null. */
  private constName(e: Expr): ConstName | null {
    const c = this.argConstant(e);
    if (!c) return null;
    return c.name ?? (c.value === null ? null : String(c.value));
  }

  /**
   * A test of a local assigned once from a trylock (`failed = !mutex_trylock(&m); if (failed)`):
   * the trylock was taken as a success where it ran; the branch where it failed drops that lock.
   */
  private triedInto(name: string, s: State): [State, State] | null {
    let value = this.paramIndex(name) >= 0 ? null : this.singleLocalAssignment(name);
    let negated = false;
    while (value?.k === 'not') { negated = !negated; value = value.arg; }
    const callee = value?.k === 'call' ? calleeName(value) : null;
    const model = callee ? modelOf(callee) : undefined;
    // `closing = test_and_set_bit(CF_CLOSING, &con->flags); if (!closing)`: inside where it is zero.
    const gate = value?.k === 'call' && callee ? this.gateTaken(value, callee) : null;
    if (gate && value?.k === 'call') return negated ? [this.insideGate(s, value, gate), s] : [s, this.insideGate(s, value, gate)];
    if (value?.k !== 'call' || !model) return null;
    const branches = ((): [State, State] | null => {
      // `zero = __refcount_dec_and_test(&c->ref, &r); if (zero) free(c);`
      if ('lastPut' in model) return lastPutBranches(s, model.lastPut);
      if (!isLockOp(model) || model.op !== 'trylock') return null;
      const failed = this.release(value, { ...model, op: 'release', irq: undefined }, s);
      return [s, { ...failed, released: s.released }];
    })();
    return branches && negated ? [branches[1], branches[0]] : branches;
  }

  /** The value of a local assigned exactly once (`bool wait = scf_flags & SCF_WAIT;`). */
  private singleLocalAssignment(name: string): Expr | null {
    const all = assignmentsTo(this.fn().body, name);
    return all.length === 1 && all[0]?.op === '=' ? all[0].value : null;
  }

  // ------------------------------------------------------------ expressions

  private expr(e: Expr, s: State): State {
    if (s.dead) return s;
    switch (e.k) {
      case 'call': return this.call(e, s);
      case 'assign': {
        const assigned = this.expr(e.left, this.expr(e.right, s));
        if (assigned.dead) return assigned;
        const root = baseName(e.left);
        const after = root === null ? assigned : forgetName(assigned, root);
        if (isJournalSlot(e.left)) {
          // Setting it takes a handle over the state before, as a callee's start does.
          return this.argConstant(e.right)?.value === 0 ? { ...after, journal: 'clear', journalOuter: null, handleLocals: NO_NAMES } : { ...after, journal: 'set', journalOuter: after.journal };
        }
        if (e.left.k === 'id' && this.paramIndex(e.left.name) >= 0) {
          const rekeyed = reassignmentKeys(e.left.name, e.op, e.right, this.paramFlagTested(e.left.name, after.guard)).reduce(withWritten, after);
          return this.valueAssigned(e.left.name, e.op, e.right, s, rekeyed);
        }
        if (e.left.k === 'id') return this.valueAssigned(e.left.name, e.op, e.right, s, this.assignedLocal(e.left.name, e.op === '=' ? e.right : null, after));
        const written = e.left.k === 'field' ? this.fieldAssigned(e.left, e.op, e.right, after) : e.left.k === 'deref' ? withWritten(after, POINTEE) : after;
        const key = e.left.k === 'field' ? pathKey(e.left) : null;
        if (!key) return written;
        const keys = this.ctx.identity.valueOf(this.fnId, e.right).filter((v) => v.k !== 'unknown').map(absKey);
        const stores = { ...written.stores };
        if (e.op === '=' && keys.length > 0) stores[key] = [...new Set(keys)].sort();
        else delete stores[key];
        return { ...written, stores };
      }
      case 'logic':
      case 'cond': {
        const test = e.k === 'cond' ? e.test : e.left;
        const [t, f] = this.cond(test, s);
        if (e.k === 'cond') return join(this.expr(e.then, t), this.expr(e.else, f));
        return e.op === '&&' ? join(this.expr(e.right, t), f) : join(t, this.expr(e.right, f));
      }
      case 'stmt': return this.block(e.body, s);
      case 'field': return this.expr(e.base, s);
      case 'addr': case 'deref': case 'not': case 'unary': case 'cast': return this.expr(e.arg, s);
      case 'index': return this.expr(e.index, this.expr(e.base, s));
      case 'bin': return this.expr(e.right, this.expr(e.left, s));
      case 'seq': return e.items.reduce((acc, x) => this.expr(x, acc), s);
      default: return s;
    }
  }

  /**
   * The flags a variable holds after `name op= right` (State.known's valueKey()): constants
   * given (`flags = A | B`), ORed in (`gup_flags |= FOLL_FAST_ONLY`) or taken out (`&= ~A`). A
   * callee's test of the argument is decided by them (testAtCall()). `before`: the state before
   * the assignment; anything else written to it, or its address taken, forgets them.
   */
  private valueAssigned(name: string, op: string, right: Expr, before: State, s: State): State {
    const key = valueKey(name);
    const assigned = this.flagsAssigned(op, right, before.known[key], before);
    const next = assigned && !isAddressTaken(this.fn().body, name) ? assigned : null;
    if (!next && !(key in s.known)) return s;
    const { [key]: _old, ...rest } = s.known;
    return { ...s, known: next ? { ...rest, [key]: next } : rest };
  }

  private flagsAssigned(op: string, right: Expr, prior: KnownFlags | undefined, before: State): KnownFlags | null {
    const value = unwrapCasts(right);
    if (op === '=') {
      if (value.k === 'id' && this.isVariable(value.name)) return before.known[valueKey(value.name)] ?? null;
      // Not `i = 0`: a counter's value is no flag set, and every join would carry it.
      const flags = this.constantFlags(value);
      return flags?.size ? { set: [...flags].sort(), othersClear: true, params: [], clear: [] } : null;
    }
    if (op === '|=') {
      const flags = this.constantFlags(value);
      return flags ? withFlagsSet(prior ?? NOTHING_KNOWN, flags) : null;
    }
    const cleared = op === '&=' && value.k === 'unary' && value.op === '~' ? orOfConstants(value.arg) : null;
    return cleared ? withFlagsCleared(prior ?? NOTHING_KNOWN, cleared) : null;
  }

  /** A local given `value` (null: changed otherwise): whether it now holds the task's handle, or which constant. */
  private assignedLocal(name: string, value: Expr | null, s0: State): State {
    const s = this.flagAssigned(name, value, this.knownOfAssigned(name, value, forgetFieldsOf(name, s0)));
    const holds = value !== null && isJournalSlot(value.k === 'cast' ? value.arg : value);
    const had = s.journalLocals.includes(name);
    const handle = value !== null && this.isHandleOrNull(value);
    const t = handle === s.handleLocals.includes(name) ? s : { ...s, handleLocals: handle ? [...s.handleLocals, name].sort() : s.handleLocals.filter((x) => x !== name) };
    if (holds === had) return t;
    return { ...t, journalLocals: holds ? [...t.journalLocals, name].sort() : t.journalLocals.filter((x) => x !== name) };
  }

  /**
   * What is known of the object a local is given: the fields known of the pointer it is copied
   * from (`min_bg = block_group`), or, for NULL, every field (no object: what the local holds
   * after a join is what the paths that gave it one know).
   */
  private knownOfAssigned(name: string, value: Expr | null, s: State): State {
    const from = value === null ? null : unwrapCasts(value);
    if (from === null || s.dead) return s;
    if (this.argConstant(from)?.value === 0) return (this.ctx.identity.localType(this.fnId, name)?.pointer ?? 0) > 0 ? { ...s, known: { ...s.known, [`@${name}:${NULL_OBJECT}`]: NOTHING_KNOWN } } : s;
    if (from.k !== 'id' || from.name === name || !this.isVariable(from.name)) return s;
    const prefix = `@${from.name}:`;
    const copied = Object.entries(s.known).filter(([key]) => key.startsWith(prefix)).map(([key, v]) => [`@${name}:${key.slice(prefix.length)}`, v] as const);
    return copied.length ? { ...s, known: { ...s.known, ...Object.fromEntries(copied) } } : s;
  }


  /** NULL, or what a call that leaves the task a handle returns (its `ERR_PTR()` aside). */
  private isHandleOrNull(value: Expr): boolean {
    const e = value.k === 'cast' ? value.arg : value;
    if (e.k === 'call') return this.singleSummary(e)?.journalExit === 'set';
    return this.argConstant(e)?.value === 0;
  }

  private flagAssigned(name: string, value: Expr | null, s: State): State {
    const flag = value && this.isFlagLocal(name) ? this.flagValue(value, s) : null;
    if (flag === null) {
      if (!(name in s.flags)) return s;
      const { [name]: _dropped, ...rest } = s.flags;
      return { ...s, flags: rest };
    }
    return { ...s, flags: { ...s.flags, [name]: flag } };
  }

  /** When a flag local given `value` here is set and when zero: a number's, or a state test's branches. */
  private flagValue(value: Expr, s: State): FlagValue | null {
    const constant = this.argConstant(value)?.value;
    if (typeof constant === 'number') return constant === 0 ? { set: 'never', zero: s.guard } : { set: s.guard, zero: 'never' };
    if (!isStateTest(value)) return null;
    // `bool not_atomic = !in_atomic() && !irqs_disabled();`: the state where it is assigned.
    const [t, f] = this.cond(value, s);
    return { set: t.dead ? 'never' : t.guard, zero: f.dead ? 'never' : f.guard };
  }

  /**
   * A local that every assignment gives a number (`int exist = 0; … exist = 1;`) or a test of
   * the state that calls nothing else (`not_atomic = !in_atomic() && !irqs_disabled()`).
   */
  private isFlagLocal(name: string): boolean {
    let known = this.flagLocals.get(name);
    if (known === undefined) {
      const all = this.paramIndex(name) >= 0 ? [] : assignmentsTo(this.fn().body, name);
      known = all.length > 0 && all.every((a) => a.op === '=' && (typeof this.argConstant(a.value)?.value === 'number' || isStateTest(a.value)));
      this.flagLocals.set(name, known);
    }
    return known;
  }

  /** `if (exist)` on a flag local: each branch under the guards its value had. */
  private flagTest(e: Expr, s: State): [State, State] | null {
    const flag = e.k === 'id' && !s.dead ? s.flags[e.name] : undefined;
    if (!flag) return null;
    const branch = (g: Guard | 'never'): State => (g === 'never' || isImpossible(meetGuards(g, s.guard)) ? DEAD : withGuard(s, g));
    return [branch(flag.set), branch(flag.zero)];
  }

  private evalArgs(c: Call, s: State): State {
    const after = c.args.reduce((acc, a) => this.expr(a, acc), s);
    // `flags_of(&gfp)`: the callee may give the parameter another value.
    return c.args.reduce((acc, a) => (a.k === 'addr' && a.arg.k === 'id' && this.paramIndex(a.arg.name) >= 0 ? withWritten(acc, reassignedKey(a.arg.name)) : acc), after);
  }

  private call(c: Call, s0: State): State {
    const expanded = this.inlineDepth < MAX_INLINED_MACROS ? this.expandedCommandMacro(c) : null;
    if (expanded) {
      this.inlineDepth++;
      try {
        return this.block(expanded, s0);
      } finally {
        this.inlineDepth--;
      }
    }
    const evaluated = this.evalArgs(c, s0);
    const name = directCallee(c, this.fn());
    const moved = name ? afterListCall(name, c.args, evaluated.drained) : null;
    const s = moved ? { ...evaluated, drained: moved } : evaluated;
    if (name) {
      const bits = this.bitAccess(c);
      if (bits) return this.bitWritten(c, bits, s);
      const opened = gateOpener(name);
      if (opened) return this.openGate(c, opened, s);
      const signal = signalOf(name);
      if (signal) this.signals(c, signal.kind, c.args[signal.arg], s);
      const model = modelOf(name);
      if (model) {
        // A read-side section's start never waits (`srcu_read_lock()`): only its updater does.
        if (isLockOp(model)) {
          if (model.op === 'release') return this.release(c, model, s);
          // A freeze waits for no other freezer, but it sleeps until the requests in flight drain.
          if (model.sleeps) this.sleeps(s, null, this.lazyLink(c, 'wait'));
          const after = this.acquire(c, model, s, model.op === 'acquire' && !model.section);
          return model.sleeps ? { ...after, slept: true } : after;
        }
        if (isIrqOp(model)) return this.irqOp(c, model, s);
        if (isIpiWait(model)) return this.ipiWait(c, model, s);
        if (isFieldCall(model)) return this.indirect(c, model.callsField, s);
        if (isAssertHeld(model)) return this.assertHeld(c, model, s);
        if ('noreturn' in model) return { ...s, dead: true };
        if ('maySleep' in model) {
          // The sleep is the model's; what the function does inside (its locks) is still its own.
          const waiting = model.unlessFlag ? this.lacking(c.args[model.unlessFlag.arg], model.unlessFlag.flag, s) : s;
          if (!waiting.dead) {
            this.sleeps(waiting, null, this.lazyLink(c, 'wait'));
            if (model.waitsOn) this.waitsOn(c, model.waitsOn.kind, c.args[model.waitsOn.arg], waiting);
          }
          const defs = resolveCallee(this.ctx.program, this.fn(), name);
          return { ...(defs.length ? this.integrateAll(c, defs, s, false) : s), slept: !waiting.dead || s.slept };
        }
        if ('leaf' in model && model.leaf === 'schedule') {
          if (!('preemption' in model)) this.sleeps(s, null, this.lazyLink(c, 'wait'));
          return { ...s, slept: true };
        }
        if ('leaf' in model) return this.allocation(c, model, s);
        return s;
      }
      const defs = resolveCallee(this.ctx.program, this.fn(), name);
      if (defs.length === 0) { this.ctx.stats.unresolvedCalls++; return this.forgetWrittenBy(c, defs, s); }
      return this.storedByCallee(c, defs, this.forgetWrittenBy(c, defs, this.integrateAll(c, defs, s, false)));
    }
    return this.forgetWrittenBy(c, [], this.indirect(c, null, this.expr(c.callee, s)));
  }

  /**
   * What a call may write of the objects it is handed (`x`, `&x->sub`): the fields known here of
   * a local's object (State.known) that it may write (mayWriteField()) are no longer known. A
   * parameter's are kept: what the path wrote there is what its callees are called with (a
   * callee that changes it is not followed), and reading every callee's body would tie each
   * caller to its callees' bodies for check-patch.
   */
  private forgetWrittenBy(c: Call, defs: readonly FnId[], s: State): State {
    if (s.dead) return s;
    const keys = Object.keys(s.known);
    if (keys.length === 0) return s;
    const handed = new Set(c.args.flatMap((a) => { const name = handedObject(a); return name === null ? [] : [name]; }));
    if (handed.size === 0) return s;
    const writes = (field: string): boolean => this.mayWriteField(c, field, defs);
    const forgotten = keys.filter((key) => {
      const { holder, field } = splitKnownKey(key);
      // What our pointer holds (NULL) is ours: no callee changes it.
      return holder.startsWith('@') && handed.has(holder.slice(1)) && field !== NULL_OBJECT && writes(field);
    });
    if (forgotten.length === 0) return s;
    return { ...s, known: Object.fromEntries(Object.entries(s.known).filter(([key]) => !forgotten.includes(key))) };
  }

  /**
   * `_cma_attach_to_dev(id_priv, cma_dev)`, whose one body sets `id_priv->cma_dev = cma_dev` on
   * every path (calleeStores()): after the call our local's field holds what we passed, as if
   * written here (State.known), so a later callee's test of it is ours to decide. The body is read
   * one level down and marked as consulted for check-patch, as mayWriteField() does.
   */
  private storedByCallee(c: Call, defs: readonly FnId[], s: State): State {
    const [only] = defs;
    const callee = defs.length === 1 && only !== undefined ? this.ctx.program.functions[only] : undefined;
    if (s.dead || !callee || only === undefined) return s;
    const stores = calleeStores(callee);
    if (stores.length > 0) this.ctx.identity.consult(only);
    return stores.reduce((acc, st) => {
      const object = c.args[st.objectParam];
      const value = c.args[st.valueParam];
      if (object?.k !== 'id' || !value) return acc;
      return this.fieldAssigned({ k: 'field', base: object, field: st.field, arrow: true }, '=', value, acc);
    }, s);
  }

  /**
   * The body of the macro `c` calls, written out with its arguments, when it runs an argument
   * that does something as a statement (macro-commands.ts); null for any other call.
   */
  private expandedCommandMacro(c: Call): Stmt[] | null {
    const name = calleeName(c);
    if (name === null || modelOf(name)) return null;
    const id = macroCalled(this.ctx.program, c, this.fn());
    const macro = id === null ? undefined : this.ctx.program.functions[id];
    if (id === null || !macro) return null;
    const commands = commandParams(macro, macroIn(this.ctx.program));
    if (![...commands].some((i) => { const a = c.args[i]; return a !== undefined && hasEffects(a); })) return null;
    this.ctx.identity.consult(id);
    return expandMacro(macro, c.args, c.pos);
  }


  /** A call through a function pointer: every function bound to the field, at lower confidence. */
  private indirect(c: Call, fieldArg: number | null, s: State): State {
    const resolved = resolveIndirect(this.ctx.program, this.fn(), c, fieldArg, this.ctx.maxIndirectTargets, (receiver) => this.ctx.identity.structOf(this.fnId, receiver));
    if (!resolved) { this.ctx.stats.unresolvedCalls++; return s; }
    this.ctx.stats.indirectCalls++;
    return this.integrateAll(resolved.call, resolved.defs, s, true);
  }

  private integrateAll(c: Call, defs: FnId[], s: State, indirect: boolean): State {
    let out: State = DEAD;
    for (const d of defs) {
      this.noteCallHolds(d, s);
      const summary = this.ctx.summaries.get(d);
      if (summary?.requires.length && isInlineHelper(this.ctx.program.functions[d])) this.requireAll(summary.requires, c, s);
      out = join(out, summary ? this.integrate(c, summary, s, indirect) : s);
    }
    return out;
  }

  /** What is held at this call of `callee`, met with what was held at its earlier calls. */
  private noteCallHolds(callee: FnId, s: State): void {
    const now = heldClasses(s, NO_LOCKS, null).map((h) => ({ lock: lockOfKey(h.lock), mode: h.mode }));
    const before = this.callHolds.get(callee);
    this.callHolds.set(callee, before === undefined ? now : meetHeld(before, now));
  }

  /**
   * `lockdep_assert_held(&l)`: every caller holds `l`, unless this path took it itself. The
   * lock is an argument's, or the one a named function returns holding (`ASSERT_RTNL()`).
   */
  private assertHeld(c: Call, model: AssertHeld, s: State): State {
    const asserted = model.assertHeld;
    const keys = 'lockArg' in asserted
      ? this.lockKeys(c, { op: 'acquire', lockArg: asserted.lockArg, mode: 'write', spins: false }, s, false)
      : resolveCallee(this.ctx.program, this.fn(), asserted.lockOf).flatMap((d) => this.ctx.summaries.get(d)?.returnsHeld.map((h) => h.lock) ?? []);
    const mode = model.mode !== 'any' || !('lockArg' in asserted) ? model.mode : this.assertedMode(c.args[asserted.lockArg]);
    for (const lock of keys) this.require(lock, mode === 'any' ? 'read' : mode, s);
    return s;
  }

  /** Held in either mode: a lock that has only one (a mutex, a spinlock) is held for write. */
  private assertedMode(arg: Expr | undefined): HeldClass['mode'] {
    const type = arg ? this.ctx.identity.lockTypeOf(this.fnId, arg) : null;
    return type !== null && !SHARED_LOCK_TYPES.has(type) ? 'write' : 'read';
  }

  /**
   * An inline helper's assertions (`sdata_assert_lock(sdata)`, `lockdep_assert_wiphy(w)`) are
   * the caller's own. A real function's are not passed further up: its callers may hold the
   * lock by a path the analysis does not see (an API it does not model), and a requirement
   * that climbs to an entry point would gate every cycle under it.
   */
  private requireAll(requires: readonly HeldClass[], c: Call, s: State): void {
    for (const r of requires) for (const lock of this.bindLock(r.lock, c, s)) this.require(lock, r.mode, s);
  }

  private require(lock: LockKey, mode: HeldClass['mode'], s: State): void {
    if (isUnknownClass(lock) || s.held.some((h) => lockOfKey(h.lock) === lockOfKey(lock))) return;
    const before = this.requires.get(lock);
    this.requires.set(lock, before === undefined ? mode : meetModes(before, mode));
  }

  // ------------------------------------------------------------ the three verbs

  private acquire(c: Call, model: LockOp, s0: State, waits: boolean): State {
    let s = s0;
    const witness = this.link(c, 'acquire');
    // A sleeping lock taken in atomic context is a bug of its own (sleep-in-atomic); such a
    // path does not exist in a kernel that runs, so it orders nothing. Outside atomic context
    // the acquisition's event tells the callers it sleeps.
    if (!model.spins && waits && (inAtomic(s0) || this.inInterrupt())) {
      this.sleepInAtomic(s0, sleepEvent(s0, null), known(witness));
      if (inAtomic(s0)) return { ...s0, dead: true };
    }
    const pending = known(witness);
    if (model.irq) s = this.applyIrq(c, model.irq, model.flagsArg, s, witness);
    const keys = this.lockKeys(c, model, s);
    // A sleeping lock of a class the analysis cannot name still sleeps: the callers see a sleep.
    if (!model.spins && waits && keys.every(isUnknownClass)) this.sleeps(s, null, pending);
    let holding: Holding = s;
    for (const lock of keys) {
      if (waits) this.onEvent(s, { kind: 'acquire', lock, mode: model.mode, spins: model.spins, irq: s.irq, guard: null, released: NO_LOCKS, afterSleep: s.slept || !model.spins, viaIndirect: false, nestingAnnotated: this.nestingAnnotated(c, model), queue: model.queue ?? 'plain' }, pending, true);
      holding = taken(holding, { lock, mode: model.mode, spins: model.spins, witness, ...(model.bhOff ? { bhOff: true } : {}) });
    }
    return { ...s, ...holding, slept: s.slept || (waits && !model.spins), drained: emptiedBy(keys, s.drained) };
  }

  private release(c: Call, model: LockOp, s0: State): State {
    const keys = this.lockKeys(c, model, s0, false);
    const s = { ...s0, ...keys.reduce<Holding>(dropped, s0) };
    return model.irq ? this.applyIrq(c, model.irq, model.flagsArg, s, this.link(c, 'release')) : s;
  }

  /** `s` where `arg` lacks `flag`: decided for a constant, a guard for a parameter, else `s`. */
  private lacking(arg: Expr | undefined, flag: string, s: State): State {
    if (!arg) return s;
    return this.cond({ k: 'bin', op: '&', left: arg, right: { k: 'id', name: flag } }, s)[1];
  }

  /**
   * A bit operation on a field's word with a constant bit: the operation, the word, and the flag
   * test it reads (`test_bit(B, &x->f)` as `x->f & BIT(B)`); null for any other call, or a bit
   * in a variable (no write can be compared with it).
   */
  private bitAccess(c: Call): BitAccess | null {
    const name = calleeName(c);
    const op = name !== null && directCallee(c, this.fn()) === name ? bitOpOf(name) : undefined;
    const bit = op ? c.args[op.bitArg] : undefined;
    const word = op ? bitWordOf(op, c.args) : null;
    const constant = op && bit ? this.constName(bit) : null;
    if (!op || word?.k !== 'field' || constant === null) return null;
    const flag = bitFlag(constant);
    return { op, word, flag, test: { k: 'bin', op: '&', left: word, right: { k: 'id', name: flag } } };
  }

  /**
   * `if (test_bit(B, &x->f))` as `if (x->f & BIT(B))`; a test-and-set or -clear then writes the
   * bit on both branches, and a test-and-set's zero branch is inside its gate (bit-gates.ts).
   */
  private bitTest(c: Call, bits: BitAccess, s: State): [State, State] {
    const [set, zero] = this.cond(bits.test, s);
    const name = calleeName(c);
    const gate = name ? this.gateTaken(c, name) : null;
    const entered = gate && !zero.dead ? this.insideGate(zero, c, gate) : zero;
    if (!bits.op.writes) return [set, entered];
    return [this.bitWritten(c, bits, set), this.bitWritten(c, bits, entered)];
  }

  /** `set_bit(B, &x->f)` as `x->f |= BIT(B)`, `clear_bit()` as `&= ~BIT(B)` (and out of its gate), a toggle as a write of no known value. */
  private bitWritten(c: Call, bits: BitAccess, s0: State): State {
    if (s0.dead) return s0;
    const flag: Expr = { k: 'id', name: bits.flag };
    const [op, value]: [string, Expr] = bits.op.writes === 'set' ? ['|=', flag] : bits.op.writes === 'clear' ? ['&=', { k: 'unary', op: '~', arg: flag }] : ['^=', flag];
    const s = bits.op.writes === null ? s0 : this.fieldAssigned(bits.word, op, value, s0, bits.flag);
    const name = calleeName(c);
    const opened = name ? gateOpener(name) : undefined;
    return opened ? this.openGate(c, opened, s) : s;
  }

  /** The gate a call passes where it returns zero (`test_and_set_bit(CF_CLOSING, &con->flags)`), or null. */
  private gateTaken(c: Call, name: string): LockKey | null {
    const op = gateTaker(name);
    return op ? this.gateOf(c, op) : null;
  }

  /** The gate of the bit a call names in a field (`connection.flags#bit:CF_CLOSING`), or null. */
  private gateOf(c: Call, op: BitOp): LockKey | null {
    const target = bitWordOf(op, c.args);
    if (target?.k !== 'field') return null;
    const struct = this.ctx.identity.structOf(this.fnId, target.base);
    const name = bitNameOf(op, c.args);
    return struct && name !== null ? gateKey(`${struct}.${target.field}`, name) : null;
  }

  /** `s` inside a gate (once: a second test of the same bit finds it taken by this task). */
  private insideGate(s: State, c: Call, gate: LockKey): State {
    if (s.dead || s.held.some((h) => h.lock === gate)) return s;
    return { ...s, held: [...s.held, { lock: gate, mode: 'write', spins: false, witness: this.link(c, 'acquire'), gate: true }] };
  }

  /** `clear_bit(BIT, &x->flags)`: out of that bit's gate, if the path was in it. */
  private openGate(c: Call, op: BitOp, s: State): State {
    const gate = this.gateOf(c, op);
    if (!gate) return s;
    const gatesWhere = s.gatesWhere.some((g) => g.gate.lock === gate) ? s.gatesWhere.filter((g) => g.gate.lock !== gate) : s.gatesWhere;
    return s.held.some((h) => h.lock === gate) || gatesWhere !== s.gatesWhere ? { ...s, held: s.held.filter((h) => h.lock !== gate), gatesWhere } : s;
  }

  /** Integrates a callee's summary at a call site. */
  private integrate(c: Call, summary: Summary, s0: State, indirect: boolean): State {
    let s = s0;
    const callLink = (next: WitnessId): WitnessId =>
      this.ctx.witnesses.add({ fn: this.fnId, line: c.pos.line, col: c.pos.col, text: c.text, kind: 'call', next });
    const atomic = inAtomic(s);
    const pending = new CallWitness(callLink);
    const instance = this.rekeyedArgument(c, summary);
    const restored = this.restoredIrq(c, summary, s);
    for (const ev of summary.events) {
      const sleeps = ev.kind === 'sleep' || (ev.kind === 'acquire' && !ev.spins);
      const released = ev.released.some(isParamLock) ? [...new Set(ev.released.flatMap((r) => this.bindLock(r, c, s)))].sort() : ev.released;
      const irq = ev.irq === 'entry' ? s.irq : ev.irq === 'restored' ? restored.irq : ev.irq;
      // A callee's sleep counts only where its guard holds for these arguments.
      const sleepGuard = sleeps && ev.guard ? this.guardAtCall(ev.guard, c, s, true) : null;
      if (sleeps && sleepGuard !== 'never') {
        pending.of(ev.witness, 1 + this.ctx.witnesses.length(ev.witness));
        const at = ev.irq === 'restored' ? { ...s, irqWitness: restored.witness } : s;
        if (this.calleeSleeps({ ...ev, guard: sleepGuard, released, irq, viaIndirect: ev.viaIndirect || indirect }, at, pending)) continue;
      }
      if (ev.kind === 'sleep' || (ev.afterSleep && atomic)) continue;
      const guard = ev.guard ? this.guardAtCall(ev.guard, c, s) : null;
      if (guard === 'never') continue;
      const draft = {
        kind: ev.kind, lock: ev.lock, mode: ev.mode, spins: ev.spins, irq, guard, released,
        afterSleep: ev.afterSleep || s.slept, viaIndirect: ev.viaIndirect || indirect, nestingAnnotated: ev.nestingAnnotated, queue: ev.queue,
        ...(ev.gates ? { gates: ev.gates } : {}),
      };
      pending.of(ev.witness, 1 + this.ctx.witnesses.length(ev.witness));
      if (paramIndexOf(ev.lock) === null) {
        const lock = instance ? this.inInstance(ev.lock, instance) : ev.lock;
        this.onEvent(s, lock === ev.lock ? draft : { ...draft, lock }, pending, irqUndecided(ev.irq), isInterruptible(ev));
        continue;
      }
      for (const lock of this.bindLock(ev.lock, c, s)) {
        this.onEvent(s, { ...draft, lock }, pending, irqUndecided(ev.irq));
      }
    }
    if (summary.pairs.length) this.integratePairs(c, summary.pairs, s, restored.irq, indirect, callLink);
    if (summary.releases.length) s = { ...s, ...summary.releases.flatMap((x) => this.bindLock(x, c, s)).reduce<Holding>(dropped, s) };
    if (summary.returnsHeld.length) {
      let holding: Holding = s;
      for (const h of summary.returnsHeld) {
        for (const lock of this.bindLock(h.lock, c, s)) holding = taken(holding, { ...h, lock, witness: callLink(h.witness) });
      }
      s = { ...s, ...holding };
    }
    const savedTo = summary.irqSavesTo >= 0 ? flagsName(c.args[summary.irqSavesTo]) : null;
    const restoredFrom = summary.irqRestoresFrom >= 0 ? flagsName(c.args[summary.irqRestoresFrom]) : null;
    // A callee that restores the flags and saves them again (unlock, sleep, lock: jfs's
    // `LCACHE_SLEEP_COND(…, flags)`) leaves in them what they held.
    if (savedTo && savedTo !== restoredFrom) s = { ...s, saved: { ...s.saved, [savedTo]: { irq: s0.irq, witness: s0.irqWitness } } };
    // A wrapper of a wrapper (`xas_lock_irqsave(xas, flags)` → `xa_lock_irqsave(xa, flags)`)
    // saves into, and restores from, its own caller's flags as the inner one does.
    if (savedTo && s0.irq === 'entry' && this.paramIndex(savedTo) >= 0) this.irqSavesTo = this.paramIndex(savedTo);
    const restores = restoredFrom !== null && (summary.irqExit === 'entry' || summary.irqExit === 'restored');
    if (restores) {
      s = { ...s, irq: restored.irq, irqWitness: restored.witness };
    } else if (summary.irqExit === 'off' || summary.irqExit === 'on' || summary.irqExit === 'mixed' || summary.irqExit === 'restored') {
      s = { ...s, irq: summary.irqExit === 'restored' ? 'mixed' : summary.irqExit, irqWitness: summary.irqExit === 'off' ? callLink(summary.irqExitWitness) : s.irqWitness };
      if (summary.irqExit === 'on' && s0.irq !== 'on' && summary.irqExitWitness >= 0) this.irqsTurnedOn(s, callLink(summary.irqExitWitness));
    }
    // `btrfs_end_transaction(trans)` on a handle our caller took: we may end it, as the callee may.
    if (summary.journalExit === 'unknown' && s.journalOuter === null && this.endsParamsHandle(c, summary)) this.mayEndCallersHandle = true;
    if (summary.journalExit !== 'entry') s = afterCallee(s, summary.journalExit);
    for (const [list, state] of summary.listsExit) s = { ...s, drained: withList(s.drained, list, state) };
    return s;
  }

  /**
   * Irqs in a callee past its restore of the flags we hand it (`Summary.irqRestoresFrom`): as
   * they were where we saved into those flags; our own caller's (`restored` again) when they are
   * our parameter; unknown when they come from anywhere else.
   */
  private restoredIrq(c: Call, summary: Summary, s: State): { irq: IrqState; witness: WitnessId } {
    const flags = summary.irqRestoresFrom >= 0 ? flagsName(c.args[summary.irqRestoresFrom]) : null;
    const prior = flags ? s.saved[flags] : undefined;
    if (prior) return prior;
    if (flags && this.paramIndex(flags) >= 0) {
      this.irqRestoresFrom = this.paramIndex(flags);
      return { irq: 'restored', witness: s.irqWitness };
    }
    return { irq: 'mixed', witness: s.irqWitness };
  }

  /**
   * A lock event at this point: edges from every held lock (and from `IPI` when irqs are
   * off here), then into this function's summary, relative to its entry. The witness is
   * written to the table only if an edge or a summary entry keeps it. `interruptibleBelow`: the
   * callee's event was already known taken with irqs enabled (the callee offered its `L → HARDIRQ`).
   */
  private onEvent(s: State, event: Omit<LockEvent, 'witness'>, pending: PendingWitness, irqDecidedHere: boolean, interruptibleBelow = false): void {
    // With bottom halves off (a `_bh` lock held), `in_interrupt()` is true: a read does not queue.
    const queued = event.mode === 'read' && event.queue === 'plain' && s.held.some((h) => h.bhOff) ? { ...event, queue: 'recursive-reader' as const } : event;
    const ev = withPathGates(queued, s);
    const target = ev.kind === 'ipi-wait' ? IPI : ev.lock;
    if (isUnknownClass(target) || pending.length > (waitOf(target)?.model.maxWaitChain ?? Infinity)) return;
    const targetIsClass = paramIndexOf(target) === null;
    // A sleep outside atomic context orders nothing: it only goes into the summary.
    const orders = ev.kind !== 'sleep';
    // A callee's event whose guard contradicts this path's (`if (d->state & DEAD) flush(d);`
    // where flush() locks only while alive) happens on no path.
    const onPath = meetGuards(ev.guard, s.guard);
    if (isImpossible(onPath)) return;
    // An order taken only for some parameter values is the callers' to decide.
    const leftToCallers = this.leavesToCallers(onPath);
    if (orders && targetIsClass && (s.held.length > 0 || ev.irq === 'off')) this.emitEdges(s, ev, target, pending, irqDecidedHere, leftToCallers);
    if (orders && targetIsClass && !interruptibleBelow && !ev.viaIndirect && isInterruptible(ev) && pending.length <= MAX_INTERRUPT_CHAIN) this.offerInterruptible(ev, target, pending);
    if (orders && targetIsClass && ev.queue === 'fair-writer' && !ev.viaIndirect && pending.length <= MAX_WRITER_CHAIN) this.offerWriter(s, ev, target, pending);
    if (orders && s.held.length > 0) this.recordPairs(s, ev, target, pending, leftToCallers);
    if (s.lastPut) return;
    const released = mergeSorted(ev.released, s.released);
    const guard = onPath;
    const existing = this.events.find(ev, guard, released);
    if (existing && this.ctx.witnesses.length(existing.witness) <= pending.length) return;
    this.events.put(existing, { ...ev, guard, released, witness: pending.get() });
  }

  /**
   * Held locks and the event as pairs the callers name or decide: where one side is a parameter's
   * lock, or (`leftToCallers`) where the order holds only for some parameter values.
   */
  private recordPairs(s: State, ev: Omit<LockEvent, 'witness'>, target: string, pending: PendingWitness, leftToCallers: boolean): void {
    for (const h of s.held) {
      if (h.gate || ev.released.includes(lockOfKey(h.lock))) continue;
      if (h.lock === target && !(leftToCallers && isRecursive(h.lock, h.mode, waitModeOf(ev), ev.nestingAnnotated))) continue;
      if (!leftToCallers && !isParamLock(h.lock) && !isParamLock(target)) continue;
      this.addPair({
        from: h.lock, to: target, holdMode: h.mode, waitMode: waitModeOf(ev), waitSpins: ev.spins,
        irq: ev.irq, guard: meetGuards(ev.guard, s.guard), afterSleep: ev.afterSleep, viaIndirect: ev.viaIndirect,
        alsoHeld: [...heldClasses(s, ev.released, h.lock), ...calleeGates(ev, s)].filter((x) => x.lock !== target),
      }, { length: this.ctx.witnesses.length(h.witness), get: () => h.witness, below: h.witness }, pending);
    }
  }

  private addPair(pair: Omit<LockPair, 'hold' | 'wait'>, hold: PendingWitness, wait: PendingWitness): void {
    const key = pairKey(pair);
    const old = this.pairs.get(key);
    const length = (p: LockPair): number => this.ctx.witnesses.length(p.hold) + this.ctx.witnesses.length(p.wait);
    if (old && length(old) <= hold.length + wait.length) return;
    this.pairs.set(key, { ...pair, hold: hold.get(), wait: wait.get() });
  }

  /**
   * A callee's pairs at a call site: where both sides are now classes (or IPI), the edge the
   * arguments' classes give, held in this function; otherwise a pair of this function's.
   */
  private integratePairs(c: Call, pairs: LockPair[], s: State, restored: IrqState, indirect: boolean, callLink: (next: WitnessId) => WitnessId): void {
    const atomic = inAtomic(s);
    const linked = (callee: WitnessId): PendingWitness => {
      const w = new CallWitness(callLink);
      w.of(callee, 1 + this.ctx.witnesses.length(callee));
      return w;
    };
    for (const p of pairs) {
      if (p.afterSleep && atomic) continue;
      const guard = p.guard ? this.guardAtCall(p.guard, c, s) : null;
      if (guard === 'never' || isImpossible(meetGuards(guard, s.guard))) continue;
      const irq = p.irq === 'entry' ? s.irq : p.irq === 'restored' ? restored : p.irq;
      const viaIndirect = p.viaIndirect || indirect;
      for (const from of this.bindLock(p.from, c, s)) {
        for (const to of p.to === IPI ? [IPI] : this.bindLock(p.to, c, s)) {
          // Same class from a helper's two parameters is not reported as recursion: a parameter's
          // lock keeps no subclass (`lock_both(a, b)` taking `b` `_nested`).
          if ((from === to && (isParamLock(p.from) || isParamLock(p.to))) || isUnknownClass(from) || isUnknownClass(to)) continue;
          const [hold, wait] = [linked(p.hold), linked(p.wait)];
          const bound = meetGuards(guard, s.guard);
          const alsoHeld = [...p.alsoHeld.flatMap((h) => this.bindLock(h.lock, c, s).map((lock) => ({ lock, mode: h.mode }))), ...heldClasses(s, NO_LOCKS, from)]
            .filter((h, i, all) => h.lock !== from && h.lock !== to && !isUnknownClass(h.lock) && all.findIndex((x) => x.lock === h.lock) === i);
          if (isParamLock(from) || isParamLock(to) || this.leavesToCallers(bound)) {
            this.addPair({ ...p, from, to, irq, guard: bound, afterSleep: p.afterSleep || s.slept, viaIndirect, alsoHeld }, hold, wait);
            continue;
          }
          const reasons = viaIndirect ? INDIRECT_REASONS : NO_REASONS;
          const irqsOff = irq === 'off';
          const [heldIn, awaitedIn] = [this.ownerOf(from, hold.below), this.ownerOf(to, wait.below)];
          const others = alsoHeld.filter((h) => !isParamLock(h.lock));
          this.ctx.offerEdge(this.fnId, from, to, p.holdMode, p.waitMode, irqsOff, hold.length + wait.length + reasons.length * 100, () => ({
            from, to, holdMode: p.holdMode, waitMode: p.waitMode, waitSpins: p.waitSpins, irqsOff, fn: this.fnId,
            hold: hold.get(), wait: wait.get(), reasons, alsoHeld: others, ...owners(heldIn, awaitedIn),
          }), heldIn, awaitedIn, () => others);
        }
      }
    }
  }

  /**
   * For a class lockdep keys per owner (filesystem type, address family, driver instance), the
   * owner whose objects the path locks: the deepest frame in one owner's own code, this function
   * included.
   */
  private ownerOf(cls: string, below: WitnessId): string | undefined {
    const ownerIn = ownerRule(lockOfKey(cls));
    if (!ownerIn) return undefined;
    let owner = ownerIn(this.fn().file);
    this.ctx.witnesses.forEachFunction(below, (fn) => {
      const f = this.ctx.program.functions[fn];
      owner = (f && ownerIn(f.file)) ?? owner;
    });
    return owner ?? undefined;
  }

  /**
   * Whether an order under `guard` goes to the callers as a pair rather than into the graph here.
   * Not where the function asserts locks held: the edge here keeps them as its callers' gates.
   */
  private leavesToCallers(guard: Guard): boolean {
    return guard !== null && this.requires.size === 0 && !guard.some((t) => t.param === CONTEXT_PARAM || t.param === ATOMIC_PARAM) && this.ctx.decidedByCallers(this.fnId);
  }

  private emitEdges(s: State, ev: Omit<LockEvent, 'witness'>, target: string, pending: PendingWitness, irqDecidedHere: boolean, leftToCallers: boolean): void {
    const waitMode = waitModeOf(ev);
    const irqsOff = ev.irq === 'off';
    const reasons = ev.viaIndirect ? INDIRECT_REASONS : NO_REASONS;
    const penalty = reasons.length * 100;
    const alsoHeld = (except: string | null) => [...heldClasses(s, ev.released, except), ...calleeGates(ev, s)];
    const awaitedIn = this.ownerOf(target, pending.below);
    for (const h of leftToCallers ? [] : s.held) {
      if (h.gate || !isHeldClass(h, ev.released) || (h.lock === target && !isRecursive(h.lock, h.mode, waitMode, ev.nestingAnnotated))) continue;
      const heldIn = this.ownerOf(h.lock, h.witness);
      let others: HeldClass[] | undefined;
      const othersHeld = (): HeldClass[] => (others ??= alsoHeld(h.lock));
      this.ctx.offerEdge(this.fnId, h.lock, target, h.mode, waitMode, irqsOff, this.ctx.witnesses.length(h.witness) + pending.length + penalty, () => ({
        from: h.lock, to: target, holdMode: h.mode, waitMode, waitSpins: ev.spins, irqsOff, fn: this.fnId,
        hold: h.witness, wait: pending.get(), alsoHeld: othersHeld(), reasons, ...owners(heldIn, awaitedIn),
      }), heldIn, awaitedIn, othersHeld);
    }
    if (irqDecidedHere && irqsOff && ev.spins && s.irqWitness !== this.offlineIrqsOff) {
      const hold = s.irqWitness >= 0 ? s.irqWitness : -1;
      const holdLength = hold >= 0 ? this.ctx.witnesses.length(hold) : 0;
      this.ctx.offerEdge(this.fnId, IPI, target, 'irqs-off', waitMode, true, holdLength + pending.length + penalty, () => {
        const wait = pending.get();
        return {
          from: IPI, to: target, holdMode: 'irqs-off', waitMode, waitSpins: true, irqsOff: true, fn: this.fnId,
          hold: hold >= 0 ? hold : wait, wait, alsoHeld: alsoHeld(null), reasons,
        };
      });
    }
  }

  /**
   * `L → HARDIRQ`: `L` (a spinning lock) taken with irqs enabled. Known so only after a sleep on
   * every path to it (no CPU sleeps with irqs off) and no irq change since: then the CPU is in
   * task context, and an interrupt may come while it holds `L`. Both halves of a hard irq come
   * through direct calls only (see `offerInterruptWaits`).
   */
  private offerInterruptible(ev: Omit<LockEvent, 'witness'>, lock: LockKey, pending: PendingWitness): void {
    this.ctx.offerEdge(this.fnId, lock, HARDIRQ, ev.mode, 'interrupt', false, pending.length, () => {
      const taken = pending.get();
      return { from: lock, to: HARDIRQ, holdMode: ev.mode, waitMode: 'interrupt', waitSpins: false, irqsOff: false, fn: this.fnId, hold: taken, wait: taken, alsoHeld: [], reasons: NO_REASONS };
    });
  }

  /**
   * Irqs turned on at `enable` (`spin_unlock_irq()`, `local_irq_enable()`, a callee that returns
   * with them on) on path `s`, where they were not on: each spinning lock it still holds is then
   * held with irqs enabled, `L → HARDIRQ`, as lockdep marks every held lock when irqs come on (its
   * "inconsistent lock state" when a hard-irq handler takes `L`). Known for certain here, unlike
   * at an acquisition, where irqs are as the caller left them.
   */
  private irqsTurnedOn(s: State, enable: WitnessId): void {
    this.lastIrqEnable = enable;
    if (s.dead) return;
    for (const h of s.held) {
      if (!h.spins || h.gate || isUnknownClass(h.lock) || paramIndexOf(h.lock) !== null) continue;
      const cost = this.ctx.witnesses.length(h.witness) + this.ctx.witnesses.length(enable);
      this.ctx.offerEdge(this.fnId, h.lock, HARDIRQ, h.mode, 'interrupt', false, cost, () => ({
        from: h.lock, to: HARDIRQ, holdMode: h.mode, waitMode: 'interrupt', waitSpins: false, irqsOff: false, fn: this.fnId,
        hold: h.witness, wait: enable, alsoHeld: [], reasons: NO_REASONS,
      }));
    }
  }

  /**
   * `bool is_atomic = !gfpflags_allow_blocking(gfp);`: the guard `gfpTest()` gives its true
   * branch, for a local that keeps the test's outcome.
   */
  private gfpBranchGuards(c: Call, s: State): [Guard, Guard] | null {
    const name = calleeName(c);
    const model = name ? modelOf(name) : undefined;
    const guard = model && 'gfpTest' in model ? this.gfpParamGuard(c.args[model.gfpTest], s) : null;
    return guard ? [guard, null] : null;
  }

  /** A GFP test of our parameter's flags (`gfp` still as the caller passed it): may it block. */
  private gfpParamGuard(arg: Expr | undefined, s: State): Guard {
    const param = arg?.k === 'id' ? this.paramHere(arg.name, s, GFP_MAY_SLEEP) : -1;
    return param >= 0 ? [{ param, test: 'flag', flag: GFP_MAY_SLEEP }] : null;
  }

  /** `gfpflags_allow_blocking(gfp)`: decided by constant flags, a test of ours on a parameter's. */
  private gfpTest(arg: Expr | undefined, s: State): [State, State] {
    if (!arg) return [s, s];
    const guard = this.gfpParamGuard(arg, s);
    if (guard) return [withGuard(s, guard), s];
    const sleeps = gfpMaySleep(arg);
    return sleeps === true ? [s, DEAD] : sleeps === false ? [DEAD, s] : [s, s];
  }

  /**
   * A call here that may sleep, when `guard` holds (a test of our parameters). In atomic
   * context that is the bug; otherwise a `sleep` event our callers see.
   */
  private sleeps(s: State, guard: Guard, pending: PendingWitness): void {
    const ev = sleepEvent(s, guard);
    if (inAtomic(s) || this.inInterrupt()) this.sleepInAtomic(s, ev, pending);
    else this.onEvent(s, ev, pending, true);
  }

  /**
   * A callee's sleep (a `sleep` event, or a sleeping lock's acquisition) at this call, its guard,
   * released locks and irq state already ours. True when it is dealt with here: reported, or
   * (a `sleep` outside atomic context) passed on as our own event.
   */
  private calleeSleeps(ev: Omit<LockEvent, 'witness'>, s: State, pending: PendingWitness): boolean {
    const at: State = { ...s, held: s.held.filter((h) => !ev.released.includes(lockOfKey(h.lock))), irq: ev.irq };
    if (inAtomic(at) || this.inInterrupt()) {
      this.sleepInAtomic(at, ev, pending);
      return true;
    }
    if (ev.kind !== 'sleep') return false;
    this.onEvent(s, ev, pending, false);
    return true;
  }

  /**
   * A sleep in atomic context: an edge to `SLEEP` from each cause (a held spinning lock; else
   * irqs off; else a hard-irq handler), offered only for a sleep that happens whatever our
   * parameters (one that depends on them, as an allocation with the caller's GFP flags, is not
   * known to happen here) but for our atomicity at entry, taken as the usual (preemptible), and
   * not through an ops-struct call (the binding may be another object's). Not passed up: the callers would report the same sleep again.
   */
  private sleepInAtomic(s: State, ev: Omit<LockEvent, 'witness'>, pending: PendingWitness): void {
    if (!sleepsWhenEnteredPreemptible(ev.guard) || ev.viaIndirect) return;
    for (const cause of this.atomicCauses(s, ev.released)) {
      const holdLength = cause.witness >= 0 ? this.ctx.witnesses.length(cause.witness) : 0;
      this.ctx.offerEdge(this.fnId, cause.from, SLEEP, cause.mode, 'sleep', s.irq === 'off', holdLength + pending.length, () => {
        const wait = pending.get();
        return {
          from: cause.from, to: SLEEP, holdMode: cause.mode, waitMode: 'sleep', waitSpins: false, irqsOff: s.irq === 'off', fn: this.fnId,
          hold: cause.witness >= 0 ? cause.witness : wait, wait, alsoHeld: heldClasses(s, ev.released, cause.from), reasons: NO_REASONS,
        };
      });
    }
  }

  /**
   * Why sleeping here is a bug: the spinning locks held, else irqs off, else the interrupt context
   * of an entry point (a hard-irq or NMI handler, a timer or tasklet callback). A lock of a
   * parameter's is named by the callers only: none here.
   */
  private atomicCauses(s: State, released: readonly LockKey[]): { from: string; mode: HoldMode; witness: WitnessId }[] {
    const spinning = s.held.filter((h) => h.spins && !released.includes(lockOfKey(h.lock)));
    if (spinning.length > 0) {
      return spinning.filter((h) => !isParamLock(h.lock)).map((h) => ({ from: lockOfKey(h.lock), mode: h.mode, witness: h.witness }));
    }
    if (s.irq === 'off') return [{ from: IPI, mode: 'irqs-off', witness: s.irqWitness }];
    if (this.context === 'softirq') return [{ from: SOFTIRQ, mode: 'irqs-off', witness: -1 }];
    return this.inInterrupt() ? [{ from: HARDIRQ, mode: 'irqs-off', witness: -1 }] : [];
  }

  /**
   * Irqs off from the start in a function the kernel enters with them disabled, the registering
   * call as the witness of where they went off (`cpuhp_setup_state(CPUHP_AP_X_STARTING, …)`).
   */
  private irqsAtEntry(): Pick<State, 'irq' | 'irqWitness'> | null {
    const entry = this.ctx.irqsOffEntries.get(this.fnId);
    if (!entry) return null;
    this.offlineIrqsOff = this.ctx.witnesses.add({ fn: entry.by, ...entry.site, kind: 'irqs-off', next: -1 });
    return { irq: 'off', irqWitness: this.offlineIrqsOff };
  }

  /** An entry point that runs in interrupt context (hard irq, softirq, NMI): it may never sleep. */
  private inInterrupt(): boolean {
    return this.context === 'hardirq' || this.context === 'softirq' || this.context === 'nmi';
  }

  /** An allocation: it may sleep when its GFP flags allow direct reclaim, or a parameter passes them. */
  private allocation(c: Call, model: LeafCall, s: State): State {
    if (model.sleeps) {
      this.sleeps(s, null, this.lazyLink(c, 'wait'));
      return s;
    }
    const flags = model.gfpArg === undefined ? undefined : c.args[model.gfpArg];
    if (!flags) return s;
    const param = flags.k === 'id' ? this.paramHere(flags.name, s, GFP_MAY_SLEEP) : -1;
    if (param >= 0) this.sleeps(s, [{ param, test: 'flag', flag: GFP_MAY_SLEEP }], this.lazyLink(c, 'wait'));
    else if (gfpMaySleep(flags) === true) this.sleeps(s, null, this.lazyLink(c, 'wait'));
    return s;
  }

  /** A witness link for the call `c`, written to the table only if something keeps it. */
  private lazyLink(c: Call, kind: StepKind): PendingWitness {
    let id: WitnessId = -1;
    return { length: 1, get: () => (id >= 0 ? id : (id = this.link(c, kind))), below: -1 };
  }

  /**
   * `QUEUED_WRITER → L`: this function may wait to write `L`, a lock whose readers queue behind a
   * waiting writer. Not an order (the writer need hold nothing): the simulation's extra CPU when
   * a reader of `L` must wait although only readers hold it. Writers that hold less come first.
   */
  private offerWriter(s: State, ev: Omit<LockEvent, 'witness'>, lock: LockKey, pending: PendingWitness): void {
    const alsoHeld = heldClasses(s, ev.released, null);
    this.ctx.offerEdge(this.fnId, QUEUED_WRITER, lock, 'write', 'write', false, pending.length + WRITER_HOLDING_COST * alsoHeld.length, () => {
      const taken = pending.get();
      return { from: QUEUED_WRITER, to: lock, holdMode: 'write', waitMode: 'write', waitSpins: ev.spins, irqsOff: ev.irq === 'off', fn: this.fnId, hold: taken, wait: taken, alsoHeld, reasons: NO_REASONS };
    });
  }

  /**
   * `HARDIRQ → M`: a hard-irq handler (an entry point registered as one) takes the spinning lock
   * `M`. Not after a sleep: a handler that sleeps first is a bug of its own (sleep in atomic
   * context). Not through an ops-struct call either: library code (libiscsi, the SCSI and USB
   * cores) reaches every driver's callbacks by field name, and an interrupt paired with another
   * device's callback is the usual false inversion.
   */
  private offerInterruptWaits(): void {
    for (const ev of this.events.inOrder()) {
      if (ev.kind !== 'acquire' || !ev.spins || ev.afterSleep || ev.viaIndirect || isUnknownClass(ev.lock) || paramIndexOf(ev.lock) !== null) continue;
      if (this.ctx.witnesses.length(ev.witness) > MAX_INTERRUPT_CHAIN) continue;
      // In interrupt context no reader queues behind a writer (qrwlock).
      const waitMode = ev.mode === 'read' ? 'recursive-read' : ev.mode;
      this.ctx.offerEdge(this.fnId, HARDIRQ, ev.lock, 'irqs-off', waitMode, true, this.ctx.witnesses.length(ev.witness), () => ({
        from: HARDIRQ, to: ev.lock, holdMode: 'irqs-off', waitMode, waitSpins: true, irqsOff: true, fn: this.fnId,
        hold: ev.witness, wait: ev.witness, alsoHeld: gatesHeld(ev), reasons: NO_REASONS,
      }));
    }
  }

  /**
   * `flush_work(&x->work)`, `kthread_stop(x->task)`, `wait_for_completion(&x->done)`: lockdep's
   * acquisition and release of the place's map, a sleeping lock's event without the hold. In atomic context the wait is a
   * sleep-in-atomic bug already, and such a path orders nothing.
   */
  private waitsOn(c: Call, kind: WaitKind, arg: Expr | undefined, s: State): void {
    if (!arg || inAtomic(s) || this.inInterrupt()) return;
    const place = waitPlaceAt(this.ctx.identity, this.fnId, kind, arg);
    if (place === null) return;
    this.onEvent(s, {
      kind: 'acquire', lock: waitResource(kind, place), mode: 'write', spins: false, irq: s.irq, guard: null, released: NO_LOCKS,
      afterSleep: true, viaIndirect: false, nestingAnnotated: false, queue: 'plain',
    }, known(this.link(c, 'wait')), true);
  }

  /**
   * `complete(&x->done)`: a signal site of the place, with the classes held here (met with what
   * an earlier pass over the same call held: a loop's second turn).
   */
  private signals(c: Call, kind: WaitKind, arg: Expr | undefined, s: State): void {
    const place = arg ? waitPlaceAt(this.ctx.identity, this.fnId, kind, arg) : null;
    if (place === null) return;
    // A gate is never waited for: a signaller that finds it taken skips, it does not block.
    const held = s.held.filter((h) => !h.gate && paramIndexOf(h.lock) === null && !isUnknownClass(h.lock))
      .map((h) => ({ lock: h.lock, mode: h.mode, spins: h.spins, witness: h.witness }));
    const key = `${c.pos.line}:${c.pos.col}`;
    const before = this.signalSites.get(key);
    this.signalSites.set(key, before
      ? { ...before, held: before.held.filter((b) => held.some((h) => h.lock === b.lock)) }
      : { resource: waitResource(kind, place), witness: this.link(c, 'call'), held });
  }

  /**
   * `W → M`: a worker (or a thread) runs this function holding run `W`'s map, so every lock it
   * takes is taken under `W`. Not through an ops-struct call, whose binding may be another
   * object's (as for `HARDIRQ → M`).
   */
  private offerRunWaits(item: string): void {
    // A run's resource that is a lock class is one the kernel holds around the run (LOCKED_RUNS).
    const runUnder = waitOf(item) === null;
    // Where this function is registered to run the item (the directories, one per line): a flush
    // elsewhere may wait for another driver's.
    const heldIn = this.ctx.runSites.get(item)?.get(this.fnId)?.join('\n');
    for (const ev of this.events.inOrder()) {
      // A run waiting for its own place is lockdep's recursion on the item's map (a worker
      // cancelling its item with `_sync`); a lock the kernel holds around the run is another matter.
      if (ev.kind !== 'acquire' || ev.viaIndirect || (ev.lock === item && runUnder) || isUnknownClass(ev.lock) || paramIndexOf(ev.lock) !== null) continue;
      if (failsOnRun(ev.guard, item)) continue;
      const waitMode = waitModeOf(ev);
      const length = this.ctx.witnesses.length(ev.witness);
      this.ctx.offerEdge(this.fnId, item, ev.lock, 'write', waitMode, ev.irq === 'off', length, () => ({
        from: item, to: ev.lock, holdMode: 'write', waitMode, waitSpins: ev.spins, irqsOff: ev.irq === 'off', fn: this.fnId,
        hold: ev.witness, wait: ev.witness, alsoHeld: gatesHeld(ev), reasons: NO_REASONS, ...(runUnder ? { runUnder } : {}), ...(heldIn ? { heldIn } : {}),
      }), heldIn);
    }
  }

  // ------------------------------------------------------------ irqs and IPIs

  private irqOp(c: Call, model: IrqOp, s: State): State {
    return this.applyIrq(c, model.irq, model.flagsArg, s, this.link(c, model.irq === 'disable' || model.irq === 'save' ? 'irqs-off' : 'release'));
  }

  private applyIrq(c: Call, effect: IrqOp['irq'], flagsArg: number | undefined, s: State, witness: WitnessId): State {
    const flags = flagsArg !== undefined ? flagsName(c.args[flagsArg]) : null;
    switch (effect) {
      case 'disable': return { ...s, irq: 'off', irqWitness: witness };
      case 'enable':
        if (s.irq !== 'on') this.irqsTurnedOn(s, witness);
        return { ...s, irq: 'on' };
      case 'save': {
        const saved = flags ? { ...s.saved, [flags]: { irq: s.irq, witness: s.irqWitness } } : s.saved;
        if (flags && s.irq === 'entry' && this.paramIndex(flags) >= 0) this.irqSavesTo = this.paramIndex(flags);
        return { ...s, saved, irq: 'off', irqWitness: witness };
      }
      case 'restore': {
        const prior = flags ? s.saved[flags] : undefined;
        if (prior) return { ...s, irq: prior.irq, irqWitness: prior.witness };
        // The caller's flags (an unlock wrapper): the caller restores them at the call. Flags
        // from anywhere else (a per-cpu copy) restore a state nobody here knows.
        if (flags && this.paramIndex(flags) >= 0) {
          this.irqRestoresFrom = this.paramIndex(flags);
          return { ...s, irq: 'restored' };
        }
        return { ...s, irq: 'mixed' };
      }
    }
  }

  private ipiWait(c: Call, model: IpiWaitOp, s: State): State {
    const when = model.when;
    const guard = 'always' in when ? null : this.guardAtCall(when.flag ? [{ param: when.arg, test: 'flag', flag: when.flag }] : whenSet(when.arg), c, s);
    if (guard === 'never') return s;
    this.onEvent(s, { kind: 'ipi-wait', lock: IPI, mode: 'write', spins: true, irq: s.irq, guard, released: NO_LOCKS, afterSleep: s.slept, viaIndirect: false, nestingAnnotated: false, queue: 'plain' }, known(this.link(c, 'wait')), true);
    return s;
  }

  /**
   * A callee's guard at this call: decided by constant arguments, passed up through our own
   * parameters, dropped otherwise; `strict`: a test nothing here decides fails instead (a sleep
   * is reported only where it happens whatever the values).
   */
  private guardAtCall(guard: Guard, c: Call, s: State, strict = false): Guard | 'never' {
    if (!guard) return null;
    let ours: Guard = null;
    for (const t of guard) {
      const bound = this.testAtCall(t, c, s, strict);
      if (bound === 'never') return 'never';
      ours = meetGuards(ours, bound);
    }
    return isImpossible(ours) ? 'never' : ours;
  }

  private testAtCall(t: ParamTest, c: Call, s: State, strict = false): Guard | 'never' {
    // An object's state a call cannot tell (sleepsWhenEnteredPreemptible()) leaves a sleep as it was.
    const unknown = strict && !isObjectStateTest(t) ? 'never' : null;
    const journal = s.journal;
    if (t.param === CONTEXT_PARAM) {
      if (!this.context) return [t];
      return decideTest(t, { name: this.context, value: null }, () => null) === false ? 'never' : null;
    }
    if (t.param === RUN_PARAM) {
      // A callee's test of the run it is on: false here where no run kept there reaches us.
      const here = t.test === 'in' || t.test === 'notIn' ? this.onRuns(t.values) : null;
      if (here === null) return [t];
      return (t.test === 'in') === here ? null : 'never';
    }
    if (t.param === ATOMIC_PARAM) {
      // The callee's atomicity at entry is ours here, for each of ours at entry.
      const possible = atomicityAtEntry(this.context);
      const passes = entriesWhere(possible, pathAtomicity(s), (here) => decideTest(t, { name: here, value: null }, () => null) === true);
      if (passes === null) return unknown;
      return passes.length === 0 ? 'never' : passes.length === possible.length ? null : [{ param: ATOMIC_PARAM, test: 'in', values: passes }];
    }
    if (t.param === DRAINED_LIST_PARAM) {
      const state = t.field === undefined ? 'unknown' : s.drained.lists[t.field] ?? 'entry';
      if (state === 'entry') return [t];
      if (state === 'unknown') return unknown;
      return truthTest(t) === 'zero' ? null : 'never';
    }
    if (t.param === JOURNAL_PARAM) {
      if (journal === 'entry') return [t];
      if (journal === 'unknown') return unknown;
      if (journal === 'entryOrSet') return truthTest(t) === 'set' ? null : [t];
      return (truthTest(t) === 'set') === (journal === 'set') ? null : 'never';
    }
    const arg = c.args[t.param];
    if (!arg) return unknown;
    if (t.field === NESTED_HANDLE) return this.nestingAtCall(t, arg, s, unknown);
    const held = arg.k === 'id' && t.field === undefined ? s.known[valueKey(arg.name)] : undefined;
    const has = held && (t.test === 'flag' || t.test === 'noFlag') ? this.hasFlag(held, t.flag) : null;
    if (has !== null) return has === (t.test === 'flag') ? null : 'never';
    const container = containerOf(t.field);
    if (container) return this.containerTestAtCall(t, container, arg, s);
    const p = arg.k === 'id' ? this.paramHere(arg.name, s, t.test === 'flag' || t.test === 'noFlag' ? t.flag : undefined) : -1;
    if (p >= 0) {
      // A test of a struct embedded in the object (`sdp->sd_args.ar_errors`) is decided by the
      // caller that built the object, if any, and not passed further: callers rarely build the
      // objects of their callees' callees, and such tests in every guard cost more than they tell.
      if (t.field !== undefined && isEmbeddedFieldTest(t)) return null;
      // A field this path wrote (`p->in_inode = 1; callee(p)`) is not what its callers passed,
      // but for flags the write put there (`p->flags |= F`).
      if (t.field === undefined || !fieldWritten(s, t.field, this.ctx.identity.structOf(this.fnId, arg))) return [{ ...t, param: p }];
      const known = s.known[`${p}:${t.field}`];
      return known && this.flagFromEntry(t, known) ? [{ ...t, param: p }] : this.testOfKnown(t, known, unknown);
    }
    if (t.field === undefined) {
      // `affine_move_task(…, ctx->flags)`: the callee's test of its argument is our callers'
      // test of the field our parameter points to, where this function never writes it.
      const read = this.paramFieldRead(arg, s);
      return read ? [{ ...t, ...read }] : this.testOfValue(t, arg, unknown, s);
    }
    const { field: _read, ...ofValue } = t;
    const embedded = isEmbeddedFieldTest(t) || arg.k === 'cast';
    const local = !embedded && arg.k === 'id' ? s.known[`@${arg.name}:${t.field}`] : undefined;
    if (local) return this.testOfKnown(t, local, unknown);
    const value = embedded ? this.embeddedFieldValue(arg, t.field) : this.fieldValueAt(arg, t.field);
    if (value) return this.testOfValue(ofValue, value, unknown, s);
    const global = embedded ? null : globalFieldAt(this.ctx.program, this.ctx.identity, this.fn(), arg, t.field);
    if (global) return this.testOfGlobalField(t, global, unknown, s);
    // Decided where every value the place's objects may hold decides it alike.
    const decided = embedded ? undefined : this.placeValues(arg, t.field)?.map((v) => this.testOfValue(ofValue, v, unknown, s));
    if (decided?.length && decided.every((d) => d === 'never')) return 'never';
    return decided?.length && decided.every((d) => d === null) ? null : unknown;
  }

  /**
   * A callee's test of a field of a global object (`&direct_ops`): decided where its initialiser's
   * value and every value the program may store decide it alike. A flag `|=` adds is set in some
   * runs; one `&=` may clear is clear in some; a value test is not decided past either.
   */
  private testOfGlobalField(t: ParamTest, field: GlobalField, unknown: 'never' | null, s: State): Guard | 'never' {
    const { field: _read, ...ofValue } = t;
    const { stores } = field;
    const values = [field.initial, ...stores.values];
    // Asked with the other answer for "not known", each answer is only what the value decides.
    const isFalse = (test: typeof ofValue) => (v: Expr): boolean => this.testOfValue(test, v, null, s) === 'never';
    const isTrue = (test: typeof ofValue) => (v: Expr): boolean => this.testOfValue(test, v, 'never', s) === null;
    if (t.test === 'flag' || t.test === 'noFlag') {
      const set = { ...ofValue, test: 'flag', flag: t.flag } as const;
      if (values.every(isFalse(set)) && stores.added.every(isFalse(set))) return t.test === 'flag' ? 'never' : null;
      if (values.every(isTrue(set)) && !stores.clears) return t.test === 'flag' ? null : 'never';
      return unknown;
    }
    if (stores.added.length > 0 || stores.clears) return unknown;
    if (values.every(isFalse(ofValue))) return 'never';
    return values.every(isTrue(ofValue)) ? null : unknown;
  }

  /**
   * A callee's test of the object embedding the member it is handed (containerSubject()): decided
   * where we pass `&local->member` of a local whose field this path wrote with constants, or which
   * holds a fresh zeroed object; else dropped, whatever `strict` says (as a test of a struct
   * embedded in the object is: a call cannot tell such state).
   */
  private containerTestAtCall(t: ParamTest, container: { member: string; field: string }, arg: Expr, s: State): Guard | 'never' {
    const part = arg.k === 'addr' && arg.arg.k === 'field' && arg.arg.arrow && arg.arg.field === container.member ? arg.arg.base : null;
    if (part?.k !== 'id' || !this.isVariable(part.name) || this.paramIndex(part.name) >= 0) return null;
    const { field: _read, ...ofValue } = t;
    const known = s.known[`@${part.name}:${container.field}`];
    if (known) return this.testOfKnown({ ...t, field: container.field }, known, null);
    const value = this.fieldValueAt(part, container.field);
    return value ? this.testOfValue(ofValue, value, null, s) : null;
  }

  /** Whether the call hands one of our parameters to a callee that asks if that handle is nested: it ends it. */
  private endsParamsHandle(c: Call, summary: Summary): boolean {
    const asked = new Set<number>();
    const note = (g: Guard | 'never'): void => { if (g && g !== 'never') for (const t of g) if (t.field === NESTED_HANDLE) asked.add(t.param); };
    note(summary.nonZeroWhen);
    for (const e of summary.events) note(e.guard);
    return [...asked].some((p) => { const arg = c.args[p]; return arg?.k === 'id' && this.paramIndex(arg.name) >= 0; });
  }

  /**
   * A callee's test of whether the handle it is given was taken nested. Our own parameter's is
   * our callers' question; a local's, the handle this function took, is nested as the task's
   * handle was before the take (`journalOuter`): decided, or a test of the state at entry.
   */
  private nestingAtCall(t: ParamTest, arg: Expr, s: State, unknown: 'never' | null): Guard | 'never' {
    if (arg.k !== 'id') return unknown;
    const p = this.paramHere(arg.name, s);
    if (p >= 0) return [{ ...t, param: p }];
    const truth = truthTest(t);
    if (truth === null) return unknown;
    switch (s.journalOuter) {
      case 'entry': return truth === 'set' ? JOURNAL_SET : JOURNAL_CLEAR;
      case 'set': case 'clear': return (truth === 'set') === (s.journalOuter === 'set') ? null : 'never';
      // Taken over our own handle (nested), or over the caller's state.
      case 'entryOrSet': return truth === 'set' ? null : JOURNAL_CLEAR;
      default: return unknown;
    }
  }

  /** A callee's test of a field this path wrote with `known` (undefined: not with constants). */
  private testOfKnown(t: ParamTest, known: KnownFlags | undefined, unknown: 'never' | null): Guard | 'never' {
    if (t.test === 'in' || t.test === 'notIn') {
      // `f->owner = owner; callee(f)`: the field holds our parameter's value, our callers' to test.
      if (known && known.params.length > 0) return this.storedParamTest(t, known) ?? unknown;
      // `ms->m_flags = cpu_to_le32(DLM_IFL_STUB_MS); callee(ms)`: the field is that constant.
      const value = known?.othersClear ? exactValue(known.set, this.constantValue) : null;
      const holds = value ? decideTest(t, value, this.constantValue) : null;
      return holds === null ? unknown : holds ? null : 'never';
    }
    const has = known && (t.test === 'flag' || t.test === 'noFlag') ? this.hasFlag(known, t.flag) : null;
    if (has !== null) return has === (t.test === 'flag') ? null : 'never';
    const flag = known && (t.test === 'flag' || t.test === 'noFlag') ? this.paramFlag(known, t.flag) : null;
    const ours = known && flag !== null ? paramFlagGuards(known, flag) : null;
    return ours?.[t.test === 'flag' ? 0 : 1] ?? unknown;
  }

  /**
   * Whether a callee's flag test of our parameter's field reads a bit as the caller passed it:
   * only `|=` and `&=` of other flags wrote the field (KnownFlags.fromEntry).
   */
  private flagFromEntry(t: ParamTest, known: KnownFlags): boolean {
    if (!known.fromEntry || (t.test !== 'flag' && t.test !== 'noFlag') || known.params.length > 0 || known.changed?.length) return false;
    const flag = t.flag;
    return [...known.set, ...known.clear].every((named) => named !== flag && this.disjointFlags(named, flag));
  }

  /** A callee's test of a field that holds only our one parameter's value, as a test of that parameter; null otherwise. */
  private storedParamTest(t: ParamTest, known: KnownFlags): Guard {
    const [only] = known.params;
    if (!known.othersClear || known.set.length > 0 || known.params.length !== 1 || only === undefined) return null;
    const { field: _field, ...test } = t;
    return [{ ...test, param: only }];
  }

  /**
   * `x->f & F` where this path put what `x->f` holds (State.known): decided by the constants it
   * wrote, else a test of the parameters it ORed in (`ei->i_flags |= i_flags; … if (!(ei->i_flags
   * & EXT4_EA_INODE_FL))` runs only where the caller's `i_flags` lacks the flag).
   */
  private knownFieldTest(e: Expr, s: State): [State, State] | null {
    const read = s.dead ? null : this.flagRead(e);
    const holder = read ? this.knownHolder(read.object) : null;
    const known = read && holder !== null ? s.known[`${holder}:${read.field}`] : undefined;
    if (!read || !known) return null;
    const v = this.expr(e, s);
    const has = this.hasFlag(known, read.flag);
    if (has !== null) return has ? [v, DEAD] : [DEAD, v];
    const flag = this.paramFlag(known, read.flag);
    const guards = flag !== null ? paramFlagGuards(known, flag) : null;
    return guards ? [withGuard(v, guards[0]), withGuard(v, guards[1])] : null;
  }

  /**
   * `x->f & F` of a local pointer: each branch knows whether the object has `F` (State.known),
   * for the calls that take it on (`if (bg->flags & SYSTEM) continue; … min_bg = bg;` then
   * `btrfs_zone_finish(min_bg)`, whose callee tests `cache->flags & SYSTEM`). A parameter's is
   * its callers' test (a guard); a call that may write the field forgets it (forgetWrittenBy()).
   */
  private localFlagTest(e: Expr, s: State): [State, State] | null {
    const read = s.dead ? null : this.flagRead(e);
    if (!read || this.paramIndex(read.object) >= 0 || !this.isVariable(read.object)) return null;
    const v = this.expr(e, s);
    const key = `@${read.object}:${read.field}`;
    const before = v.known[key] ?? NOTHING_KNOWN;
    const flag = read.flag;
    return [{ ...v, known: { ...v.known, [key]: withFlagsSet(before, [flag]) } }, { ...v, known: { ...v.known, [key]: withFlagsCleared(before, [flag]) } }];
  }

  /**
   * `x->f & F` (through a cast) with `F` a constant: the pointer, the field and the flag. A mask
   * in a variable (`p->flags & mask`) is no flag a write can be compared with.
   */
  private flagRead(e: Expr): { object: string; field: string; flag: string } | null {
    if (e.k !== 'bin' || e.op !== '&' || e.right.k !== 'id' || this.isVariable(e.right.name)) return null;
    const read = e.left.k === 'cast' ? e.left.arg : e.left;
    if (read.k !== 'field' || !read.arrow || read.base.k !== 'id') return null;
    return { object: read.base.name, field: read.field, flag: e.right.name };
  }

  /** Whether a field holding `known` has `flag` set; null when that is not known (a number written needs the flag's value). */
  private hasFlag(known: KnownFlags, flag: string): boolean | null {
    if (known.set.includes(flag)) return true;
    if (known.clear.includes(flag)) return false;
    // A parameter's bits are its callers': whether they hold the flag is theirs to say.
    const clear = known.othersClear && known.params.length === 0;
    if (!known.set.some(isDecimal)) return clear ? false : null;
    const values = known.set.map((f) => (isDecimal(f) ? Number(f) : this.constantValue(f)));
    const bits = this.flagBits(flag);
    if (bits === null || values.some((v) => v === null)) return null;
    const any = values.some((v) => Number.isSafeInteger(v) && (BigInt(v as number) & BigInt(bits)) !== 0n);
    return any ? true : clear ? false : null;
  }

  /** Where an argument is a field of what our parameter points to (`ctx->flags`) that this path has not written: the parameter and the field. */
  private paramFieldRead(arg: Expr, s: State): { param: number; field: string } | null {
    const param = arg.k === 'field' && arg.arrow && arg.base.k === 'id' ? this.paramHere(arg.base.name, s) : -1;
    return arg.k === 'field' && param >= 0 && !fieldWritten(s, arg.field, this.ctx.identity.structOf(this.fnId, arg.base)) ? { param, field: arg.field } : null;
  }

  /**
   * What a callee reads at `path` (`raw.hdr.flags`) of the object `arg` points to, where it is
   * known only to be 0: a struct local zeroed by its initialiser, or a fresh zeroed object,
   * reached through casts (`(union frob_msg *)&req`) and embedded structs (`&req.hd`). Fields are
   * compared by name, as a cast may read the object as another type: no name on the path
   * (`sd_args` of `sdp->sd_args = *args` included) may be written by this body or by a callee
   * given the object. A struct copied in under a name the cast's type does not use is not seen.
   */
  private embeddedFieldValue(arg: Expr, path: string): Expr | null {
    const names = namesOfPath(path);
    const object = unwrapCasts(arg);
    const local = object.k === 'addr' ? baseName(object.arg) : object.k === 'id' ? object.name : null;
    if (local === null || !this.isVariable(local) || this.paramIndex(local) >= 0) return null;
    const body = this.fn().body;
    const zeroed = object.k === 'addr' ? startsZeroedWithout(body, local, names) : setNone(freshZeroedLocal(body, local, this.zeroedCall), names);
    return zeroed && !names.some((name) => writesField(body, name) || this.calleesWrite(local, name)) ? ZERO : null;
  }

  /**
   * Whether a call handed `local` (or a part of it) may make a field named `field` non-zero
   * (mayWriteField()): `rdma_listen()` tests `reuseaddr` and only ever clears it.
   */
  private calleesWrite(local: string, field: string): boolean {
    let written = false;
    forEachExpr(this.fn().body, (e) => {
      if (!written && e.k === 'call' && e.args.some((a) => reachesLocal(a, local))) written = this.mayWriteField(e, field, undefined, writesNonZero);
    });
    return written;
  }

  /**
   * Whether a call may write a field named `field` of an object it is handed: a call through a
   * pointer (`ops->init(x)`), a library call that fills its first argument
   * (models/memory-writers.ts), or a named function one of whose definitions writes it, one level
   * down (marked as consulted for check-patch). A named call with no body to read is taken not to.
   */
  private mayWriteField(c: Call, field: string, defs?: readonly FnId[], writes: (body: Stmt[], field: string) => boolean = writesField): boolean {
    const name = calleeName(c);
    if (name === null || fillsFirstArgument(name)) return true;
    return (defs ?? resolveCallee(this.ctx.program, this.fn(), name)).some((d) => {
      const callee = this.ctx.program.functions[d];
      this.ctx.identity.consult(d);
      return callee !== undefined && writes(callee.body, field);
    });
  }

  /**
   * The one constant a field of `&local` holds wherever the function sets it (`local-fields.ts`),
   * or 0 in a fresh zeroed object's field the function never writes through its pointer; null
   * when the values differ, are not constants, or there are none.
   */
  private fieldValueAt(arg: Expr, field: string): Expr | null {
    const body = this.fn().body;
    if (arg.k === 'id') {
      // Where the body sets the field through the pointer, the path's own writes say what a call
      // sees (State.known): not a write after the call, nor one before the pointer moved.
      if (this.paramIndex(arg.name) >= 0 || valuesSetThrough(body, arg.name, field).length > 0) return null;
      return this.isZeroedField(arg.name, field) ? ZERO : null;
    }
    // `device_register(&link->link_dev)`: a struct inside a fresh zeroed object is zeroed too.
    const holder = arg.k === 'addr' && arg.arg.k === 'field' && arg.arg.arrow && arg.arg.base.k === 'id' ? arg.arg.base.name : null;
    // The member is a name on the path too: a creator that set `link->link_dev.x` set `link_dev`.
    const member = holder && arg.k === 'addr' && arg.arg.k === 'field' ? arg.arg.field : '';
    if (holder) return this.paramIndex(holder) < 0 && !writesField(body, field) && this.isZeroedField(holder, field) && this.isZeroedField(holder, member) ? ZERO : null;
    const local = arg.k === 'addr' && arg.arg.k === 'id' ? arg.arg.name : null;
    if (!local || this.paramIndex(local) >= 0) return null;
    // `netlink_attachskb(sk, skb, &timeo, ssk)`: the callee tests `*timeo` before it writes it,
    // so what it reads is the value the local was given.
    if (field === POINTEE) return this.singleLocalAssignment(local);
    const values = valuesOfLocalField(body, local, field);
    return values ? this.oneConstant(values) : null;
  }

  /**
   * The constants `field` may hold in the object at the place `arg` points into (`&dev->alloc_state`,
   * or a local given only that), wherever the program sets it; null when not known. A local the
   * function writes that field through is its path's to say (State.known), not the place's.
   */
  private placeValues(arg: Expr, field: string): readonly Expr[] | null {
    const byField = getOrInit(this.placeValuesOf, arg, () => new Map<string, readonly Expr[] | null>());
    return getOrInit(byField, field, () => this.placeValuesNow(arg, field));
  }

  private placeValuesNow(arg: Expr, field: string): readonly Expr[] | null {
    if (arg.k === 'id' && (this.paramIndex(arg.name) >= 0 || valuesSetThrough(this.fn().body, arg.name, field).length > 0)) return null;
    if (arg.k !== 'id' && !(arg.k === 'addr' && arg.arg.k === 'field')) return null;
    const places = placeFieldsOf(this.ctx.program, this.ctx.identity);
    const place = places.placeOf(this.fnId, arg);
    const object = place ? this.ctx.identity.structOf(this.fnId, arg) : null;
    return place && object ? places.valuesAt(place, object, field) : null;
  }

  /**
   * Whether `local->field` starts at 0 (zeroed-objects.ts): the local holds fresh zeroed objects,
   * and neither this body (but through `local->field`) nor a callee given `local` writes the field.
   * Callees are read one level down: a helper's helper that sets the field is not seen.
   */
  private isZeroedField(local: string, field: string): boolean {
    return getOrInit(this.zeroedFields, `${local}\0${field}`, () => this.startsZeroed(local, field));
  }

  private startsZeroed(local: string, field: string): boolean {
    const body = this.fn().body;
    return writtenOnlyThrough(body, local, field) && setNone(freshZeroedLocal(body, local, this.zeroedCall), [field]) && !this.calleesWrite(local, field);
  }

  /** Whether `name` is a parameter or local of this function rather than a constant. */
  private isVariable(name: string): boolean {
    return variablesOf(this.fn()).has(name);
  }

  /**
   * The parameter `e` reads (through casts) where it holds the caller's value but for flags this
   * path ORed in (`changed`: `flags |= __WQ_ORDERED; … wq->flags = flags;`), else null.
   */
  private storedParam(e: Expr, s: State): { param: number; changed: string[] } | null {
    const read = e.k === 'cast' ? e.arg : e;
    if (read.k !== 'id' || s.written.includes(reassignedKey(read.name))) return null;
    const param = this.paramIndex(read.name);
    return param >= 0 ? { param, changed: this.changedFlags(read.name, s) } : null;
  }



  /**
   * `s` after `left op= right` to a field: written (only bit `bit` of it, for a bit operation's),
   * and the flags it now holds when the code says.
   */
  private fieldAssigned(left: Extract<Expr, { k: 'field' }>, op: string, right: Expr, s0: State, bit?: string): State {
    const struct = this.ctx.identity.structOf(this.fnId, left.base);
    const s = withWritten(s0, bit === undefined ? writtenFieldKey(left.field, struct) : writtenBitKey(left.field, struct, bit));
    const holder = left.arrow && left.base.k === 'id' && (op === '=' || op === '|=' || op === '&=') ? this.knownHolder(left.base.name) : null;
    const cleared = holder !== null && op === '&=' && right.k === 'unary' && right.op === '~' ? orOfConstants(right.arg) : null;
    const flags = holder !== null && op !== '&=' ? this.constantFlags(right) : null;
    const stored = holder !== null && op !== '&=' && !flags ? this.storedParam(right, s0) : null;
    const param = stored?.param ?? -1;
    const suffix = `:${left.field}`;
    if (!flags && !cleared && param < 0 && !Object.keys(s.known).some((k) => k.endsWith(suffix))) return s;
    const known: Record<string, KnownFlags> = {};
    // A write through anything else may be to the same object: what was known of the field goes.
    for (const [key, value] of Object.entries(s.known)) if (!key.endsWith(suffix)) known[key] = value;
    const key = `${holder}${suffix}`;
    const before = op === '=' ? undefined : s.known[key];
    const fromEntry = (before ? before.fromEntry : op !== '=' && !fieldWritten(s0, left.field, struct)) ? { fromEntry: true as const } : {};
    const params = param >= 0 ? [param] : [];
    const changed = stored?.changed.length ? { changed: stored.changed } : {};
    if (op === '=' && (flags || param >= 0)) known[key] = { set: [...(flags ?? [])].sort(), othersClear: true, params, clear: [], ...changed };
    else if (op === '|=' && (flags || param >= 0)) {
      const all = sortedUnion(before?.changed ?? [], stored?.changed ?? []);
      known[key] = {
        set: sortedUnion(before?.set ?? [], [...(flags ?? [])]),
        othersClear: before?.othersClear ?? false,
        params: [...new Set([...(before?.params ?? []), ...params])].sort((a, b) => a - b),
        clear: (before?.clear ?? []).filter((f) => !flags?.has(f)),
        ...(all.length ? { changed: all } : {}),
        ...fromEntry,
      };
    } else if (cleared) {
      known[key] = {
        set: (before?.set ?? []).filter((f) => !cleared.has(f)),
        othersClear: before?.othersClear ?? false,
        params: before?.params ?? [],
        clear: sortedUnion(before?.clear ?? [], [...cleared]),
        ...fromEntry,
      };
    }
    return { ...s, known };
  }

  /**
   * Whose fields `known` keeps: a parameter's by its index (decided for our callers), a local
   * pointer's as `@name` (decided at our own calls that pass it: `sigma_delta->bus_locked = true;
   * ad_sd_read_reg(sigma_delta, …)`); null for a name that is neither.
   */
  private knownHolder(name: string): string | null {
    const p = this.paramIndex(name);
    if (p >= 0) return String(p);
    return this.isVariable(name) ? `@${name}` : null;
  }

  /** The flags `right` writes as constants (`A | B`; a number as its decimal name, 0 as none), or null. */
  private constantFlags(right: Expr): Set<string> | null {
    const constant = this.argConstant(right);
    if (constant?.value === 0) return new Set();
    if (constant && constant.name === null && constant.value !== null) return new Set([String(constant.value)]);
    return orOfConstants(right);
  }

  /** Every field the body assigns, sorted: what a label may be reached after. */
  private allWritten(): string[] {
    this.writtenInBody ??= fieldsWritten(this.fn().body);
    return this.writtenInBody;
  }

  private readonly zeroedCall = (c: Call): readonly string[] | null => this.singleSummary(c)?.returnsZeroed ?? null;

  /** The first of `values` if they are all one constant, else null. */
  private oneConstant(values: Expr[]): Expr | null {
    const constants = values.map((v) => this.argConstant(v));
    const first = constants[0];
    if (!first || first.nonZero) return null;
    const same = constants.every((k) => k && !k.nonZero && k.name === first.name && k.value === first.value);
    return same ? (values[0] as Expr) : null;
  }

  /** The two values of `c ? x : y`, directly or through a local assigned once from it. */
  private conditionalValue(arg: Expr): Extract<Expr, { k: 'cond' }> | null {
    const value = arg.k === 'id' && this.paramIndex(arg.name) < 0 ? this.singleLocalAssignment(arg.name) : arg;
    return value?.k === 'cond' ? value : null;
  }

  /**
   * A callee's test of `c ? a : b`: decided where both values decide it alike (`flag = dir ?
   * FI_DIRTY_DIR : FI_DIRTY_FILE`), and where only one passes, our test of `c` that picks it
   * (`rtw_lps_ctrl_wk_cmd(…, tx ? 0 : 1)` tests `if (enqueue)`: it holds when `tx` is zero).
   */
  private testOfChoice(t: ParamTest, chosen: Extract<Expr, { k: 'cond' }>, unknown: 'never' | null, s: State, depth: number): Guard | 'never' {
    const a = this.testOfValue(t, chosen.then, unknown, s, depth + 1);
    const b = this.testOfValue(t, chosen.else, unknown, s, depth + 1);
    if (a === 'never' && b === 'never') return 'never';
    if (a === null && b === null) return null;
    const picks = a === 'never' || b === 'never' ? this.branchGuards(chosen.test, s) : null;
    const ours = !picks ? undefined : a === 'never' && b !== 'never' ? meetGuards(picks[1], b) : b === 'never' && a !== 'never' ? meetGuards(picks[0], a) : undefined;
    if (ours === undefined) return unknown;
    return isImpossible(ours) ? 'never' : ours;
  }

  /** A callee's test of its argument `arg` (the argument, or the value of a field it points to). */
  private testOfValue(t: ParamTest, arg: Expr, unknown: 'never' | null, s: State, depth = 0): Guard | 'never' {
    const chosen = depth < MAX_ARM_DEPTH ? this.conditionalValue(arg) : null;
    if (chosen) return this.testOfChoice(t, chosen, unknown, s, depth);
    const truth = truthTest(t);
    if (truth) {
      // `bool wait = flags & CSYNC_WAIT; send(mask, wait);`: the callee's test of its argument
      // is our test of our parameter.
      const derived = this.branchGuards(arg, s);
      const ours = derived ? derived[truth === 'set' ? 0 : 1] : null;
      if (ours) return ours;
    }
    const constant = this.argConstant(arg);
    if (t.test === 'flag' && isGfpSleepFlag(t.flag)) {
      const sleeps = gfpMaySleep(arg);
      return sleeps === false ? 'never' : sleeps === true ? null : unknown;
    }
    if (t.test === 'noFlag' && isGfpSleepFlag(t.flag)) {
      const sleeps = gfpMaySleep(arg);
      return sleeps === true ? 'never' : sleeps === false ? null : unknown;
    }
    if (t.test === 'flag' || t.test === 'noFlag') {
      const bits = this.constantHasFlag(arg, t.flag);
      if (bits !== null) return bits === (t.test === 'flag') ? null : 'never';
    }
    if (t.test === 'noFlag') {
      const named = orOfConstants(arg);
      if (named) return named.has(t.flag) ? 'never' : null;
      if (constant?.value === 0 || (arg.k === 'id' && !this.localMentions(arg.name, t.flag))) return null;
      return unknown;
    }
    if (t.test === 'flag') {
      if (constant?.value === 0) return 'never';
      if (arg.k === 'num') return unknown;
      const mentions = identifiersOf(arg);
      if (mentions.has(t.flag)) return null;
      // A local no assignment gives the flag lacks it; a parameter the path changed still has the caller's bits.
      if (arg.k === 'id' && this.paramIndex(arg.name) < 0 && !this.localMentions(arg.name, t.flag)) return 'never';
      if (arg.k !== 'id' && [...mentions].every((m) => /^[A-Z0-9_]+$/.test(m))) return 'never';
      return unknown;
    }
    if (!constant) return unknown;
    const holds = decideTest(t, constant, this.constantValue);
    return holds === false ? 'never' : holds === true ? null : unknown;
  }

  /** A literal, `NULL`, `true`/`false`, or a macro or enumerator name (with its value under the config when it has one). */
  private argConstant(arg: Expr): ArgConstant | null {
    if (arg.k === 'num') return { name: null, value: arg.value };
    if (arg.k === 'cast') return this.argConstant(arg.arg);
    if (arg.k === 'unary') {
      const v = this.argConstant(arg.arg)?.value ?? null;
      // `~` on a value past 31 bits is not what JavaScript's 32-bit `~` gives.
      if (v === null || (arg.op === '~' && Math.abs(v) >= 2 ** 31)) return null;
      return { name: null, value: arg.op === '-' ? -v : arg.op === '~' ? ~v : v };
    }
    if (arg.k === 'call' && arg.args.length === 1 && isIdentityConstantFunction(calleeName(arg) ?? '')) return this.argConstant(arg.args[0] as Expr);
    if (arg.k === 'addr' || arg.k === 'str') return NON_ZERO;
    if (arg.k === 'id' && this.paramIndex(arg.name) < 0 && checkedPointers(this.fn().body).has(arg.name)) return NON_ZERO;
    if (arg.k === 'id' && this.paramIndex(arg.name) < 0 && listIterators(this.fn().body).has(arg.name)) return NON_ZERO;
    if (arg.k !== 'id') return null;
    const fixed = FIXED_CONSTANTS[arg.name];
    if (fixed !== undefined) return { name: null, value: fixed };
    const value = this.constantValue(arg.name);
    // A name of another case is a constant only where a header gives it a number and the
    // function has no variable of that name (`HostCmd_CMD_11N_DELBA`, an `Opt_err` enumerator).
    if (!CONSTANT_NAME.test(arg.name)) return value !== null && !this.isVariable(arg.name) ? { name: arg.name, value } : null;
    // A macro without a number (`#define CUR_MODE (current->mode)`) is not a constant; a name no
    // header defines is an enumerator.
    if (value === null && this.ctx.conditions.defines(arg.name)) return null;
    return { name: arg.name, value };
  }

  private readonly constantValue = (name: string): number | null => {
    const bit = bitOfFlag(name);
    if (bit === null) return this.ctx.conditions.numeric(name);
    // `BIT(n)`: bit numbers past a double's exact integers have no value here.
    const at = isDecimal(bit) ? Number(bit) : this.ctx.conditions.numeric(bit);
    return at !== null && Number.isInteger(at) && at >= 0 && at < 53 ? 2 ** at : null;
  };

  /**
   * Whether an acquisition tells lockdep it nests: under a nest lock, or `_nested` with a named
   * subclass whose value the facts do not give (its class stays the plain one, but the code
   * asked for another subclass: `SINGLE_DEPTH_NESTING` from a header outside the scan).
   */
  private nestingAnnotated(c: Call, model: LockOp): boolean {
    if (model.nestLock) return true;
    const arg = model.subclassArg === undefined ? undefined : c.args[model.subclassArg];
    const constant = arg ? this.argConstant(arg) : null;
    return constant !== null && constant.name !== null && constant.value === null;
  }

  /** Whether any assignment to local `name` mentions `word` (`scf_flags |= SCF_WAIT`). */
  private localMentions(name: string, word: string): boolean {
    return assignmentsTo(this.fn().body, name).some((a) => identifiersOf(a.value).has(word));
  }

  // ------------------------------------------------------------ helpers

  private fn() {
    const f = this.ctx.program.functions[this.fnId];
    if (!f) throw new Error(`no function ${this.fnId}`);
    return f;
  }

  private link(c: Call, kind: StepKind): WitnessId {
    return this.ctx.witnesses.add({ fn: this.fnId, line: c.pos.line, col: c.pos.col, text: c.text, kind, next: -1 });
  }

  /** Lock classes (or our own parameter) that argument `argIndex` of `c` points to. */
  private lockKeys(c: Call, model: LockOp, s: State, count = true): LockKey[] {
    if (model.section) return this.counted([this.sectionKey(model.section, c.args[model.lockArg])], count);
    const raw = c.args[model.lockArg];
    const arg: Expr | undefined = raw && model.lockField ? { k: 'addr', arg: { k: 'field', base: raw, field: model.lockField, arrow: true } } : raw;
    const stored = arg ? s.stores[pathKey(arg) ?? ''] : undefined;
    const values: AbsVal[] = stored || !arg ? [] : this.ctx.identity.valueOf(this.fnId, arg);
    const plain = stored ?? values.map((v) => (v.k === 'unknown' ? `?${v.why}` : absKey(v)));
    const subclassArg = model.subclassArg;
    const own = this.instanceClassOf(arg);
    const keyed = own === null ? plain : plain.map((k) => this.rekeyed(k, own));
    const subclassed = subclassArg === undefined ? keyed : keyed.map((k) => this.subclassed(k, c.args[subclassArg], s));
    const keys = arg ? this.perElement(subclassed, arg, s) : subclassed;
    return this.counted(keys.length ? [...new Set(keys)] : ['?unresolved'], count);
  }

  /**
   * An element of a lock array lockdep keys element by element (a super_block's freeze levels) is
   * a class per index: the array's class in the subclass the index names. An index offset by a
   * constant from a parameter (`level - 1`) is named by the parameter: the elements stay apart.
   */
  private perElement(keys: LockKey[], arg: Expr, s: State): LockKey[] {
    const lock = unwrapCasts(arg.k === 'addr' ? arg.arg : arg);
    const element = lock.k === 'index' ? lock : elementOfSum(lock);
    if (!element || !keys.some((k) => this.ctx.identity.keyedPerElement(k))) return keys;
    const index = element.index.k === 'bin' && element.index.left.k === 'id' && element.index.right.k === 'num' && (element.index.op === '+' || element.index.op === '-')
      ? element.index.left : element.index;
    return keys.map((k) => (this.ctx.identity.keyedPerElement(k) ? this.subclassed(k, index, s) : k));
  }

  /** `keys`, counted in the statistics as one lock operation when `count`. */
  private counted(keys: LockKey[], count: boolean): LockKey[] {
    if (count) {
      this.ctx.stats.lockOps++;
      if (keys.every(isUnknownClass)) this.ctx.stats.unknownLockOps++;
    }
    return keys;
  }

  /** The resource of a read-side section's place (`(srcu)kvm.srcu`), named as its waiter names it. */
  private sectionKey(kind: WaitKind, arg: Expr | undefined): LockKey {
    const place = arg ? waitPlaceAt(this.ctx.identity, this.fnId, kind, arg) : null;
    return place === null ? '?unresolved' : waitResource(kind, place);
  }

  /**
   * `key` in lockdep subclass `arg` (a `_nested` acquisition's argument): subclass 0 is the class
   * itself, a number another class (`SINGLE_DEPTH_NESTING` is 1), our parameter a subclass our
   * callers pass while it still holds what they passed on this path. A value computed at run
   * time (`depth + 1`, or `hop` after `hop++`) is some subclass, `class/?`; an enumerator whose
   * value the facts do not give leaves the class as it is.
   */
  private subclassed(key: LockKey, arg: Expr | undefined, s: State): LockKey {
    if (!arg || isUnknownClass(key)) return key;
    if (arg.k === 'id' && this.paramIndex(arg.name) >= 0) {
      const p = this.paramHere(arg.name, s);
      return withSubclass(key, p >= 0 ? `#p${p}` : '?');
    }
    const c = this.argConstant(arg);
    if (!c) return withSubclass(key, '?');
    if (c.value === null || c.value === 0) return key;
    const objectKey = c.name === null ? null : keyOfSubclassConstant(c.name);
    return withSubclass(key, objectKey === null ? String(c.value) : `${objectKey}:${c.value}`);
  }

  /** A callee's lock key in our terms: classes stay, its parameters become our arguments' values. */
  private bindLock(key: LockKey, c: Call, s: State): LockKey[] {
    const p = paramIndexOf(key);
    if (p === null) return [key];
    if (!key.startsWith('#p')) return [this.subclassed(lockOfKey(key), c.args[p], s)];
    const lock = lockOfKey(key);
    if (lock === key) return this.bindParamLock(key, p, c);
    // A parameter's lock in a subclass (`down_write_nested(&sem->internal_rwsem, subclass)` in a
    // wrapper): the argument's classes, in the subclass the call gives (or the one written there).
    const subclass = key.slice(lock.length + 1);
    const subclassParam = subclassParamOf(key);
    return this.bindParamLock(lock, p, c).map((bound) => (isUnknownClass(bound) ? bound
      : subclassParam !== null ? this.subclassed(bound, c.args[subclassParam], s) : withSubclass(bound, subclass)));
  }

  /** A parameter's lock (no subclass) as our argument's classes. */
  private bindParamLock(key: LockKey, p: number, c: Call): LockKey[] {
    const pf = paramFieldOf(key);
    const arg = c.args[p];
    if (pf) {
      const stored = arg?.k === 'field' && this.storedInstances().isRekeyedName(pf.field) ? this.storedInstance(arg) : null;
      const own = arg?.k === 'id' ? this.instanceClasses().get(arg.name)?.get(pf.field) ?? null : stored?.get(pf.field) ?? null;
      const bound = this.ctx.identity.bindParamField(this.fnId, arg, pf);
      return own === null ? bound : bound.map((k) => this.rekeyed(k, own));
    }
    if (!arg) return ['?missing argument'];
    const values = this.ctx.identity.valueOf(this.fnId, key.endsWith(BY_ADDRESS) ? { k: 'addr', arg } : arg);
    const own = this.instanceClassOf(arg);
    const keys = values.map((v) => (v.k === 'unknown' ? `?${v.why}` : v.k === 'param' ? absKey(v) : own === null ? v.cls : this.rekeyed(v.cls, own)));
    return keys.length ? [...new Set(keys)] : ['?unresolved'];
  }

  /**
   * The one object of its struct type a call passes, when this function gave it classes of its
   * own (`inode_lock(ea_inode)` after `ext4_xattr_inode_set_class(ea_inode)`), or it comes from a
   * field that holds only re-keyed objects (`inode_lock(osb->osb_tl_inode)`): the callee's locks
   * of that struct are that object's, as no other object of the type reaches it from here.
   */
  private rekeyedArgument(c: Call, summary: Summary): { struct: string; fields: ReadonlyMap<string, string> } | null {
    const instances = this.instanceClasses();
    const structs = this.storedInstances().rekeyableStructs(summary);
    if (instances.size === 0 && structs.size === 0) return null;
    const fromField = (a: Expr): StoredFields | null => {
      const struct = a.k === 'id' || a.k === 'field' ? this.ctx.identity.structOf(this.fnId, a) : null;
      return struct && structs.has(struct) ? this.storedInstance(a) : null;
    };
    const rekeyed = c.args.flatMap((a) => {
      const fields = (a.k === 'id' ? instances.get(a.name) : null) ?? (structs.size ? fromField(a) : null);
      return fields ? [{ arg: a, fields }] : [];
    });
    const only = rekeyed.length === 1 ? rekeyed[0] : undefined;
    const struct = only ? this.ctx.identity.structOf(this.fnId, only.arg) : null;
    if (!only || !struct) return null;
    const sameType = c.args.filter((a) => (a.k === 'id' || a.k === 'field') && this.ctx.identity.structOf(this.fnId, a) === struct);
    return sameType.length === 1 ? { struct, fields: only.fields } : null;
  }

  /** A callee's lock as the re-keyed object's, when it is a lock of that object's struct. */
  private inInstance(lock: LockKey, instance: { struct: string; fields: ReadonlyMap<string, string> }): LockKey {
    const dot = lock.lastIndexOf('.');
    if (dot < 0 || lock.slice(0, dot) !== instance.struct) return lock;
    const suffix = instance.fields.get(lock.slice(dot + 1));
    return suffix === undefined ? lock : this.rekeyed(lock, suffix);
  }

  /**
   * The re-keyed fields of the objects a field holds (`osb->osb_tl_inode`: stored-instances.ts),
   * or a local set only from such fields, or null.
   */
  private storedInstance(e: Expr): StoredFields | null {
    if (e.k === 'field') {
      const struct = this.ctx.identity.structOf(this.fnId, e.base);
      return struct ? this.storedInstances().fieldsOf(struct, e.field, (fn) => this.ctx.identity.consult(fn)) : null;
    }
    if (e.k !== 'id') return null;
    let found: StoredFields | null | undefined;
    for (const value of this.ctx.identity.localAssignments(this.fnId, e.name)) {
      if (isNoObject(value)) continue;
      const fields = value.k === 'field' ? this.storedInstance(value) : null;
      if (!fields || (found && !sameFields(found, fields))) return null;
      found = fields;
    }
    return found ?? null;
  }

  private storedInstances(): StoredInstances {
    return storedInstancesOf(this.ctx.program, this.ctx.identity, this.ctx.conditions);
  }

  /** The objects this function gives lockdep classes of their own (rekeyed-instances.ts). */
  private instanceClasses(): InstanceClasses {
    this.instances ??= this.mayRekey() ? instanceClasses(this.fn().body, this.subclassLabel, {
      helperNamed: (name) => this.rekeyingHelper(name),
      returned: (c) => this.singleSummary(c)?.returnsInstance ?? NO_FIELDS,
    }) : NO_INSTANCES;
    return this.instances;
  }

  /** Whether this function or a callee re-keys anything: most bodies need no walk. */
  private mayRekey(): boolean {
    const fn = this.fn();
    const index = functionIndex(fn);
    if (index.reclasses) return true;
    return index.calls.some((name) => initialisingCallbackArg(name) !== null || resolveCallee(this.ctx.program, fn, name).some((d) => {
      const callee = this.ctx.program.functions[d];
      return (callee && functionIndex(callee)?.reclasses !== undefined) || (this.ctx.summaries.get(d)?.returnsInstance.length ?? 0) > 0;
    }));
  }

  /** The class suffix this function gave the lock `&x->f` points to, or null. */
  private instanceClassOf(lock: Expr | undefined): string | null {
    const target = objectField(lock);
    return target ? this.instanceClasses().get(target.name)?.get(target.field) ?? null : null;
  }

  /** `key` as the re-keyed instance's class: a class of its own for ordering, like a subclass. */
  private rekeyed(key: LockKey, suffix: string): LockKey {
    return isUnknownClass(key) || paramIndexOf(key) !== null ? key : withSubclass(key, suffix);
  }

  private readonly subclassLabel = (arg: Expr): string | null => {
    const c = this.argConstant(arg);
    if (!c) return '?';
    if (c.value === 0) return null;
    return c.value !== null ? String(c.value) : c.name;
  };

  /** The one function a name reaches from here, when its own code re-keys locks. */
  private rekeyingHelper(name: string): Helper | null {
    const found = rekeyingHelper(this.ctx.program, this.fn(), name, this.subclassLabel);
    if (found) this.ctx.identity.consult(found.def);
    return found?.helper ?? null;
  }
}

/** A witness not yet written to the table: most events are dominated and never need one. */
interface PendingWitness {
  length: number;
  get(): WitnessId;
  /** The part already in the table: the whole witness, or the callee's below a call. */
  readonly below: WitnessId;
}

const known = (id: WitnessId): PendingWitness => ({ length: 1, get: () => id, below: id });

/** The call link to a callee's witness, written only when asked; one per integration, re-aimed per event. */
class CallWitness implements PendingWitness {
  length = 0;
  below: WitnessId = -1;
  private id: WitnessId = -1;

  constructor(private readonly link: (callee: WitnessId) => WitnessId) {}

  of(callee: WitnessId, length: number): void {
    this.below = callee;
    this.length = length;
    this.id = -1;
  }

  get(): WitnessId {
    if (this.id < 0) this.id = this.link(this.below);
    return this.id;
  }
}

/**
 * Released-lock lists are kept sorted and distinct (a state's, an event's), so that two are
 * merged in one pass and equal lists compare element by element.
 */
function mergeSorted(a: LockKey[], b: LockKey[]): LockKey[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const out: LockKey[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) { out.push(x as LockKey); i++; } else if (x === undefined || y < x) { out.push(y); j++; } else { out.push(x); i++; j++; }
  }
  return out.length === a.length ? a : out.length === b.length ? b : out;
}

/** What a path holds of its own and has released of its caller's. */
type Holding = Pick<State, 'held' | 'released' | 'heldWhere'>;

/**
 * `entry` taken: held. A lock of our caller's that this path released is theirs again
 * (`retaken`), no longer released: held as they had it, not returned held on top.
 */
function taken(h: Holding, entry: HeldLock): Holding {
  if (isUnknownClass(entry.lock)) return h;
  const lock = lockOfKey(entry.lock);
  const retaken = h.released.includes(lock);
  return {
    held: [...h.held, retaken ? { ...entry, retaken: true } : entry],
    released: retaken ? h.released.filter((r) => r !== lock) : h.released,
    heldWhere: h.heldWhere,
  };
}

/** `key` released: the last hold of its lock ends; a caller's (not taken here, or taken again) is released. */
function dropped(h: Holding, key: LockKey): Holding {
  const lock = lockOfKey(key);
  // A release names its lock, or one element of a lock array keyed element by element (the
  // array in that element's subclass); an element computed at run time (`/?`) may be any of them.
  if (key.endsWith('/?')) {
    let out = h;
    while (out.held.some((x) => lockOfKey(x.lock) === lock)) out = dropped(out, lock);
    return out === h ? releasedHere(h, key, true) : out;
  }
  const exact = key === lock ? -1 : lastIndexWhere(h.held, (x) => x.lock === key);
  const at = exact >= 0 ? exact : lastIndexWhere(h.held, (x) => lockOfKey(x.lock) === lock);
  const callers = at < 0 || h.held[at]?.retaken === true;
  return releasedHere({ ...h, held: at < 0 ? h.held : [...h.held.slice(0, at), ...h.held.slice(at + 1)] }, key, callers);
}

/** `h` where `key` is no longer held: its callers' lock when `callers` (a lock this function did not take). */
function releasedHere(h: Holding, key: LockKey, callers: boolean): Holding {
  const lock = lockOfKey(key);
  return { held: h.held, released: callers && !isUnknownClass(lock) ? insertSorted(h.released, key) : h.released, heldWhere: releasedWhere(h.heldWhere, lock) };
}

function insertSorted(list: LockKey[], key: LockKey): LockKey[] {
  return mergeSorted(list, [key]);
}

const isParamLock = (key: LockKey): boolean => paramIndexOf(key) !== null;

/**
 * Whether taking `key` again while it is held is lockdep's "possible recursive locking": not for
 * two readers (a queued writer makes some of those deadlock too; not reported yet), nor for an
 * annotated nesting, nor for a subclass computed at run time (`depth + 1` differs each level).
 */
/**
 * Whether taking `key` again while it is held can block this CPU on itself. A second read blocks
 * only behind a queued writer, which the simulation looks for; a recursive read never does.
 */
function isRecursive(key: LockKey, heldMode: HeldLock['mode'], waitMode: WaitMode, nestingAnnotated: boolean): boolean {
  return !nestingAnnotated && !(heldMode === 'read' && waitMode === 'recursive-read') && !key.endsWith('/?');
}

/** A held lock an edge can start from: a class (not a parameter's), not released before the wait. */
function isHeldClass(h: HeldLock, released: readonly LockKey[]): boolean {
  return !isParamLock(h.lock) && !released.includes(lockOfKey(h.lock));
}

/** An event with the bit gates its path is inside added to those of its callee (`LockEvent.gates`). */
function withPathGates<E extends Omit<LockEvent, 'witness'>>(ev: E, s: State): E {
  const here = s.held.filter((h) => h.gate).map((h) => h.lock).sort();
  if (here.length === 0) return ev;
  return { ...ev, gates: ev.gates ? mergeSorted(ev.gates, here) : here };
}

/** The gates a callee's event is inside that this path did not pass itself: held as well. */
function calleeGates(ev: Omit<LockEvent, 'witness'>, s: State): { lock: LockKey; mode: LockMode }[] {
  return gatesHeld(ev).filter((g) => !s.held.some((h) => h.lock === g.lock));
}

/** An event's gates as what its CPU holds besides (`DepEdge.alsoHeld`). */
function gatesHeld(ev: Pick<LockEvent, 'gates'>): { lock: LockKey; mode: LockMode }[] {
  return (ev.gates ?? []).map((lock) => ({ lock, mode: 'write' }));
}

/** What else a CPU holds at a wait (an edge's `alsoHeld`): the held classes but `except`. */
function heldClasses(s: State, released: readonly LockKey[], except: LockKey | null): { lock: LockKey; mode: HeldLock['mode'] }[] {
  return s.held.filter((h) => isHeldClass(h, released) && h.lock !== except).map((h) => ({ lock: h.lock, mode: h.mode }));
}

/**
 * A function's events, one per variant (everything but the witness), in the order first seen.
 * Variants are found by lock, then compared field by field: no key strings on the hot path.
 */
class EventSet {
  private readonly order: LockEvent[] = [];
  private readonly byLock = new Map<LockKey, number[]>();

  find(ev: Omit<LockEvent, 'witness' | 'guard' | 'released'>, guard: Guard, released: readonly LockKey[]): LockEvent | undefined {
    for (const i of this.byLock.get(ev.lock) ?? []) {
      const e = this.order[i] as LockEvent;
      if (e.kind === ev.kind && e.mode === ev.mode && e.spins === ev.spins && e.irq === ev.irq && e.afterSleep === ev.afterSleep
        && e.viaIndirect === ev.viaIndirect && e.nestingAnnotated === ev.nestingAnnotated && e.queue === ev.queue && sameGuard(e.guard, guard) && sameList(e.released, released, (x, y) => x === y)
        && sameList(e.gates ?? NO_LOCKS, ev.gates ?? NO_LOCKS, (x, y) => x === y)) return e;
    }
    return undefined;
  }

  /** Adds `ev`, or puts it in the place of `replacing` (the same variant with a longer witness). */
  put(replacing: LockEvent | undefined, ev: LockEvent): void {
    const list = this.byLock.get(ev.lock) ?? [];
    const at = replacing ? list.find((i) => this.order[i] === replacing) : undefined;
    if (at !== undefined) { this.order[at] = ev; return; }
    list.push(this.order.length);
    this.byLock.set(ev.lock, list);
    this.order.push(ev);
  }

  inOrder(): LockEvent[] {
    return this.order;
  }
}

/** The edge fields naming owners (filesystems, families, drivers), only where known (edges of other classes carry none). */
function owners(heldIn: string | undefined, awaitedIn: string | undefined): Pick<DepEdge, 'heldIn' | 'awaitedIn'> {
  return { ...(heldIn ? { heldIn } : {}), ...(awaitedIn ? { awaitedIn } : {}) };
}

/** `s` on a branch that also passes `guard`. */
/** `s` on the branch where `guard` holds: no path where it contradicts what the path has tested. */
function withGuard(s: State, guard: Guard): State {
  if (!guard) return s;
  const met = meetGuards(guard, s.guard);
  if (isImpossible(met)) return { ...s, guard: met, dead: true };
  return s.gatesWhere.length === 0 ? { ...s, guard: met } : settleGatesWhere({ ...s, guard: met });
}

const COMPARISONS: Record<string, '==' | '!=' | CmpOp | undefined> = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
/** `0 < x` is `x > 0`. */
const MIRRORED = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
/** Kernel constants are upper case (`TRANS_JOIN`, `GFP_KERNEL`); `NULL`, `true`, `false` have fixed values. */
const FIXED_CONSTANTS: Readonly<Record<string, number>> = { NULL: 0, false: 0, true: 1 };
const NON_ZERO: ArgConstant = { name: null, value: null, nonZero: true };
/** Nested conditionals followed in an argument (`x = c ? x : y` names itself). */
const MAX_ARM_DEPTH = 3;

/** Tests that end the function (or leave by `goto`) when a pointer is an error or NULL. */
const POINTER_CHECKS = new Set(['IS_ERR', 'IS_ERR_OR_NULL']);
const checkedByBody = new WeakMap<Stmt[], Set<string>>();

/**
 * Locals that every assignment gives a call's result and that the body leaves on when the result
 * is an error or NULL (`page = f2fs_new_inode_page(inode); if (IS_ERR(page)) return …`): by the
 * kernel's convention for functions returning `ERR_PTR()`, not NULL where they are passed on.
 */
function checkedPointers(body: Stmt[]): Set<string> {
  let out = checkedByBody.get(body);
  if (out) return out;
  out = new Set<string>();
  forEachStmt(body, (st) => {
    if (st.k !== 'if' || !leaves(st.then)) return;
    const name = checkedName(st.cond);
    if (name && assignmentsTo(body, name).every((a) => a.op === '=' && (a.value.k === 'call' || (a.value.k === 'cast' && a.value.arg.k === 'call')))) out?.add(name);
  });
  checkedByBody.set(body, out);
  return out;
}

const iteratorsByBody = new WeakMap<Stmt[], Set<string>>();

/**
 * Locals given values only as the cursor of `list_for_each_entry*()` loops: never NULL, inside
 * the loop or after it (an emptied walk leaves the container of the head). Not `hlist_`, whose
 * walk ends on NULL.
 */
function listIterators(body: Stmt[]): Set<string> {
  let out = iteratorsByBody.get(body);
  if (out) return out;
  out = new Set<string>();
  forEachStmt(body, (st) => {
    const cursor = st.k === 'loop' && st.macro?.startsWith('list_for_each_entry') && st.update?.k === 'seq' ? st.update.items[0] : undefined;
    if (cursor?.k === 'id' && assignmentsTo(body, cursor.name).length === 0 && !isAddressTaken(body, cursor.name)) out?.add(cursor.name);
  });
  iteratorsByBody.set(body, out);
  return out;
}

/** A store `p->f = q` of two parameters that a function makes on every path. */
interface CalleeStore { objectParam: number; field: string; valueParam: number }

const storesByBody = new WeakMap<Stmt[], CalleeStore[]>();

/**
 * The stores `p->f = q` (both parameters, never reassigned) among a body's top-level statements
 * before anything that may leave or branch around them, of fields it writes nowhere else.
 */
function calleeStores(fn: FunctionFacts): CalleeStore[] {
  let out = storesByBody.get(fn.body);
  if (out) return out;
  out = [];
  const param = (e: Expr): number => {
    const v = e.k === 'cast' ? e.arg : e;
    return v.k === 'id' && assignmentsTo(fn.body, v.name).length === 0 ? fn.params.findIndex((p) => p.name === v.name) : -1;
  };
  const written = new Map<string, number>();
  forEachExpr(fn.body, (e) => { if (e.k === 'assign' && e.left.k === 'field') written.set(e.left.field, (written.get(e.left.field) ?? 0) + 1); });
  for (const st of fn.body) {
    if (st.k === 'decl') continue;
    if (st.k !== 'expr') break;
    const e = st.e;
    if (e.k === 'assign' && e.op === '=' && e.left.k === 'field' && e.left.arrow && written.get(e.left.field) === 1) {
      const [objectParam, valueParam] = [param(e.left.base), param(e.right)];
      if (objectParam >= 0 && valueParam >= 0) out.push({ objectParam, field: e.left.field, valueParam });
    }
  }
  storesByBody.set(fn.body, out);
  return out;
}

/** `x` in `IS_ERR(x)`, `IS_ERR_OR_NULL(x)`, `!x`, `x == NULL`. */
function checkedName(cond: Expr): string | null {
  if (cond.k === 'call' && POINTER_CHECKS.has(calleeName(cond) ?? '') && cond.args[0]?.k === 'id') return cond.args[0].name;
  if (cond.k === 'not' && cond.arg.k === 'id') return cond.arg.name;
  if (cond.k === 'bin' && cond.op === '==' && cond.left.k === 'id' && cond.right.k === 'id' && cond.right.name === 'NULL') return cond.left.name;
  return null;
}

/** `ERR_PTR(…)`: a failure, after which the caller leaves. */
function isErrorPointer(value: Expr): boolean {
  const e = value.k === 'cast' ? value.arg : value;
  return e.k === 'call' && calleeName(e) === 'ERR_PTR';
}

/** A branch that does not fall through: it ends in `return` or `goto`. */
function leaves(branch: Stmt[]): boolean {
  const last = branch[branch.length - 1];
  if (!last) return false;
  if (last.k === 'block') return leaves(last.body);
  return last.k === 'return' || last.k === 'goto';
}

function join(a: State, b: State): State {
  if (a.dead) return b;
  if (b.dead) return a;
  // Must-hold: a lock held on only one of two joining paths (`if (x) spin_unlock(…)`, a lock
  // taken inside a loop) is not counted as held after the join.
  const held = a.held.filter((h) => b.held.some((x) => x.lock === h.lock && x.mode === h.mode));
  return {
    held,
    irq: joinIrq(a.irq, b.irq),
    irqWitness: a.irq === 'off' ? a.irqWitness : b.irqWitness,
    saved: { ...b.saved, ...a.saved },
    guard: joinGuards(a.guard, b.guard),
    released: mergeSorted(a.released, b.released),
    dead: false,
    slept: a.slept && b.slept,
    lastPut: a.lastPut && b.lastPut,
    stores: sameStores(a.stores, b.stores),
    journal: a.journal === b.journal ? a.journal : joinPathJournal(journalOf(a), journalOf(b)),
    journalOuter: joinOuter(a, b),
    journalLocals: a.journalLocals === b.journalLocals ? a.journalLocals : a.journalLocals.filter((x) => b.journalLocals.includes(x)),
    handleLocals: a.handleLocals === b.handleLocals ? a.handleLocals : a.handleLocals.filter((x) => b.handleLocals.includes(x)),
    flags: a.flags === b.flags && sameGuard(a.guard, b.guard) ? a.flags : joinFlags(a, b),
    written: a.written === b.written ? a.written : mergeSorted(a.written, b.written),
    known: a.known === b.known ? a.known : joinKnown(a.known, b.known),
    drained: joinListFacts(a.drained, b.drained),
    gatesWhere: joinGatesWhere(a, b, held),
    ...joinPassedTests(a, b, held),
  };
}

/**
 * The gates held after two paths meet only where one of the paths' own tests holds: a gate held
 * on one path and not the other, when a test of its path contradicts the other's guard; and a
 * conditional gate of one path that the other's guard rules out, or that both have.
 */
function joinGatesWhere(a: State, b: State, held: readonly HeldLock[]): GateWhere[] {
  if (a.gatesWhere.length === 0 && b.gatesWhere.length === 0 && !a.held.some((h) => h.gate) && !b.held.some((h) => h.gate)) return a.gatesWhere;
  const out: GateWhere[] = [];
  const add = (g: GateWhere): void => {
    if (!held.some((h) => h.lock === g.gate.lock) && !out.some((x) => x.gate.lock === g.gate.lock)) out.push(g);
  };
  const oneSided = (x: State, y: State): void => {
    for (const gate of x.held) {
      if (!gate.gate || y.held.some((h) => h.lock === gate.lock)) continue;
      const where = x.guard?.find((t) => isImpossible(meetGuards([t], y.guard)));
      if (where) add({ gate, where });
    }
    for (const g of x.gatesWhere) {
      if (isImpossible(meetGuards([g.where], y.guard)) || y.gatesWhere.some((o) => o.gate.lock === g.gate.lock && testKey(o.where) === testKey(g.where))) add(g);
    }
  };
  oneSided(a, b);
  oneSided(b, a);
  return out;
}

/** Where a new test rules a conditional gate in (it is held) or out (it is gone). */
function settleGatesWhere(s: State): State {
  let held = s.held;
  const left = s.gatesWhere.filter((g) => {
    if (isImpossible(meetGuards([g.where], s.guard))) return false;
    if (!isImpossible(meetGuards(negateTest(g.where), s.guard))) return true;
    if (!held.some((h) => h.lock === g.gate.lock)) held = [...held, g.gate];
    return false;
  });
  return left.length === s.gatesWhere.length ? s : { ...s, held, gatesWhere: left };
}

/**
 * What a field's flag says of the parameters ORed into it, for its set and clear branches: clear
 * only where every one of them lacks the flag; set, past the constants, only where the one
 * parameter it holds has it. Null when the parameters say nothing.
 */
function paramFlagGuards(known: KnownFlags, flag: string): [Guard, Guard] | null {
  if (known.params.length === 0) return null;
  const lacks = known.params.reduce<Guard>((g, param) => meetGuards(g, [{ param, test: 'noFlag', flag }]), null);
  const [only] = known.params;
  const has: Guard = known.othersClear && known.params.length === 1 && only !== undefined ? [{ param: only, test: 'flag', flag }] : null;
  return [has, lacks];
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Flags known on both paths: those set on both, all others clear only if clear on both. */
function joinKnown(a: Record<string, KnownFlags>, b: Record<string, KnownFlags>): Record<string, KnownFlags> {
  const out: Record<string, KnownFlags> = {};
  for (const [key, x] of Object.entries(a)) {
    const y = b[key];
    // A local NULL on the other path has no object whose field could say otherwise.
    if (!y) { if (isNullOn(b, key)) out[key] = x; continue; }
    const set = x.set.filter((f) => y.set.includes(f));
    const params = x.params.filter((p) => y.params.includes(p));
    const same = set.length === x.set.length && set.length === y.set.length && params.length === x.params.length && params.length === y.params.length;
    const othersClear = x.othersClear && y.othersClear && same;
    const clear = x.clear.filter((f) => y.clear.includes(f));
    const changed = sortedUnion(x.changed ?? [], y.changed ?? []);
    const fromEntry = x.fromEntry && y.fromEntry ? { fromEntry: true as const } : {};
    if (set.length > 0 || params.length > 0 || othersClear || clear.length > 0 || fromEntry.fromEntry || splitKnownKey(key).field === NULL_OBJECT) {
      out[key] = { set, othersClear, params, clear, ...(changed.length ? { changed } : {}), ...fromEntry };
    }
  }
  for (const [key, y] of Object.entries(b)) if (!(key in a) && isNullOn(a, key)) out[key] = y;
  return out;
}

/**
 * State.known's entry for a local pointer that holds NULL (`@min_bg:#null`): a field known on
 * another path stays known at a join, as this path has no object.
 */
const NULL_OBJECT = '#null';
const NOTHING_KNOWN: KnownFlags = { set: [], othersClear: false, params: [], clear: [] };

/** `known` with `flags` set (and so no longer taken out). */
function withFlagsSet(known: KnownFlags, flags: Iterable<string>): KnownFlags {
  const added = new Set(flags);
  return { ...known, set: sortedUnion(known.set, [...added]), clear: known.clear.filter((f) => !added.has(f)) };
}

/** `known` with `flags` taken out. */
function withFlagsCleared(known: KnownFlags, flags: Iterable<string>): KnownFlags {
  const taken = new Set(flags);
  return { ...known, set: known.set.filter((f) => !taken.has(f)), clear: sortedUnion(known.clear, [...taken]) };
}

/** The holder (`@local`, or a parameter's index) and the field of a State.known key. */
function splitKnownKey(key: string): { holder: string; field: string } {
  const at = key.indexOf(':');
  return { holder: key.slice(0, at), field: key.slice(at + 1) };
}

function isNullOn(known: Record<string, KnownFlags>, key: string): boolean {
  const { holder, field } = splitKnownKey(key);
  return field !== NULL_OBJECT && holder.startsWith('@') && `${holder}:${NULL_OBJECT}` in known;
}

/** The local an argument hands a callee the object of (`x`, `&x->sub`, casts of them), or null. */
function handedObject(arg: Expr): string | null {
  const e = unwrapCasts(arg);
  if (e.k === 'id') return e.name;
  return e.k === 'addr' ? baseName(e.arg) : null;
}

/** How `written` names a parameter given another value (`=a`: no field is spelled so). */
function reassignedKey(param: string): string {
  return `=${param}`;
}

/**
 * How `written` names a flag a path changed of a parameter (`=flags|FGP_LOCK` after `flags |=
 * FGP_LOCK`, or a flag `current_gfp_context()` may take away): its other flags stay the caller's.
 */
function flagsChangedKey(param: string, flag: string): string {
  return `=${param}|${flag}`;
}

/** What `param op= value` changes of a parameter, as `written` keys; none for `dev = get_device(dev)`. */
function reassignmentKeys(param: string, op: string, value: Expr, onlyWith: string | null): string[] {
  if (op === '=' && isSameValue(value, param)) return [];
  const changed = op === '|=' ? orOfConstants(value) : op === '=' ? gfpFlagsChanged(value, param) : null;
  const on = op === '|=' && onlyWith !== null ? `${PROMOTED}${onlyWith}` : '';
  return changed ? [...changed].map((flag) => flagsChangedKey(param, flag + on)) : [reassignedKey(param)];
}

/**
 * How a changed flag that a path sets only where the caller's value has another reads
 * (`if (flags & WQ_POWER_EFFICIENT) flags |= WQ_UNBOUND` → `WQ_UNBOUND?WQ_POWER_EFFICIENT`).
 */
const PROMOTED = '?';

/** A changed flag (flagsChangedKey()): the flag, and the caller's flag it is set only with (or null). */
function changedFlag(entry: string): { flag: string; onlyWith: string | null } {
  const at = entry.indexOf(PROMOTED);
  return at < 0 ? { flag: entry, onlyWith: null } : { flag: entry.slice(0, at), onlyWith: entry.slice(at + 1) };
}

/** `name` itself, through casts and calls whose value is their argument (`get_device(dev)`). */
function isSameValue(e: Expr, name: string): boolean {
  if (e.k === 'id') return e.name === name;
  if (e.k === 'cast') return isSameValue(e.arg, name);
  if (e.k !== 'call') return false;
  const callee = calleeName(e);
  const model = callee ? modelOf(callee) : undefined;
  const arg = model && 'passThrough' in model ? e.args[model.passThrough] : undefined;
  return arg !== undefined && isSameValue(arg, name);
}

/** State.known's key for the flags a variable itself holds (`gup_flags |= FOLL_FAST_ONLY`). */
function valueKey(name: string): string {
  return `@${name}:${OWN_VALUE}`;
}

/** The "field" of valueKey(): no C field is spelled so. */
const OWN_VALUE = '#value';

/** `s` once local pointer `name` points elsewhere: what was known of its fields goes. */
function forgetFieldsOf(name: string, s: State): State {
  const prefix = `@${name}:`;
  if (!Object.keys(s.known).some((k) => k.startsWith(prefix))) return s;
  return { ...s, known: Object.fromEntries(Object.entries(s.known).filter(([k]) => !k.startsWith(prefix))) };
}

/**
 * Whether this path wrote a field a field path reads (any of `a.b.f`'s names, of any struct);
 * `otherBit` as fieldWritten()'s, for a test of one bit of a plain field.
 */
function pathWritten(s: State, path: string, otherBit?: (flag: string) => boolean): boolean {
  return path.includes('.') ? namesOfPath(path).some((name) => fieldWritten(s, name, null)) : fieldWritten(s, path, null, otherBit);
}

/**
 * How `written` names a field written through a pointer: with its struct where the code says
 * (`mlx4_vhcr_cmd.flags`), so that a write to another struct's field of that name
 * (`vhcr->flags = …` before `mlx4_is_master(dev)`) leaves the caller's `dev->flags` its own.
 */
function writtenFieldKey(field: string, struct: string | null): string {
  return struct ? `${struct}.${field}` : field;
}

/**
 * How `written` names one bit of a word that a bit operation wrote
 * (`ionic_lif.state#BIT(IONIC_LIF_F_INITED)`): a later test of another bit of the word still
 * reads what the callers passed.
 */
function writtenBitKey(field: string, struct: string | null, flag: string): string {
  return `${writtenFieldKey(field, struct)}#${flag}`;
}

/**
 * Whether this path wrote field `field` of a `struct` object (of any struct, where null). For a
 * test of one bit, `otherBit` tells a bit written by a bit operation that is known to be another
 * one: such a write does not count.
 */
function fieldWritten(s: State, field: string, struct: string | null, otherBit?: (flag: string) => boolean): boolean {
  return s.written.some((key) => {
    const hash = key.indexOf('#');
    const word = hash < 0 ? key : key.slice(0, hash);
    if (word !== field && (struct ? word !== `${struct}.${field}` : !word.endsWith(`.${field}`))) return false;
    return hash < 0 || otherBit === undefined || !otherBit(key.slice(hash + 1));
  });
}

function withWritten(s: State, field: string): State {
  return s.written.includes(field) ? s : { ...s, written: mergeSorted(s.written, [field]) };
}

/** Flags known on both paths, each branch's guard narrowed by the path it comes from. */
function joinFlags(a: State, b: State): Record<string, FlagValue> {
  const out: Record<string, FlagValue> = {};
  const on = (g: Guard | 'never', path: Guard): Guard | 'never' => (g === 'never' ? g : meetGuards(g, path));
  const either = (x: Guard | 'never', y: Guard | 'never'): Guard | 'never' => (x === 'never' ? y : y === 'never' ? x : joinGuards(x, y));
  for (const [name, x] of Object.entries(a.flags)) {
    const y = b.flags[name];
    if (!y) continue;
    out[name] = { set: either(on(x.set, a.guard), on(y.set, b.guard)), zero: either(on(x.zero, a.guard), on(y.zero, b.guard)) };
  }
  return out;
}

/**
 * `current->journal_info` on a path, with what its guard tells of the state at entry: after
 * `if (current->journal_info) goto got_it;` the handle is set there as surely as after an assignment.
 */
function journalOf(s: State): PathJournal {
  if ((s.journal !== 'entry' && s.journal !== 'entryOrSet') || !s.guard) return s.journal;
  const test = s.guard.find((t) => t.param === JOURNAL_PARAM);
  const truth = test ? truthTest(test) : null;
  if (s.journal === 'entryOrSet') return truth === 'set' ? 'set' : 'entryOrSet';
  return truth === 'set' ? 'set' : truth === 'zero' ? 'clear' : 'entry';
}

/**
 * What the task's handle was before this function's own one was taken, where paths meet. A path
 * that has none of its own (as at entry, nothing taken or what it took ended) has no handle a
 * later end could be about: the other path's answer stands.
 */
function joinOuter(a: State, b: State): PathJournal | null {
  if (a.journalOuter === b.journalOuter) return a.journalOuter;
  // No handle of its own: none taken, or the one taken ended (back to what the task had).
  const ownless = (s: State): boolean => s.journalOuter === null && (s.journal === 'entry' || s.journal === 'entryOrSet');
  if (ownless(a)) return b.journalOuter;
  if (ownless(b)) return a.journalOuter;
  // Both took a handle, over different states (a retry loop's later round takes it over its own).
  return a.journalOuter !== null && b.journalOuter !== null ? joinPathJournal(a.journalOuter, b.journalOuter) : null;
}

/**
 * The state after a callee that leaves the handle `exit`. Transactions nest like locks: a start
 * remembers the state before it, and a callee that may or may not clear the handle
 * (`btrfs_end_transaction()` clears it for the outermost handle only) gives that back. Where this
 * path started none, such a callee ends its caller's transaction or one of its own, and the
 * state is taken as unchanged: the callers' own starts and ends decide what follows.
 */
function afterCallee(s: State, exit: JournalState): State {
  switch (exit) {
    case 'entry': return s;
    case 'set': return { ...s, journal: 'set', journalOuter: s.journal };
    // A handle ended: what the locals held is no longer the task's.
    case 'clear': return { ...s, journal: 'clear', journalOuter: null, handleLocals: NO_NAMES };
    case 'unknown': return { ...s, journal: s.journalOuter ?? s.journal, journalOuter: null, handleLocals: NO_NAMES };
  }
}

/** A guard on the task's handle: set, or not. */
const JOURNAL_SET: Guard = [{ param: JOURNAL_PARAM, test: 'notIn', values: ['0'] }];
const JOURNAL_CLEAR: Guard = [{ param: JOURNAL_PARAM, test: 'in', values: ['0'] }];

/** Two states the analysis cannot tell apart (witness ids included). */
function sameState(a: State, b: State): boolean {
  if (a === b) return true;
  return a.dead === b.dead && a.irq === b.irq && a.irqWitness === b.irqWitness && a.slept === b.slept && a.lastPut === b.lastPut
    && a.journal === b.journal && a.journalOuter === b.journalOuter && sameList(a.journalLocals, b.journalLocals, (x, y) => x === y)
    && sameList(a.handleLocals, b.handleLocals, (x, y) => x === y) && sameListFacts(a.drained, b.drained)
    && sameRecord(a.flags, b.flags, (x, y) => sameFlagGuard(x.set, y.set) && sameFlagGuard(x.zero, y.zero))
    && sameList(a.held, b.held, (x, y) => x.lock === y.lock && x.mode === y.mode && x.spins === y.spins && x.witness === y.witness)
    && sameList(a.released, b.released, (x, y) => x === y)
    && sameGuard(a.guard, b.guard) && sameList(a.written, b.written, (x, y) => x === y)
    && sameRecord(a.known, b.known, (x, y) => x.othersClear === y.othersClear && sameList(x.set, y.set, (p, q) => p === q) && sameList(x.params, y.params, (p, q) => p === q) && sameList(x.clear, y.clear, (p, q) => p === q))
    && sameRecord(a.saved, b.saved, (x, y) => x.irq === y.irq && x.witness === y.witness)
    && sameRecord(a.stores, b.stores, (x, y) => sameList(x, y, (p, q) => p === q));
}

const sameFlagGuard = (x: Guard | 'never', y: Guard | 'never'): boolean => (x === 'never' || y === 'never' ? x === y : sameGuard(x, y));

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => eq(x, b[i] as T)));
}

function sameListFacts(a: ListFacts, b: ListFacts): boolean {
  return a === b || (sameRecord(a.lists, b.lists, (x, y) => x === y) && sameRecord(a.copies, b.copies, (x, y) => x.list === y.list && x.state === y.state));
}

function sameRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, eq: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && eq(a[k] as T, b[k] as T));
}

const labelled = new WeakMap<Stmt[], boolean>();

/** Whether a label sits in `body`: a goto back to it makes a second loop round see more. */
function hasLabel(body: Stmt[]): boolean {
  let known = labelled.get(body);
  if (known === undefined) {
    known = false;
    forEachStmt(body, (st) => { if (st.k === 'label') known = true; });
    labelled.set(body, known);
  }
  return known;
}

function sameStores(a: Record<string, LockKey[]>, b: Record<string, LockKey[]>): Record<string, LockKey[]> {
  if (a === b) return a;
  const out: Record<string, LockKey[]> = {};
  for (const [k, v] of Object.entries(a)) if (b[k] && b[k].join('\n') === v.join('\n')) out[k] = v;
  return out;
}

/** `pvmw->ptl`, `vmf->ptl`, `(*p).lock`: a stable name for a field path, or null. */
function pathKey(e: Expr): string | null {
  switch (e.k) {
    case 'id': return e.name;
    case 'field': { const base = pathKey(e.base); return base ? `${base}.${e.field}` : null; }
    case 'deref': { const base = pathKey(e.arg); return base ? `*${base}` : null; }
    case 'cast': return pathKey(e.arg);
    default: return null;
  }
}

/**
 * The tests of parameters' own values in a guard a value carries (`nonblock`), without those of
 * objects' fields (`dev->cfg_size > PCI_CFG_SPACE_SIZE` behind `pci_find_ext_capability()`'s
 * result): those are the objects' state, which callers rarely know, and a sleep is reported only
 * where its callers decide its guard.
 */
function parameterTests(g: Guard): Guard {
  const kept = g?.filter((t) => t.field === undefined) ?? [];
  return kept.length > 0 ? kept : null;
}

/** Whether `e` reads a field through `pointer` (`p->cap.data` through `p`). */
function readsThrough(e: Expr, pointer: Expr): boolean {
  const key = pathKey(pointer);
  if (!key) return false;
  let reads = false;
  walkExpr(e, (x) => { if (x.k === 'field' && x.arrow && pathKey(x.base) === key) reads = true; });
  return reads;
}

/** `a, b, c` parses as nested comma expressions: the list of its operands. */
function flattenSeq(e: Expr): Expr[] {
  return e.k === 'seq' ? e.items.flatMap(flattenSeq) : [e];
}

/** A call here that may sleep, as an event. */
function sleepEvent(s: State, guard: Guard): Omit<LockEvent, 'witness'> {
  return {
    kind: 'sleep', lock: SLEEP, mode: 'write', spins: false, irq: s.irq, guard, released: NO_LOCKS, afterSleep: s.slept,
    viaIndirect: false, nestingAnnotated: false, queue: 'plain',
  };
}

/** Whether a branch's last statement leaves it (`return`, `goto`, `break`, `continue`), so nothing after the `if` follows it. */
function endsInJump(body: Stmt[]): boolean {
  const last = body[body.length - 1];
  if (!last) return false;
  if (last.k === 'block') return endsInJump(last.body);
  return last.k === 'return' || last.k === 'goto' || last.k === 'break' || last.k === 'continue';
}

/** Most ways a condition is split into (`(a || b) && (c || d)` is four). */
const MAX_CONDITION_WAYS = 4;

/** `A || B`, alone or under `&&`. */
/** Whether a condition is `value` in more than one way: `A || B` holds so, `A && B` fails so. */
function isDisjunctive(e: Expr, value: boolean): boolean {
  if (e.k === 'not') return isDisjunctive(e.arg, !value);
  return e.k === 'logic' && ((e.op === '||') === value || isDisjunctive(e.left, value) || isDisjunctive(e.right, value));
}

/** The true and false branches of a last-put test: the one where the last reference went is the last put's. */
function lastPutBranches(s: State, lastWhen: LastPutTest['lastPut']): [State, State] {
  return lastWhen === 'whenTrue' ? [{ ...s, lastPut: true }, s] : [s, { ...s, lastPut: true }];
}

/** `--x->count`: a pre-decrement of a field named as a reference count. */
function isCountDrop(e: Expr): boolean {
  return e.k === 'assign' && e.op === 'pre--' && e.left.k === 'field' && isReferenceCountField(e.left.field);
}

/** A test of the execution context or atomicity, negated or combined, that calls nothing else. */
function isStateTest(e: Expr): boolean {
  switch (e.k) {
    case 'not': return isStateTest(e.arg);
    case 'logic': return isStateTest(e.left) && isStateTest(e.right);
    case 'call': {
      const name = calleeName(e);
      const model = name ? modelOf(name) : undefined;
      return !!model && e.args.length === 0 && ('atomicityTest' in model || 'contextTest' in model);
    }
    default: return false;
  }
}

/**
 * Whether a sleep under `guard` happens whatever the parameters, where the caller can sleep. A
 * test of a field of a struct embedded in a parameter's object (`sdp->sd_args.ar_errors`) is the
 * object's state, which callers decide only where they built the object: it removes the sleep
 * where a call decides it false, and does not make it conditional here.
 */
function sleepsWhenEnteredPreemptible(guard: Guard): boolean {
  return guard === null || guard.every((t) => isObjectStateTest(t) || (t.param === ATOMIC_PARAM && decideTest(t, { name: PREEMPTIBLE, value: null }, () => null) === true));
}

/** The drained lists after taking `locks`: empty, as whoever released them left them. */
function emptiedBy(locks: readonly LockKey[], f: ListFacts): ListFacts {
  let out = f;
  for (const lock of locks) for (const list of listsEmptiedBy(plainName(lock))) out = withList(out, list, 'empty');
  return out;
}

/** Whether a fresh zeroed object whose creators set `set` (null: no such object) left all of `names` 0. */
function setNone(set: readonly string[] | null, names: readonly string[]): boolean {
  return set !== null && !names.some((n) => set.includes(n));
}

function isEmbeddedFieldTest(t: ParamTest): boolean {
  return t.field !== undefined && t.field.includes('.');
}

/**
 * A test of what the object holds rather than of what a caller chose: a struct embedded in it
 * (`sdp->sd_args.ar_errors`), or a bit of a word the kernel's atomic bit operations keep
 * (`test_bit(SDF_WITHDRAWING, &sdp->sd_flags)`), which other contexts set. A caller that wrote
 * it decides it; where none did, a sleep under it may happen.
 */
function isObjectStateTest(t: ParamTest): boolean {
  return isEmbeddedFieldTest(t) || (t.field !== undefined && (t.test === 'flag' || t.test === 'noFlag') && bitOfFlag(t.flag) !== null);
}

/** A callee's event whose irqs the callee could not know: they are decided here, or further up. */
function irqUndecided(irq: IrqState): boolean {
  return irq === 'entry' || irq === 'restored';
}

/** What this path did to irqs and preemption since entry (models/atomicity.ts). */
function pathAtomicity(s: State): PathAtomicity {
  return { irq: s.irq, spinning: s.held.some((h) => h.spins), releasedCallers: s.released.length > 0 };
}

/** Spinning locks held or irqs off: sleeping here is a bug, so no sleeping path is taken. */
function inAtomic(s: State): boolean {
  return s.irq === 'off' || s.held.some((h) => h.spins);
}

function lastIndexWhere<T>(list: T[], pred: (x: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i] as T)) return i;
  return -1;
}

function flagsName(e: Expr | undefined): string | null {
  if (!e) return null;
  if (e.k === 'id') return e.name;
  if (e.k === 'addr' || e.k === 'deref') return flagsName(e.arg);
  if (e.k === 'field') return `${flagsName(e.base) ?? '?'}.${e.field}`;
  return null;
}


/** What a field given exactly `set` holds: 0, or the one constant; null for an OR of several. */
function exactValue(set: readonly string[], valueOf: (name: ConstName) => number | null): ArgConstant | null {
  if (set.length === 0) return { name: null, value: 0 };
  const [only] = set;
  if (set.length !== 1 || only === undefined) return null;
  return isDecimal(only) ? { name: null, value: Number(only) } : { name: only, value: valueOf(only) };
}

/** A flag set's entry for a number written (`p->f = 1`), not a constant's name. */
const isDecimal = (name: ConstName): boolean => /^\d+$/.test(name);

/** The flags of `A | B | C` written as constants (`cpu_to_le32(A)` as `A`), or null when the argument is anything else. */
function orOfConstants(e: Expr): Set<string> | null {
  if (e.k === 'cast') return orOfConstants(e.arg);
  if (e.k === 'call' && e.args.length === 1 && isIdentityConstantFunction(calleeName(e) ?? '')) return orOfConstants(e.args[0] as Expr);
  if (e.k === 'id') return CONSTANT_NAME.test(e.name) || bitOfFlag(e.name) !== null ? new Set([e.name]) : null;
  if (e.k !== 'bin' || e.op !== '|') return null;
  const left = orOfConstants(e.left);
  const right = left && orOfConstants(e.right);
  return right ? new Set([...(left as Set<string>), ...right]) : null;
}

/** Whether a guard tests the run the path is on and fails on `run` (`current_work() != &d->work`, in `d->work`'s worker). */
function failsOnRun(guard: Guard, run: string): boolean {
  return guard?.some((t) => t.param === RUN_PARAM && decideTest(t, { name: run, value: null }, () => null) === false) ?? false;
}
