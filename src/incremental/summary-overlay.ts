// Summaries that come from elsewhere (an image's text, the baseline under old ids) on first use;
// what check-patch sets or deletes shadows that source.
import type { FnId } from '../program/program.js';
import type { SummaryStore } from '../summaries/analyze-function.js';
import type { Summary } from '../summaries/domain.js';

export class SummaryOverlay implements SummaryStore {
  /** null: deleted here, or the source has none. */
  private readonly current = new Map<FnId, Summary | null>();

  constructor(private readonly source: (fn: FnId) => Summary | undefined) {}

  get(fn: FnId): Summary | undefined {
    const hit = this.current.get(fn);
    if (hit !== undefined) return hit ?? undefined;
    const summary = this.source(fn) ?? null;
    this.current.set(fn, summary);
    return summary ?? undefined;
  }

  set(fn: FnId, summary: Summary): void {
    this.current.set(fn, summary);
  }

  delete(fn: FnId): void {
    this.current.set(fn, null);
  }
}
