// `--format dot`: the dependency graph for Graphviz. Nodes are resources (lock classes, IPI),
// an edge A -> B says a CPU can hold A while it waits for B; it carries the function where both
// halves meet (the witness). `--focus` keeps one class and its neighbours.
import { printedPlainName } from '../program/scope.js';

/** One edge of the dependency graph as reports show it: classes by name, the witness by place. */
export interface GraphEdgeView {
  from: string;
  to: string;
  /** The function in which the CPU holds `from` and waits for `to`. */
  function: string;
  file: string;
  line: number;
  holdMode: string;
  waitMode: string;
  irqsOff: boolean;
}

/** The resources `focus` names: a class as printed, or by its plain name (every file's class of that name). */
export function focusedResources(edges: readonly GraphEdgeView[], focus: string): Set<string> {
  const names = new Set(edges.flatMap((e) => [e.from, e.to]));
  return new Set([...names].filter((n) => n === focus || printedPlainName(n) === focus));
}

export function renderDot(edges: readonly GraphEdgeView[], focus: ReadonlySet<string> | null = null): string {
  // One edge per pair: its variants (modes, irq states) share the endpoints; the first is kept.
  const pairs = new Map<string, GraphEdgeView>();
  for (const e of edges) {
    if (focus && !focus.has(e.from) && !focus.has(e.to)) continue;
    const key = `${e.from}\0${e.to}`;
    if (!pairs.has(key)) pairs.set(key, e);
  }
  const kept = [...pairs.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));
  const nodes = [...new Set(kept.flatMap((e) => [e.from, e.to]))].sort(cmp);
  const lines = [
    'digraph kdeadlock {',
    '  graph [rankdir=LR, fontname="monospace", label="kdeadlock dependency graph: A -> B, a CPU holds A while it waits for B"];',
    '  node [shape=box, style=rounded, fontname="monospace"];',
    '  edge [fontname="monospace", fontsize=10];',
  ];
  for (const n of nodes) {
    const attrs = [`label=${quote(n)}`];
    if (n === 'IPI') attrs.push('shape=octagon');
    if (focus?.has(n)) attrs.push('style="rounded,filled"', 'fillcolor="#ffe9a8"');
    lines.push(`  ${quote(n)} [${attrs.join(', ')}];`);
  }
  for (const e of kept) {
    const label = `${e.function}()\n${e.file}:${e.line}`;
    const tooltip = `holds ${e.from} (${e.holdMode}), waits for ${e.to} (${e.waitMode})${e.irqsOff ? ', irqs disabled' : ''}`;
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(label)}, tooltip=${quote(tooltip)}${e.irqsOff ? ', color="#9a6700"' : ''}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** A DOT string: quotes and backslashes escaped, newlines as DOT's `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
