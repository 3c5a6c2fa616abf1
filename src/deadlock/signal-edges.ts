// Edges out of a signalled place (DEPT's event side): `C → L` when every signal site of `C` in
// the program (every `complete(&x->done)`) is reached holding `L`, in the function that signals.
// Then the event comes only after `L`: a waiter holding `L` waits forever. One site that does not
// hold `L` may end the wait, so it blames no lock (lockdep's cross-release blamed any completer,
// and was removed for it). Only sleeping locks: a waiter never sleeps holding a spinning one.
import type { FnId } from '../program/program.js';
import type { SignalSite } from '../summaries/analyze-function.js';
import type { DepEdge } from './types.js';

export function signalEdges(signals: ReadonlyMap<FnId, readonly SignalSite[]>): DepEdge[] {
  const byResource = new Map<string, { fn: FnId; site: SignalSite }[]>();
  for (const [fn, sites] of [...signals].sort(([a], [b]) => a - b)) {
    for (const site of sites) byResource.set(site.resource, [...(byResource.get(site.resource) ?? []), { fn, site }]);
  }
  const out: DepEdge[] = [];
  for (const [resource, sites] of [...byResource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const lock of heldAtEverySite(sites.map((s) => s.site))) {
      for (const { fn, site } of sites) {
        const held = site.held.find((h) => h.lock === lock);
        if (!held) continue;
        out.push({
          from: resource, to: lock, holdMode: 'write', waitMode: held.mode, waitSpins: false, irqsOff: false, fn,
          hold: held.witness, wait: site.witness,
          alsoHeld: site.held.filter((h) => h.lock !== lock).map((h) => ({ lock: h.lock, mode: h.mode })), reasons: [],
        });
      }
    }
  }
  return out;
}

/** The sleeping locks every site holds. */
function heldAtEverySite(sites: readonly SignalSite[]): string[] {
  const [first, ...rest] = sites;
  if (!first) return [];
  return [...new Set(first.held.filter((h) => !h.spins).map((h) => h.lock))]
    .filter((lock) => rest.every((site) => site.held.some((h) => h.lock === lock))).sort();
}
