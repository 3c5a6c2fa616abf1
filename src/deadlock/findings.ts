// Candidate cycles → simulated verdicts → findings with expanded witness chains.
import { createHash } from 'node:crypto';
import type { FunctionFacts } from '../facts/types.js';
import type { ChainStep, CpuScenario, Finding, ScenarioStep } from '../report/types.js';
import { classNamer, nameKeysIn, withoutDirectoryScopes } from '../program/scope.js';
import type { CycleRule } from '../rules/rule.js';
import { HARDIRQ, IPI, QUEUED_WRITER, SLEEP, SOFTIRQ } from '../summaries/domain.js';
import type { WitnessId, WitnessTable } from '../summaries/witness.js';
import type { DependencyGraph } from './graph.js';
import { devicelessFilesystems } from '../models/filesystem-classes.js';
import { sameOwners, waitsInHoldersOwner } from '../models/owner-classes.js';
import { functionIndex } from '../facts/outline.js';
import { fieldHop, flushedObjects, locksOwnRunObject, selfWaitObjects } from './lock-objects.js';
import { oneBackend } from './paravirt.js';
import { waitOf } from '../resources/waits.js';
import { lockedRunHolder } from '../models/waits.js';
import { nearestDirectories } from '../program/waits.js';
import { type QueuedWriters, type Verdict, simulate } from './simulate.js';
import type { DepEdge } from './types.js';

const MAX_VARIANT_COMBINATIONS = 64;
const INDIRECT_PENALTY = 0.7;
/** A rule's doubt (recursive locking on what may be two objects): below 0.6, a warning. */
const DOUBT_PENALTY = 0.5;
/** Other atomic sections a sleep-in-atomic finding names (the count says how many there are). */
const MAX_SECTIONS_NAMED = 5;

export interface FindingContext {
  functions: FunctionFacts[];
  witnesses: WitnessTable;
  rules: readonly CycleRule[];
  /** Writers a reader of the cycle may queue behind (simulate.ts). */
  writers: QueuedWriters;
  /** Per function a worker or a thread runs, the runs it is (program/waits.ts). */
  runFunctions: ReadonlyMap<number, readonly string[]>;
  /** Per run keyed by its registration site, per function registered to run it, the registering directories (program/waits.ts). */
  runSites: ReadonlyMap<string, ReadonlyMap<number, readonly string[]>>;
  /** Whether pointer field `struct.field` only ever holds objects allocated for it (summaries/fresh-fields.ts). */
  holdsOnlyFresh(struct: string, field: string): boolean;
}

export interface CycleOutcome {
  findings: Finding[];
  infeasible: number;
  /**
   * Fingerprints of the feasible cycles not reported because a shorter reported one has one of
   * their dependencies (sorted): check-patch does not call them new once that one is fixed.
   */
  implied: string[];
}

/**
 * Cycles come shortest first. As lockdep reports a dependency once, in the cycle it closes, a
 * cycle is reported only if none of its dependencies is in a shorter reported cycle of the same
 * rule: a ring of six locks is reported, the long cycles through a reported AB-BA are not (they
 * are counted, and fixing the AB-BA shows them).
 */
