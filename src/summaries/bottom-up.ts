// Summaries bottom-up over the strongly connected components of the call graph: callees
// before callers, recursion iterated to a fixed point.
import type { Progress } from '../facts/collect.js';
import { functionIndex } from '../facts/outline.js';
import { type FnId, type Program, fieldTargets, getOrInit, resolveCallee } from '../program/program.js';
import { type AnalysisContext, type AnalysisStats, analyzeFunction } from './analyze-function.js';
import { FactsUnavailable } from '../source/body-store.js';
import { EMPTY_SUMMARY, type Summary, eventKey, pairKey } from './domain.js';
import { guardKey } from './guard.js';

const MAX_SCC_ROUNDS = 4;

/** Direct callees of every function (models excluded: they have no body to visit). */
export function buildCallGraph(program: Program, maxIndirectTargets: number): FnId[][] {
  return program.functions.map((_, fn) => calleesOf(program, fn, maxIndirectTargets));
}

/** The functions one function calls, directly or through a resolved ops-struct field. */
export function calleesOf(program: Program, fnId: FnId, maxIndirectTargets: number): FnId[] {
  const fn = program.functions[fnId];
  if (!fn) return [];
  const index = functionIndex(fn);
  const callees = new Set<FnId>();
  for (const name of index.calls) for (const d of resolveCallee(program, fn, name)) callees.add(d);
  for (const field of index.fieldCalls) for (const d of fieldTargets(program, fn, field, maxIndirectTargets) ?? []) callees.add(d);
  return [...callees].sort((a, b) => a - b);
}

/**
 * Functions by the names they call (names that models do not take): who must be analysed again
 * when a function of that name comes or goes. `&name` keys the functions that assign the name
 * to a field (`x->f = name`), which binds the field only while a function of that name exists.
 */
export function callersByName(program: Program): Map<string, FnId[]> {
  const out = new Map<string, FnId[]>();
  program.functions.forEach((fn, id) => {
    const index = functionIndex(fn);
    const names = new Set([...index.calls, ...index.assigns.map(([, name]) => `&${name}`)]);
    for (const name of names) getOrInit(out, name, () => []).push(id);
  });
  return out;
}

/** Tarjan's algorithm, iterative (kernel call chains are deep); SCCs come out callees first. */
export function stronglyConnectedComponents(graph: FnId[][]): FnId[][] {
  const n = graph.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: FnId[] = [];
  const out: FnId[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: { v: FnId; next: number }[] = [{ v: root, next: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const frame = work[work.length - 1] as { v: FnId; next: number };
      const succ = graph[frame.v] ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] as FnId;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push({ v: w, next: 0 });
        } else if (onStack[w]) {
          low[frame.v] = Math.min(low[frame.v] as number, index[w] as number);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v] as number, low[frame.v] as number);
      if (low[frame.v] === index[frame.v]) {
        const component: FnId[] = [];
        let w: FnId;
        do {
          w = stack.pop() as FnId;
          onStack[w] = 0;
          component.push(w);
        } while (w !== frame.v);
        out.push(component.sort((a, b) => a - b));
      }
    }
  }
  return out;
}

export function summarizeProgram(ctx: AnalysisContext, graph: FnId[][], onProgress?: Progress): void {
  const components = stronglyConnectedComponents(graph);
  const debug = process.env.KDEADLOCK_DEBUG ? { last: Date.now() } : null;
  for (const [ci, component] of components.entries()) {
    if (debug && Date.now() - debug.last > 3000) {
      debug.last = Date.now();
      const f = ctx.program.functions[component[0] as FnId];
      const m = process.memoryUsage();
      process.stderr.write(`scc ${ci}/${components.length} size ${component.length} ${f?.name} witnesses ${ctx.witnesses.size}`
        + ` heap ${(m.heapUsed / 2 ** 20).toFixed(0)}/${(m.heapTotal / 2 ** 20).toFixed(0)} MiB external ${(m.external / 2 ** 20).toFixed(0)} MiB buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MiB rss ${(m.rss / 2 ** 20).toFixed(0)} MiB\n`);
    }
    summarizeComponent(ctx, graph, component);
    if (onProgress && (ci % 256 === 255 || ci === components.length - 1)) onProgress({ phase: 'summaries', done: ci + 1, total: components.length, bytes: 0 });
  }
}

