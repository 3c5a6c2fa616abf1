// The dependency graph over resources (lock classes and IPI), held in graphology.
import graphology from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import { type DepEdge, type HoldMode, type WaitMode, edgeVariantKey } from './types.js';
import type { HeldClass } from '../summaries/domain.js';
import { cycleBoundOf } from '../resources/resource.js';

const { DirectedGraph } = graphology;
export type DependencyGraph = InstanceType<typeof DirectedGraph<Record<string, never>, { variants: DepEdge[] }>>;

/** A function's cheapest offer of one edge variant. */
export interface Offer { cost: number; edge: DepEdge }

/**
 * Collects edges per offering function, keeping per variant (modes, irq state, filesystems) the
 * cheapest witness, the first on a tie, and beside it witnesses held under fewer other locks: such
 * a witness closes cycles the cheapest cannot (a lock both CPUs would hold rules a scenario out).
 * An offer is dropped only for one that costs no more and is held under no lock it is not
 * (`MAX_HELD_VARIANTS` at most). Over functions likewise, the cheapest first, the lowest function
 * id on a tie: so the result does not depend on the order functions are analysed, and one
 * function's offers can be replaced when it is analysed again (check-patch).
 */
export class EdgeCollector {
  /** Per function: from → to → its offers, one per variant (hold mode, wait mode, irqs). */
  private readonly byFunction = new Map<number, Map<string, Map<string, Offer[]>>>();

  // Called for every held lock at every lock event of a whole kernel: no key strings made here.
  offer = (
    fn: number, from: string, to: string, holdMode: HoldMode, waitMode: WaitMode, irqsOff: boolean, cost: number, build: () => DepEdge,
    heldIn?: string, awaitedIn?: string, alsoHeldOf?: () => readonly HeldClass[],
  ): void => {
    let mine = this.byFunction.get(fn);
    if (!mine) this.byFunction.set(fn, (mine = new Map()));
    let targets = mine.get(from);
    if (!targets) mine.set(from, (targets = new Map()));
    let variants = targets.get(to);
    if (!variants) targets.set(to, (variants = []));
    const same = variants.filter((o) => o.edge.holdMode === holdMode && o.edge.waitMode === waitMode && o.edge.irqsOff === irqsOff
      && o.edge.heldIn === heldIn && o.edge.awaitedIn === awaitedIn);
    const cheaper = same.filter((o) => o.cost <= cost);
    if (cheaper.length > 0) {
      // Built only if held under fewer locks than every offer that costs no more (witnesses are dear).
      const held = alsoHeldOf?.();
      if (!held || same.length >= MAX_HELD_VARIANTS || cheaper.some((o) => heldWithin(o.edge.alsoHeld, held))) return;
    }
    const offer: Offer = { cost, edge: build() };
    if (cheaper.some((o) => heldWithin(o.edge.alsoHeld, offer.edge.alsoHeld))) return;
    const kept = variants.filter((o) => !same.includes(o) || !dominates(offer, o));
    kept.push(offer);
    targets.set(to, kept);
  };

  /** A function's offers, to be kept or replaced later. */
  offersOf(fn: number): Offer[] {
    const out: Offer[] = [];
    for (const targets of this.byFunction.get(fn)?.values() ?? []) for (const variants of targets.values()) out.push(...variants);
    return out;
  }

  /** Replaces a function's offers (a summary image's, or none before it is analysed again). */
  setOffers(fn: number, offers: readonly Offer[]): void {
    this.byFunction.delete(fn);
    for (const o of offers) {
      const e = o.edge;
      this.offer(fn, e.from, e.to, e.holdMode, e.waitMode, e.irqsOff, o.cost, () => e, e.heldIn, e.awaitedIn, () => e.alsoHeld);
    }
  }

  functions(): number[] {
    return [...this.byFunction.keys()].sort((a, b) => a - b);
  }

  edges(): DepEdge[] {
    const byVariant = new Map<string, Offer[]>();
    for (const fn of this.byFunction.keys()) {
      for (const o of this.offersOf(fn)) {
        const variant = edgeVariantKey(o.edge);
        const offers = byVariant.get(variant);
        if (offers) offers.push(o);
        else byVariant.set(variant, [o]);
      }
    }
    return [...byVariant.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, offers]) => leastHeld(offers).map((o) => o.edge));
  }
}

/** Offers of one variant: a witness held under fewer locks is kept beside a cheaper one. */
const MAX_HELD_VARIANTS = 3;

/** Every lock `a` is held under, `b` is too (in the same mode). */
function heldWithin(a: readonly HeldClass[], b: readonly HeldClass[]): boolean {
  return a.every((x) => b.some((y) => y.lock === x.lock && y.mode === x.mode));
}

