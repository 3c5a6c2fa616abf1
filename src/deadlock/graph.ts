// The dependency graph over resources (lock classes and IPI), held in graphology.
import graphology from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import { type DepEdge, type HoldMode, type WaitMode, edgeVariantKey } from './types.js';

const { DirectedGraph } = graphology;
export type DependencyGraph = InstanceType<typeof DirectedGraph<Record<string, never>, { variants: DepEdge[] }>>;

const HOLD_MODES: HoldMode[] = ['read', 'write', 'irqs-off'];
const WAIT_MODES: WaitMode[] = ['read', 'write', 'ipi'];

/**
 * Collects edges, keeping per variant (modes, irq state) the cheapest witness. Offers come by
 * the million on a kernel tree: nested maps and a small variant number, no string keys.
 */
export class EdgeCollector {
  private readonly best = new Map<string, Map<string, Map<number, { cost: number; edge: DepEdge }>>>();

  offer = (from: string, to: string, holdMode: HoldMode, waitMode: WaitMode, irqsOff: boolean, cost: number, build: () => DepEdge): void => {
    let byTo = this.best.get(from);
    if (!byTo) this.best.set(from, (byTo = new Map()));
    let variants = byTo.get(to);
    if (!variants) byTo.set(to, (variants = new Map()));
    const variant = (HOLD_MODES.indexOf(holdMode) * 4 + WAIT_MODES.indexOf(waitMode)) * 2 + (irqsOff ? 1 : 0);
    const old = variants.get(variant);
    if (!old || cost < old.cost) variants.set(variant, { cost, edge: build() });
  };

  edges(): DepEdge[] {
    const all = [...this.best.values()].flatMap((byTo) => [...byTo.values()].flatMap((v) => [...v.values()].map((x) => x.edge)));
    const keyed = all.map((e) => [edgeVariantKey(e.from, e.to, e.holdMode, e.waitMode, e.irqsOff), e] as const);
    return keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  }
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

export interface CycleSearch {
  cycles: string[][];
  truncated: boolean;
}

/**
 * Elementary cycles of length 2..maxLength, shortest first (so a cap drops the long ones).
 * Johnson's idea, bounded: cycles live inside one strongly connected component, and each is
 * found once, from its least node, by a DFS that never visits a node less than the start.
 * Self-loops are not cycles across CPUs.
 */
export function findCycles(graph: DependencyGraph, maxLength: number, maxCycles: number): CycleSearch {
  const cycles: string[][] = [];
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
