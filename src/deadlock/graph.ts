// The dependency graph over resources (lock classes and IPI), held in graphology.
import graphology from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import type { WitnessTable } from '../summaries/witness.js';
import { type DepEdge, edgeVariantKey } from './types.js';

const { DirectedGraph } = graphology;
export type DependencyGraph = InstanceType<typeof DirectedGraph<Record<string, never>, { variants: DepEdge[] }>>;

/** Collects edges, keeping per variant (modes, irq state) the shortest witness. */
export class EdgeCollector {
  private readonly best = new Map<string, DepEdge>();

  constructor(private readonly witnesses: WitnessTable) {}

  add = (edge: DepEdge): void => {
    const key = edgeVariantKey(edge);
    const old = this.best.get(key);
    if (!old || this.cost(edge) < this.cost(old)) this.best.set(key, edge);
  };

  private cost(e: DepEdge): number {
    return this.witnesses.length(e.hold) + this.witnesses.length(e.wait) + e.reasons.length * 100;
  }

  edges(): DepEdge[] {
    return [...this.best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
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
 * Elementary cycles of length 2..maxLength. Johnson's idea, bounded: cycles live inside one
 * strongly connected component, and each is found once, from its least node, by a DFS that
 * never visits a node less than the start. Self-loops are not cycles across CPUs.
 */
export function findCycles(graph: DependencyGraph, maxLength: number, maxCycles: number): CycleSearch {
  const cycles: string[][] = [];
  let truncated = false;
  const components = stronglyConnectedComponents(graph).filter((c) => c.length > 1);
  for (const component of components.map((c) => [...c].sort())) {
    const rank = new Map(component.map((n, i) => [n, i]));
    const successors = new Map(component.map((n) => [
      n, graph.outNeighbors(n).filter((m) => rank.has(m)).sort(),
    ]));
    for (const start of component) {
      const startRank = rank.get(start) as number;
      const path = [start];
      const onPath = new Set(path);
      const dfs = (node: string): boolean => {
        for (const next of successors.get(node) ?? []) {
          if (next === start && path.length >= 2) {
            cycles.push([...path]);
            if (cycles.length >= maxCycles) return false;
            continue;
          }
          if ((rank.get(next) as number) <= startRank || onPath.has(next) || path.length >= maxLength) continue;
          path.push(next);
          onPath.add(next);
          const more = dfs(next);
          path.pop();
          onPath.delete(next);
          if (!more) return false;
        }
        return true;
      };
      if (!dfs(start)) { truncated = true; break; }
    }
    if (truncated) break;
  }
  return { cycles, truncated };
}
