// Baselines for check-patch: the analysis of the unpatched tree, made now or read back from
// the summary image a previous scan or check-patch left in the cache.
import type { LoadedFile } from '../facts/outline.js';
import { writerIndex } from '../patch/rcu-review.js';
import { callersByName } from '../summaries/bottom-up.js';
import type { FnId } from '../program/program.js';
import type { Problem, Report } from '../report/types.js';
import { type ProgramAnalysis, analyzeProgram, reportOf } from '../analysis/program-analysis.js';
import { type LoadedTree, type ScanOptions, type Timings, type TreeFiles, contentKeyOf } from '../analysis/tree.js';
import { lookupTreeKeys } from '../source/tree-index.js';
import type { WriterIndex } from '../patch/rcu-review.js';
import { ImageWriteError, readImage, readImageReport, writeImage } from './image.js';

/** An analysed tree state that check-patch starts from. */
export interface Baseline {
  analysis: ProgramAnalysis;
  report: Report;
  /** The tree's problems (unreadable files, parse errors) as the scan saw them. */
  problems: Problem[];
  writers: WriterIndex;
  /** Functions whose bodies answered another function's lock-identity question. */
  consulted: ReadonlySet<FnId>;
  /** A file's facts as the baseline read them (null: not analysed). */
  factsOf(path: string): LoadedFile | null;
  /** Functions calling `name` (a name models do not take); `&name`: functions assigning it to a field. */
  callersOf(name: string): FnId[];
  /** Deletes the summary image it was read from (found damaged while in use). */
  discard?: () => void;
}

/** The whole analysis of a loaded tree. */
/** The whole analysis of a loaded tree; `lastUse`: the tree is not analysed again after this. */
export function analyzeTree(tree: LoadedTree, opts: ScanOptions, timings: Timings = {}, lastUse = false): Baseline {
  const analysis = analyzeProgram(tree.facts, opts, timings, lastUse, tree.defineScopes);
  const report = reportOf(analysis, tree, opts, timings);
  const byPath = new Map(tree.facts.map((f) => [f.path, f]));
  // Made on first use (an image needs it; check-patch only when a patch adds or removes functions).
  let callers: Map<string, FnId[]> | null = null;
  return {
    analysis, report, problems: tree.problems, writers: writerIndex(analysis.program.functions),
    consulted: new Set(analysis.identity.consulted), factsOf: (p) => byPath.get(p) ?? null,
    callersOf: (name) => (callers ??= callersByName(analysis.program)).get(name) ?? [],
  };
}

export function saveBaseline(cacheDir: string, tree: LoadedTree, base: Baseline, timings: Timings = {}): void {
  const t = performance.now();
  try {
    writeImage(cacheDir, tree.contentKey, tree.facts, base, tree.factsKeys);
  } catch (err) {
    // The report stands without it; say so, since check-patch will then analyse the whole tree.
    if (!(err instanceof ImageWriteError)) throw err;
    process.stderr.write(`kdeadlock: warning: summary image not written to ${cacheDir}: ${err.message}\n`);
  }
  timings['save-image'] = performance.now() - t;
}

/**
 * The baseline of the tree as it is on disk, from the cache alone (no file read): the tree
 * index gives every file's facts key, and those the image. Null when either is missing or stale.
 */
export async function cachedBaseline(opts: ScanOptions, cacheDir: string, listed: TreeFiles): Promise<Baseline | null> {
  const key = await cachedTreeKey(opts, cacheDir, listed);
  return key ? readImage(cacheDir, key, opts.config?.values ?? null) : null;
}

/** The report of the tree as it is on disk, from the cache alone; null when anything is missing or stale. */
export async function cachedReport(opts: ScanOptions, cacheDir: string, listed: TreeFiles): Promise<Report | null> {
  const key = await cachedTreeKey(opts, cacheDir, listed);
  return key ? readImageReport(cacheDir, key) : null;
}

/** The content key of the tree as the stat index knows it; null when any file is not known as it is. */
async function cachedTreeKey(opts: ScanOptions, cacheDir: string, listed: TreeFiles): Promise<string | null> {
  const known = await lookupTreeKeys(listed.root, listed.files, cacheDir);
  return known ? contentKeyOf(opts, listed, known.keys) : null;
}