export function findingsFromCycles(graph: DependencyGraph, cycles: string[][], ctx: FindingContext, waits: readonly Finding[] = []): CycleOutcome {
  const byFingerprint = new Map<string, Finding>();
  const reported = new Set<string>();
  let infeasible = 0;
  const implied = new Set<string>();
  for (const raw of cycles) {
    const resources = canonicalRotation(raw);
    const rule = ctx.rules.find((r) => r.owns(resources));
    if (!rule) continue;
    const choice = chooseVariants(graph, resources, ctx.writers, (ring, queued) => oneMachine(ring, queued, ctx));
    if (!choice) { infeasible++; continue; }
    // Per rule: an IPI cycle and a lock-order cycle through one dependency are two deadlocks.
    const dependencies = resources.map((from, i) => `${rule.id}\u0000${from}\u0000${resources[(i + 1) % resources.length]}`);
    if (dependencies.some((d) => reported.has(d))) { implied.add(edgesFingerprint(rule.id, resources, choice.edges, ctx)); continue; }
    for (const d of dependencies) reported.add(d);
    const finding = buildFinding(rule, resources, choice.edges, choice.verdict, ctx);
    const old = byFingerprint.get(finding.fingerprint);
    if (!old || finding.confidence > old.confidence) byFingerprint.set(finding.fingerprint, finding);
  }
  const kept = [...byFingerprint.values(), ...waits];
  const name = classNamer(kept.flatMap(classesOf));
  const findings = kept.map((f) => withClassNames(f, name)).sort(compareFindings);
  for (const f of findings) implied.delete(f.fingerprint);
  return { findings, infeasible, implied: [...implied].sort() };
}

/**
 * Findings that are one CPU's wait, not a cycle (`L → SLEEP`, irqs off → IPI): a scenario of one
 * CPU that holds `L` (or has irqs off) and calls what may sleep (or waits for an IPI). One per
 * waiting call (a helper reached from a hundred atomic sections is one report, with its shortest
 * chain and the count of the others), as lockdep reports a dependency once; class names come
 * with the cycles'.
 */
export function findingsFromWaits(edges: readonly DepEdge[], rule: CycleRule, ctx: FindingContext): Finding[] {
  const bySite = new Map<string, DepEdge[]>();
  for (const e of edges) {
    const site = ctx.witnesses.chain(e.wait).at(-1);
    const key = site ? `${site.fn}:${site.line}:${site.col}` : `${e.fn}`;
    const group = bySite.get(key);
    if (group) group.push(e);
    else bySite.set(key, [e]);
  }
  const length = (e: DepEdge): number => ctx.witnesses.length(e.hold) + ctx.witnesses.length(e.wait);
  const byFingerprint = new Map<string, Finding>();
  for (const group of bySite.values()) {
    const shortest = group.reduce((a, b) => (length(b) < length(a) || (length(b) === length(a) && b.fn < a.fn) ? b : a));
    const notes = group.length > 1 ? [otherSections(group.filter((e) => e !== shortest), ctx)] : [];
    const steps: Verdict['steps'] = [{ cpu: 0, phase: 'hold' }, { cpu: 0, phase: 'wait' }];
    const resources = shortest.from === shortest.to ? [shortest.from] : [shortest.from, shortest.to];
    const finding = buildFinding(rule, resources, [shortest], { feasible: true, notes, steps, writers: [] }, ctx);
    if (!byFingerprint.has(finding.fingerprint)) byFingerprint.set(finding.fingerprint, finding);
  }
  return [...byFingerprint.values()];
}

/** `the same call is reached from 3 other atomic sections: in a(), b(), c()`: where to look next. */
function otherSections(others: readonly DepEdge[], ctx: FindingContext): string {
  const names = [...new Set(others.map((e) => ctx.functions[e.fn]?.name ?? '?'))].sort();
  const shown = names.slice(0, MAX_SECTIONS_NAMED).map((n) => `${n}()`).join(', ');
  const more = names.length > MAX_SECTIONS_NAMED ? `, and ${names.length - MAX_SECTIONS_NAMED} more` : '';
  return `the same call is reached from ${others.length} other atomic section${others.length > 1 ? 's' : ''}: in ${shown}${more}`;
}

function classesOf(f: Finding): string[] {
  return [...f.resources, ...f.cpus.flatMap((c) => [...c.holds, c.waitsFor])];
}

