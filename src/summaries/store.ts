// Summaries of a whole program. Hundreds of thousands of them do not fit in memory as objects:
// each is kept as its JSON text, and the ones in use (callees of the functions being analysed
// now) as objects in a bounded LRU. Summaries are values: nobody changes one after it is set.
import { LRUCache } from 'lru-cache';
import type { FnId } from '../program/program.js';
import type { SummaryStore } from './analyze-function.js';
import type { Summary } from './domain.js';

const PARSED_KEPT = 16384;

export class CompactSummaries implements SummaryStore {
  private readonly texts = new Map<FnId, string>();
  private readonly parsed = new LRUCache<FnId, Summary>({ max: PARSED_KEPT });

  get(fn: FnId): Summary | undefined {
    const hit = this.parsed.get(fn);
    if (hit) return hit;
    const text = this.texts.get(fn);
    if (text === undefined) return undefined;
    const summary = JSON.parse(text) as Summary;
    this.parsed.set(fn, summary);
    return summary;
  }

  set(fn: FnId, summary: Summary): void {
    this.texts.set(fn, JSON.stringify(summary));
    this.parsed.set(fn, summary);
  }

  delete(fn: FnId): void {
    this.texts.delete(fn);
    this.parsed.delete(fn);
  }
}