/**
 * One component to a fixed point: after the first round only callers of changed summaries rerun.
 * Starts from no summary for its members, so analysing a component again gives what a whole run gives.
 */
export function summarizeComponent(ctx: AnalysisContext, graph: FnId[][], component: FnId[]): void {
  const members = new Set(component);
  const recursive = component.length > 1 || (graph[component[0] as FnId] ?? []).includes(component[0] as FnId);
  for (const fn of component) ctx.summaries.delete(fn);
  let work = component;
  for (let round = 0; round < (recursive ? MAX_SCC_ROUNDS : 1) && work.length > 0; round++) {
    const changed = new Set<FnId>();
    for (const fn of work) {
      const next = analyzeCounted(ctx, fn);
      // Only a recursive component has a next round to decide.
      if (recursive && !sameSummary(ctx.summaries.get(fn), next)) changed.add(fn);
      ctx.summaries.set(fn, next);
    }
    work = component.filter((fn) => members.has(fn) && (graph[fn] ?? []).some((callee) => changed.has(callee)));
  }
}

/** Analyses one function, crediting what it adds to the counters to that function. */
function analyzeCounted(ctx: AnalysisContext, fn: FnId): Summary {
  const before = { ...ctx.stats };
  ctx.identity.current = fn;
  let summary: Summary;
  try {
    summary = analyzeFunction(ctx, fn);
  } catch (e) {
    // A body the cache lost or damaged is the data's trouble: its readers fall back to a full analysis.
    if (e instanceof FactsUnavailable || e instanceof SyntaxError) throw e;
    // One function's failure (a kdeadlock defect) costs that function, not the scan.
    const f = ctx.program.functions[fn];
    ctx.failed.set(fn, { file: f?.file ?? '?', kind: 'analysis-error', message: `${f?.name ?? '?'}(): ${e instanceof Error ? e.message : String(e)}` });
    summary = EMPTY_SUMMARY;
  }
  ctx.identity.current = null;
  const mine = ctx.functionStats.get(fn) ?? emptyStats();
  for (const k of STAT_KEYS) mine[k] += ctx.stats[k] - before[k];
  ctx.functionStats.set(fn, mine);
  return summary;
}

export const STAT_KEYS = ['truncatedSummaries', 'lockOps', 'unknownLockOps', 'unresolvedCalls', 'indirectCalls'] as const;

export function emptyStats(): AnalysisStats {
  return { truncatedSummaries: 0, lockOps: 0, unknownLockOps: 0, unresolvedCalls: 0, indirectCalls: 0 };
}

/** Counters over all functions. */
export function totalStats(perFunction: Iterable<AnalysisStats>): AnalysisStats {
  const total = emptyStats();
  for (const s of perFunction) for (const k of STAT_KEYS) total[k] += s[k];
  return total;
}

function sameSummary(a: Summary | undefined, b: Summary): boolean {
  if (!a) return false;
  const keys = (s: Summary): string => [
    ...s.events.map(eventKey).sort(), '|', ...s.pairs.map(pairKey).sort(), '|', ...s.releases.slice().sort(), '|',
    ...s.returnsHeld.map((h) => `${h.lock}${h.mode}`).sort(), '|', s.irqExit, s.journalExit, s.listsExit.join(';'), s.returnsInstance.map((f) => `${f.field}${f.suffix}`).join(','), '|', s.nonZeroWhen === 'never' ? 'never' : guardKey(s.nonZeroWhen), s.nonZeroExact ? 'exact' : '', s.neverZero ? 'nonzero' : '',
    '|', ...s.requires.map((r) => `${r.lock}${r.mode}`), '|', s.trylock ? 'trylock' : '', s.returnsZeroed ? `zeroed:${s.returnsZeroed.join(',')}` : '', '|', `${s.irqSavesTo} ${s.irqRestoresFrom}`,
  ].join('\n');
  return keys(a) === keys(b);
}