/** The finding as reports show it: classes by name; its fingerprint stays that of the class keys. */
function withClassNames(f: Finding, name: (key: string) => string): Finding {
  const inText = (text: string): string => nameKeysIn(text, name);
  return {
    ...f,
    reasons: f.reasons.map(inText),
    message: inText(f.message),
    resources: f.resources.map(name),
    cpus: f.cpus.map((c) => ({ ...c, holds: c.holds.map(name), waitsFor: name(c.waitsFor) })),
    interleaving: f.interleaving.map((s) => ({ ...s, action: inText(s.action) })),
  };
}

/**
 * Rotates a cycle to start at its least resource, so one cycle has one spelling; a cycle through
 * a hard irq starts at the lock the interrupted CPU holds (lockdep's CPU0), which comes before it.
 * Resources compare without directories' scopes first, as fingerprints read them (`hashChains`).
 */
export function canonicalRotation(cycle: string[]): string[] {
  const irq = cycle.indexOf(HARDIRQ);
  let best = irq >= 0 ? (irq - 1 + cycle.length) % cycle.length : 0;
  if (irq < 0) for (let i = 1; i < cycle.length; i++) if (comesFirst(cycle[i] as string, cycle[best] as string)) best = i;
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}

function comesFirst(a: string, b: string): boolean {
  const x = withoutDirectoryScopes(a);
  const y = withoutDirectoryScopes(b);
  return x < y || (x === y && a < b);
}

/**
 * Whether the CPUs' paths can run on one machine against the same objects: one paravirt
 * backend, and each per-owner class (a filesystem's, an address family's, a driver's) one
 * owner's on the CPU that holds it and on the one that waits for it. `ring` is the cycle in
 * order; a queued writer outside it waits for the lock of the ring's CPU that holds it.
 */
function oneMachine(ring: DepEdge[], writers: readonly DepEdge[], ctx: FindingContext): boolean {
  const deviceless = (): ReadonlySet<string> => devicelessIn(ctx.functions);
  const writersMeet = writers.every((w) => ring.every((holder) => holder.from !== w.to || waitsInHoldersOwner(w, holder, deviceless)));
  return sameOwners(ring, deviceless) && writersMeet && flushesNearestItems(ring, ctx) && !(ring.length > 1 && ring.some((e) => waitsForOwnRun(e, ctx))) && !waitsForAnotherRun(ring, ctx) && !flushesAnotherObjectsRun(ring, ctx) && oneBackend([...ring, ...writers].flatMap((e) => [expand(e.hold, ctx), expand(e.wait, ctx)]));
}

/**
 * Whether each run the ring waits for is one registered near the waiter: lockdep keys a work item
 * by its `INIT_WORK()` site, and a driver flushes the items its own code initialised (mt7615's
 * suspend cancels `phy->mt76->mac_work`, which mt7615's init binds to `mt7615_mac_work()`, not
 * the `mt76x02_mac_work()` another driver binds to the same field). The waiter's place is its
 * chain's code; the runner's, the directory that registers it (`heldIn`).
 */
function flushesNearestItems(ring: readonly DepEdge[], ctx: FindingContext): boolean {
  return ring.every((waiter, i) => {
    const runner = ring[(i + 1) % ring.length] as DepEdge;
    const sites = runner.heldIn === undefined ? undefined : ctx.runSites.get(runner.from);
    if (!sites) return true;
    const dirs = [...new Set([...sites.values()].flat())].sort();
    const files: string[] = [];
    ctx.witnesses.forEachFunction(waiter.wait, (fn) => { const file = ctx.functions[fn]?.file; if (file !== undefined) files.push(file); });
    const nearest = nearestDirectories(dirs, files);
    return (runner.heldIn as string).split('\n').some((dir) => nearest.includes(dir));
  });
}

/**
 * A CPU that waits for run `W` (a work item, a kthread) from inside a function that runs as `W`:
 * a work item never runs on two CPUs at once, and a thread never waits for itself, so the `W` it
 * waits for is another object of the class (a parent device's, another connection's), and the
 * runner holding it another instance's. Not so for a queue: an item that flushes its own queue
 * waits for itself.
 */
