// The tree a run reads: its files (discovered, kept by Kbuild), their facts, and the content
// address of that tree state under the run's options.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { type Progress, collectFacts } from '../facts/collect.js';
import type { LoadedFile } from '../facts/outline.js';
import type { Problem } from '../report/types.js';
import type { BodyStore } from '../source/body-store.js';
import { discoverFiles } from '../source/discover.js';
import { filterByKbuild } from '../source/kbuild.js';
import type { Kconfig } from '../source/kconfig.js';
import { codeFingerprint } from '../version.js';
import type { SuppressionList } from '../report/suppress.js';

export interface ScanOptions {
  root: string;
  /** A kernel .config: `#if` conditions are evaluated with it; without one both arms stay. */
  config?: { path: string; values: Kconfig } | undefined;
  paths: string[];
  arch: string;
  rules?: string[];
  /** Parser threads; the report is the same for any number. */
  jobs?: number;
  /** Persistent facts cache directory (none when absent). */
  cacheDir?: string | null;
  maxCycleLength?: number;
  maxCycles?: number;
  maxIndirectTargets?: number;
  maxSummaryEvents?: number;
  maxChainDepth?: number;
  onProgress?: Progress;
  /** `--suppressions`: findings set aside besides those an inline comment sets aside (applied to reports, not analyses). */
  suppressions?: SuppressionList | null;
}

export interface Timings { [stage: string]: number }

/** A tree's facts, as read. */
export interface LoadedTree {
  files: string[];
  /** The files read; function bodies are in `store`. */
  facts: LoadedFile[];
  store: BodyStore;
  problems: Problem[];
  excludedByConfig: number;
  /** Content address of everything the analysis reads: same key, same report. */
  contentKey: string;
  /** Path → content address of its facts (in the facts cache when one is used). */
  factsKeys: Map<string, string>;
}

/** The files a scan reads: discovered under the paths, kept by Kbuild when there is a config. */
export interface TreeFiles { root: string; files: string[]; problems: Problem[]; excludedByConfig: number }

export async function treeFiles(opts: ScanOptions): Promise<TreeFiles> {
  const root = path.resolve(opts.root);
  const discovered = await discoverFiles({ root, paths: opts.paths, arch: opts.arch });
  const built = opts.config ? filterByKbuild(root, discovered.files, opts.config.values) : { kept: discovered.files, dropped: 0 };
  return { root, files: [...built.kept].sort(), problems: discovered.problems, excludedByConfig: built.dropped };
}

/** The tree's facts; `listed`: its files when the caller has listed them already. */
export async function loadTree(opts: ScanOptions, timings: Timings = {}, listed?: TreeFiles): Promise<LoadedTree> {
  let t = performance.now();
  const lap = (stage: string): void => { const now = performance.now(); timings[stage] = now - t; t = now; };
  const { root, files, problems, excludedByConfig } = listed ?? await treeFiles(opts);
  lap('discover');
  const collected = await collectFacts(root, files, { jobs: opts.jobs ?? 1, cacheDir: opts.cacheDir ?? null, onProgress: opts.onProgress });
  lap('parse+facts');
  return {
    files, facts: collected.files, store: collected.store, problems: [...problems, ...collected.problems], excludedByConfig,
    contentKey: contentKeyOf(opts, files, collected.keys), factsKeys: collected.keys,
  };
}

/** Content address of a tree state under some options: its files' facts keys and the options. */
export function contentKeyOf(opts: ScanOptions, files: readonly string[], factsKeys: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256').update(JSON.stringify(analysisOptions(opts)));
  for (const f of files) hash.update(`${f}\0${factsKeys.get(f) ?? '-'}\n`);
  return hash.digest('hex');
}

/** The options a report depends on (not jobs, caches or progress). */
function analysisOptions(opts: ScanOptions): unknown {
  return {
    code: codeFingerprint(), arch: opts.arch, config: opts.config ? [...opts.config.values].sort() : null, rules: opts.rules ?? null,
    maxCycleLength: opts.maxCycleLength ?? null, maxCycles: opts.maxCycles ?? null, maxIndirectTargets: opts.maxIndirectTargets ?? null,
    maxSummaryEvents: opts.maxSummaryEvents ?? null, maxChainDepth: opts.maxChainDepth ?? null,
  };
}

