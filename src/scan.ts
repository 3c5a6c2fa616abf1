// `kdeadlock scan`: the tree's report, from the summary image when the tree has not changed,
// else by the whole analysis (which leaves an image for the next run and for check-patch).
import { type ScanOptions, type Timings, type TreeFiles, loadTree, treeFiles } from './analysis/tree.js';
import { dependencyEdges } from './analysis/program-analysis.js';
import { type Baseline, analyzeTree, cachedBaseline, cachedReport, saveBaseline } from './incremental/baseline.js';
import type { GraphEdgeView } from './report/dot.js';
import { applySuppressions, treeLineReader } from './report/suppress.js';
import type { Report } from './report/types.js';

export type { ScanOptions, Timings } from './analysis/tree.js';

/**
 * Scans; with a cache, leaves the analysis behind as a summary image for check-patch. A tree
 * whose files the stat index says are unchanged gets the report that image holds. Suppressions
 * are applied to the report, whichever way it came.
 */
export async function scan(opts: ScanOptions, timings: Timings = {}): Promise<Report> {
  const t = performance.now();
  const listed = await treeFiles(opts);
  timings.list = performance.now() - t;
  let report: Report | null = null;
  if (opts.cacheDir) {
    report = await cachedReport(opts, opts.cacheDir, listed);
    timings['cached-report'] = performance.now() - t - timings.list;
  }
  report ??= (await analyze(opts, listed, timings)).report;
  return applySuppressions(report, treeLineReader(opts.root), opts.suppressions ?? null);
}

/** The dependency graph of the tree (`--format dot`), from the summary image when the tree has not changed. */
export async function scanGraph(opts: ScanOptions, timings: Timings = {}): Promise<GraphEdgeView[]> {
  const t = performance.now();
  const listed = await treeFiles(opts);
  const cached = opts.cacheDir ? await cachedBaseline(opts, opts.cacheDir, listed) : null;
  timings['cached-analysis'] = performance.now() - t;
  return dependencyEdges((cached ?? await analyze(opts, listed, timings)).analysis);
}

async function analyze(opts: ScanOptions, listed: TreeFiles, timings: Timings): Promise<Baseline> {
  const tree = await loadTree(opts, timings, listed);
  const base = analyzeTree(tree, opts, timings, true);
  if (opts.cacheDir) saveBaseline(opts.cacheDir, tree, base, timings);
  return base;
}