function waitsForOwnRun(e: DepEdge, ctx: FindingContext): boolean {
  if (!waitOf(e.to)?.model.onePerPlace) return false;
  let own = false;
  const visit = (fn: number): void => { own ||= ctx.runFunctions.get(fn)?.includes(e.to) ?? false; };
  ctx.witnesses.forEachFunction(e.hold, visit);
  ctx.witnesses.forEachFunction(e.wait, visit);
  return own;
}

/**
 * A run that waits for its own place, when the place may be another run's: a thread has no class
 * of its own but its task, so only a thread stopping itself deadlocks (the data it was handed
 * naming the task stopped); a work item is its `INIT_WORK()` site's class, so where other sites
 * bind other functions to the place, the item waited for must be the worker's own.
 */
function waitsForAnotherRun(ring: readonly DepEdge[], ctx: FindingContext): boolean {
  const [e] = ring;
  if (ring.length !== 1 || !e) return false;
  const objects = selfWaitObjects(e, ctx.functions, (id) => ctx.witnesses.chain(id));
  if (objects === null || objects.k === 'same') return false;
  return waitOf(e.to)?.model.kind === 'kthread' || (ctx.runSites.get(e.to)?.size ?? 0) > 1;
}

/**
 * Two CPUs, one holding object X's lock while it waits for the run of `X->f`'s item (dlm: `con`'s
 * `sock_mutex` held, `con->othercon`'s receive work cancelled), the other running that item and
 * taking the lock of the object embedding it. When `f` only ever holds objects allocated for it,
 * `X->f` is not X, so the worker's lock is not the one held.
 */
function flushesAnotherObjectsRun(ring: DepEdge[], ctx: FindingContext): boolean {
  if (ring.length !== 2) return false;
  const chain = (id: WitnessId): ReturnType<WitnessTable['chain']> => ctx.witnesses.chain(id);
  return ring.some((flush, i) => {
    const worker = ring[1 - i] as DepEdge;
    const flushed = flushedObjects(flush, ctx.functions, chain);
    const hop = flushed ? fieldHop(flushed.objects) : null;
    if (!flushed || hop === null || !ctx.holdsOnlyFresh(flushed.struct, hop)) return false;
    const work = chain(worker.wait);
    const runs = ctx.runFunctions.get(work[0]?.fn ?? -1) ?? [];
    return runs.includes(worker.from) && locksOwnRunObject(flushed.lockField, flushed.runField, work, ctx.functions);
  });
}

/** Worked out once per program, the first time a cycle meets a super_block found by device. */
const devicelessByProgram = new WeakMap<readonly FunctionFacts[], ReadonlySet<string>>();

function devicelessIn(functions: readonly FunctionFacts[]): ReadonlySet<string> {
  let found = devicelessByProgram.get(functions);
  if (!found) {
    found = devicelessFilesystems(functions.flatMap((fn) => (fn?.file.startsWith('fs/') ? [{ file: fn.file, calls: functionIndex(fn).calls }] : [])));
    devicelessByProgram.set(functions, found);
  }
  return found;
}

/**
 * The first combination of edge variants (modes, irq states) whose simulation deadlocks; one
 * that needs no writer outside the cycle if there is one.
 */