/** `a` closes every cycle `b` closes, at no more cost. */
const dominates = (a: Offer, b: Offer): boolean => a.cost <= b.cost && heldWithin(a.edge.alsoHeld, b.edge.alsoHeld);

const heldKey = (e: DepEdge): string => e.alsoHeld.map((h) => `${h.lock}:${h.mode}`).sort().join(',');

/** One variant's offers over functions: the cheapest first (lowest function id on a tie), then those held under fewer locks. */
function leastHeld(offers: Offer[]): Offer[] {
  const order = offers.map((o) => ({ o, held: heldKey(o.edge) }))
    .sort((x, y) => x.o.cost - y.o.cost || x.o.edge.fn - y.o.edge.fn || (x.held < y.held ? -1 : x.held > y.held ? 1 : 0));
  const kept: Offer[] = [];
  for (const { o } of order) {
    if (kept.length < MAX_HELD_VARIANTS && !kept.some((k) => heldWithin(k.edge.alsoHeld, o.edge.alsoHeld))) kept.push(o);
  }
  return kept;
}

export function buildDependencyGraph(edges: DepEdge[]): DependencyGraph {
  const graph: DependencyGraph = new DirectedGraph();
  for (const e of edges) {
    graph.mergeNode(e.from);
    graph.mergeNode(e.to);
    const existing = graph.edge(e.from, e.to);
    if (existing === undefined) graph.addDirectedEdge(e.from, e.to, { variants: [e] });
    else graph.getEdgeAttribute(existing, 'variants').push(e);
  }
  return graph;
}

/** Lockdep finds a cycle of any length; six CPUs cover the rings seen in practice, within the budget. */
export const DEFAULT_MAX_CYCLE_LENGTH = 6;
/** Cycles searched before the search stops and says so (`stats.cycleSearchTruncated`). */
export const DEFAULT_MAX_CYCLES = 20000;

export interface CycleSearch {
  cycles: string[][];
  truncated: boolean;
}

/**
 * Elementary cycles of length 1..maxLength, shortest first (so a cap drops the long ones). A
 * self-loop is one CPU taking a class it holds (recursive locking). Johnson's idea, bounded:
 * longer cycles live inside one strongly connected component, and each is found once, from its
 * least node, by a DFS that never visits a node less than the start. Cycles through a hard irq
 * or a work item stop at their kind's bound (`cycleBoundOf`).
 */
export function findCycles(graph: DependencyGraph, maxLength: number, maxCycles: number): CycleSearch {
  const cycles: string[][] = [];
  const selfLoops = maxLength < 1 ? [] : graph.nodes().filter((n) => graph.hasDirectedEdge(n, n)).sort();
  for (const node of selfLoops) {
    cycles.push([node]);
    if (cycles.length >= maxCycles) return { cycles, truncated: true };
  }
  const components = stronglyConnectedComponents(graph).filter((c) => c.length > 1).map((c) => [...c].sort());
  const ranks = components.map((component) => new Map(component.map((n, i) => [n, i])));
  const successorLists = components.map((component, ci) => {
    const inside = ranks[ci] as Map<string, number>;
    return new Map(component.map((n) => [n, graph.outNeighbors(n).filter((m) => inside.has(m)).sort()]));
  });
  for (let length = 2; length <= maxLength; length++) {
    for (const [ci, component] of components.entries()) {
      const successors = successorLists[ci] as Map<string, string[]>;
      for (const [startRank, start] of component.entries()) {
        const ranksHere = ranks[ci] as Map<string, number>;
        const rank = (n: string): number => ranksHere.get(n) ?? -1;
        if (length > (cycleBoundOf(start) ?? length)) continue;
        if (!cyclesOfLength(start, startRank, length, successors, rank, cycles, maxCycles)) {
          return { cycles, truncated: true };
        }
      }
    }
  }
  return { cycles, truncated: false };
}

/** Appends the cycles of exactly `length` nodes through `start`; false once the cap is reached. */
function cyclesOfLength(
  start: string, startRank: number, length: number, successors: Map<string, string[]>,
  rank: (n: string) => number, out: string[][], maxCycles: number,
): boolean {
  const path = [start];
  const onPath = new Set(path);
  const dfs = (node: string): boolean => {
    for (const next of successors.get(node) ?? []) {
      if (next === start) {
        if (path.length === length) {
          out.push([...path]);
          if (out.length >= maxCycles) return false;
        }
        continue;
      }
      if (path.length >= length || onPath.has(next) || rank(next) <= startRank) continue;
      if (length > (cycleBoundOf(next) ?? length)) continue;
      path.push(next);
      onPath.add(next);
      const more = dfs(next);
      path.pop();
      onPath.delete(next);
      if (!more) return false;
    }
    return true;
  };
  return dfs(start);
}
