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
  /** Ids by a hash of fn, position and next (numbers: no key strings for a million adds). */
  private readonly index = new Map<number, WitnessId | WitnessId[]>();

  add(link: Omit<WitnessLink, 'length'>): WitnessId {
    const hash = hashLink(link);
    const bucket = this.index.get(hash);
    // The text too: check-patch adds to a table from before the patch, where a line may read differently.
    const same = (id: WitnessId): boolean => {
      const l = this.links[id] as WitnessLink;
      return l.fn === link.fn && l.line === link.line && l.col === link.col && l.kind === link.kind && l.next === link.next && l.text === link.text;
    };
    if (typeof bucket === 'number' && same(bucket)) return bucket;
    if (Array.isArray(bucket)) for (const id of bucket) if (same(id)) return id;
    const length = 1 + (link.next >= 0 ? this.links[link.next]?.length ?? 0 : 0);
    const id = this.links.length;
    this.links.push({ ...link, length });
    this.indexLink(link, id);
    return id;
  }

  private indexLink(link: Omit<WitnessLink, 'length'>, id: WitnessId): void {
    const hash = hashLink(link);
    const bucket = this.index.get(hash);
    if (bucket === undefined) this.index.set(hash, id);
    else if (typeof bucket === 'number') this.index.set(hash, [bucket, id]);
    else bucket.push(id);
  }

  /** Links carried over to new function ids (check-patch added or removed functions); -1: gone. */
  renumberFunctions(newId: (old: number) => number): void {
    this.index.clear();
    const links = this.links.splice(0);
    for (const l of links) {
      const link = { ...l, fn: newId(l.fn) };
      this.links.push(link);
      this.indexLink(link, this.links.length - 1);
    }
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

function hashLink(l: Omit<WitnessLink, 'length'>): number {
  let h = Math.imul(l.fn, 0x9e3779b1);
  h = Math.imul(h ^ l.line, 0x85ebca6b);
  h = Math.imul(h ^ l.col, 0xc2b2ae35);
  return Math.imul(h ^ l.next, 0x27d4eb2f) ^ (h >>> 15);
}