function chooseVariants(
  graph: DependencyGraph, resources: string[], writers: QueuedWriters, oneMachine: (ring: DepEdge[], queued: readonly DepEdge[]) => boolean,
): { edges: DepEdge[]; verdict: Verdict } | null {
  const options = resources.map((from, i) => {
    const to = resources[(i + 1) % resources.length] as string;
    const edge = graph.edge(from, to);
    return edge === undefined ? [] : graph.getEdgeAttribute(edge, 'variants');
  });
  let tried = 0;
  let fallback: { edges: DepEdge[]; verdict: Verdict } | null = null;
  const pick: DepEdge[] = [];
  const search = (i: number): { edges: DepEdge[]; verdict: Verdict } | null => {
    if (i === options.length) {
      tried++;
      const verdict = simulate(pick, writers);
      if (!verdict.feasible || !oneMachine(pick, verdict.writers)) return null;
      const found = { edges: [...pick], verdict };
      if (verdict.writers.length === 0) return found;
      fallback ??= found;
      return null;
    }
    for (const v of options[i] ?? []) {
      if (tried >= MAX_VARIANT_COMBINATIONS) return null;
      pick.push(v);
      const found = search(i + 1);
      pick.pop();
      if (found) return found;
    }
    return null;
  };
  return search(0) ?? fallback;
}

function buildFinding(rule: CycleRule, resources: string[], edges: DepEdge[], verdict: Verdict, ctx: FindingContext): Finding {
  const all = [...edges, ...verdict.writers];
  const paths = all.map((e) => ({ hold: expand(e.hold, ctx), wait: e.hold === e.wait ? [] : expand(e.wait, ctx) }));
  const cpus: CpuScenario[] = all.map((e, i) => cpuScenario(i, e, paths[i] as CpuPaths));
  const doubts = rule.doubts?.(edges, { functions: ctx.functions, chain: (id) => ctx.witnesses.chain(id) }) ?? [];
  const reasons = [...new Set([...all.flatMap((e) => e.reasons), ...verdict.notes, ...doubts])].sort();
  let confidence = 1;
  if (all.some((e) => e.reasons.length > 0)) confidence *= INDIRECT_PENALTY;
  if (doubts.length > 0) confidence *= DOUBT_PENALTY;
  const first = cpus[0];
  const waitStep = first?.chain[first.chain.length - 1];
  return {
    rule: rule.id,
    severity: confidence < 0.6 ? 'warning' : rule.severity,
    confidence: Math.round(confidence * 100) / 100,
    reasons,
    // The cycle's own CPUs: which writer a reader queues behind is any of them.
    fingerprint: fingerprint(rule.id, resources, cpus.slice(0, edges.length)),
    message: rule.message(resources),
    resources,
    cpus,
    interleaving: interleaving(verdict, cpus, paths),
    location: waitStep ? { file: waitStep.file, line: waitStep.line, col: waitStep.col } : { file: '', line: 0, col: 0 },
  };
}

/** The steps that took the held resource, and those down to the wait (empty when one op does both). */
interface CpuPaths { hold: ChainStep[]; wait: ChainStep[] }

function cpuScenario(cpu: number, e: DepEdge, { hold, wait }: CpuPaths): CpuScenario {
  const writer = e.from === QUEUED_WRITER;
  return {
    cpu,
    ...(writer ? { queuedWriter: true } : {}),
    holds: [...(writer ? [] : [e.from]), ...e.alsoHeld.map((h) => h.lock)],
    holdMode: writer ? '' : e.holdMode,
    ...(e.runUnder ? { runsUnder: lockedRunHolder(e.from) } : {}),
    waitsFor: e.to,
    waitMode: e.waitMode,
    irqsDisabled: e.irqsOff || e.from === IPI || e.from === HARDIRQ,
    chain: [...hold, ...wait],
  };
}

function expand(id: WitnessId, ctx: FindingContext): ChainStep[] {
  return ctx.witnesses.chain(id).map((link, depth) => {
    const fn = ctx.functions[link.fn];
    return {
      function: fn?.name ?? '?',
      file: fn?.file ?? '?',
      line: link.line,
      col: link.col,
      event: link.text,
      kind: link.kind,
      depth,
    };
  });
}

