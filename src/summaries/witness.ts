// Witnesses: how an event was reached. Summaries never carry call chains; each entry keeps
// one link id into this shared table, and chains are expanded only when a finding is reported.
import type { StepKind } from '../report/types.js';

export type WitnessId = number;

export interface WitnessLink {
  fn: number;
  line: number;
  col: number;
  text: string;
  kind: StepKind;
  /** The callee's witness for a `call` link, -1 at the end of a chain. */
  next: WitnessId;
  /** Links in the chain from here to its end. */
  length: number;
}

export class WitnessTable {
  readonly links: WitnessLink[] = [];
  private readonly index = new Map<string, WitnessId>();

  add(link: Omit<WitnessLink, 'length'>): WitnessId {
    // The text too: check-patch adds to a table from before the patch, where a line may read differently.
    const key = `${link.fn}:${link.line}:${link.col}:${link.kind}:${link.next}:${link.text}`;
    const existing = this.index.get(key);
    if (existing !== undefined) return existing;
    const length = 1 + (link.next >= 0 ? this.links[link.next]?.length ?? 0 : 0);
    const id = this.links.length;
    this.links.push({ ...link, length });
    this.index.set(key, id);
    return id;
  }

  length(id: WitnessId): number {
    return this.links[id]?.length ?? 0;
  }

  chain(id: WitnessId): WitnessLink[] {
    const out: WitnessLink[] = [];
    for (let at = id; at >= 0 && out.length < 64; at = this.links[at]?.next ?? -1) {
      const link = this.links[at];
      if (!link) break;
      out.push(link);
    }
    return out;
  }
}