/** Lockdep-style lines: what each CPU does, in the order the simulation proved blocking. */
function interleaving(verdict: Verdict, cpus: CpuScenario[], paths: CpuPaths[]): ScenarioStep[] {
  // A hard-irq handler (or a softirq callback) takes nothing before its wait: its column starts at the interrupt.
  const context = (cpu: CpuScenario | undefined): boolean => cpu?.holds[0] === HARDIRQ || cpu?.holds[0] === SOFTIRQ;
  return verdict.steps.filter((step) => !(step.phase === 'hold' && context(cpus[step.cpu]))).map((step) => {
    const cpu = cpus[step.cpu] as CpuScenario;
    const { hold, wait } = paths[step.cpu] as CpuPaths;
    const holdEnd = hold[hold.length - 1];
    // A CPU that owes an event (a run, a completion) holds it from its start: its first chain is
    // its wait, and what follows it is where the event would come (`complete()`).
    const owes = waitOf(cpu.holds[0] ?? '')?.model.heldBy === 'owner' || cpu.runsUnder !== undefined;
    const waitEnd = wait.length && !owes ? wait[wait.length - 1] : holdEnd;
    if (step.phase === 'hold') {
      const held = cpu.holds[0] ?? '?';
      // A worker (a thread) holds its run's map from before the function runs, as lockdep prints it.
      const action = cpu.holdMode === 'irqs-off' ? `${apiOf(holdEnd)}();` : owes ? `lock(${held});` : lockAction(holdEnd, held);
      return { cpu: step.cpu, action, blocks: false };
    }
    const action = cpu.waitsFor === SLEEP ? `${apiOf(waitEnd)}(); <may sleep>`
      : cpu.waitsFor === IPI ? `IPI wait: ${apiOf(waitEnd)}()`
      : cpu.waitsFor === HARDIRQ ? '<Interrupt>'
        : cpu.holds[0] === HARDIRQ ? `(irq on CPU${interrupted(cpus, step.cpu)}) ${lockAction(waitEnd, cpu.waitsFor)}` : lockAction(waitEnd, cpu.waitsFor);
    return { cpu: step.cpu, action, blocks: true };
  });
}

/** The CPU a hard-irq handler's column interrupts: the one before it in the cycle (it waits for `HARDIRQ`). */
function interrupted(cpus: CpuScenario[], handler: number): number {
  return (handler - 1 + cpus.length) % cpus.length;
}

function apiOf(step: ChainStep | undefined): string {
  return /^([A-Za-z_]\w*)/.exec(step?.event ?? '')?.[1] ?? 'lock';
}

function lockAction(step: ChainStep | undefined, cls: string): string {
  return `${apiOf(step)}(${cls});`;
}

function fingerprint(rule: string, resources: string[], cpus: CpuScenario[]): string {
  return hashChains(rule, resources, cpus.map((c) => c.chain.map((s) => s.function)));
}

/** The fingerprint the finding of `edges` would have, without making the finding (implied cycles are thousands). */
function edgesFingerprint(rule: string, resources: string[], edges: DepEdge[], ctx: FindingContext): string {
  return hashChains(rule, resources, edges.map((e) => {
    const names: string[] = [];
    const add = (fn: number): void => { names.push(ctx.functions[fn]?.name ?? '?'); };
    ctx.witnesses.forEachFunction(e.hold, add);
    if (e.hold !== e.wait) ctx.witnesses.forEachFunction(e.wait, add);
    return names;
  }));
}

/**
 * A directory's scope (`host{drivers/scsi/qla4xxx/}`) is left out: the chains' functions tell
 * two drivers' namesakes apart, and baselines made before types of drivers' own headers had
 * scopes keep matching.
 */
function hashChains(rule: string, resources: string[], chains: string[][]): string {
  const keys = resources.map(withoutDirectoryScopes).join('|');
  return createHash('sha256').update([rule, keys, ...chains.map((c) => c.join('>'))].join('\n')).digest('hex').slice(0, 32);
}

function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.rule, b.rule) || cmp(a.location.file, b.location.file)
    || a.location.line - b.location.line || cmp(a.fingerprint, b.fingerprint);
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
