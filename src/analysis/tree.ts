// The tree a run reads: its files (discovered, kept by Kbuild), their facts, and the content
// address of that tree state under the run's options.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { type Progress, collectFacts } from '../facts/collect.js';
import type { LoadedFile } from '../facts/outline.js';
import type { Problem } from '../report/types.js';
import type { BodyStore } from '../source/body-store.js';
import { discoverFiles } from '../source/discover.js';
import { includeClosure, includeResolver, sharedHeaderDirs } from '../source/includes.js';
import { includedUnitsNotBuilt, testsConfigOnly } from '../source/included-units.js';
import { type KbuildFiltered, type MakeDefines, filterByKbuild, makeDefinesFor } from '../source/kbuild.js';
import { ConditionEvaluator } from '../program/conditions.js';
import { type DefineScopes, defineScopes } from '../program/define-scopes.js';
import { type KnownIncludes, includesReader } from '../source/tree-index.js';
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
  /** Which file sees which locally defined name (with a config; null without). */
  defineScopes: DefineScopes | null;
}

/**
 * The files a scan reads: discovered under the paths, kept by Kbuild when there is a config, and
 * the shared headers those include (transitively).
 */
export interface TreeFiles {
  root: string;
  files: string[];
  problems: Problem[];
  excludedByConfig: number;
  /** Include refs of the files read so far, under the stamps they were read at (the tree index keeps them). */
  includes: Map<string, KnownIncludes>;
  /** Shared headers no file of the scan includes (a patch may include one). */
  unreached: ReadonlySet<string>;
  /** Resolves an include ref of a file to a path of the tree. */
  resolve: (from: string, ref: string) => string | null;
  /** The Makefiles' `-DNAME` flags by directory (with a config). */
  makeDefines: ReadonlyMap<string, MakeDefines>;
}

export async function treeFiles(opts: ScanOptions): Promise<TreeFiles> {
  const root = path.resolve(opts.root);
  const discovered = await discoverFiles({ root, paths: opts.paths, arch: opts.arch });
  const config = opts.config?.values;
  const built: KbuildFiltered = config ? filterByKbuild(root, discovered.files, config) : { kept: discovered.files, dropped: 0, mentioned: new Set(), defines: new Map() };
  const known = new Set([...discovered.files, ...discovered.headers]);
  const resolve = includeResolver(opts.arch, (rel) => known.has(rel));
  const includes = new Map<string, KnownIncludes>();
  const readIncludes = includesReader(root, opts.cacheDir ?? null);
  const refsOf = (file: string): readonly string[] => {
    const read = includes.get(file) ?? readIncludes(file);
    if (!read) return [];
    includes.set(file, read);
    return read.refs;
  };
  const compiled = config ? new ConditionEvaluator(config) : null;
  const keptByMakefiles = new Set(built.kept);
  const unitsOut = compiled ? includedUnitsNotBuilt(
    root, discovered.files.filter((f) => f.endsWith('.c')), (f) => keptByMakefiles.has(f), refsOf, resolve,
    (conditions) => compiled.allowed(conditions.filter(testsConfigOnly)), (f) => built.mentioned.has(f.replace(/\.c$/, '.o')),
  ) : new Set<string>();
  const kept = built.kept.filter((f) => !unitsOut.has(f));
  const dropped = discovered.files.length - kept.length;
  const reached = includeClosure(kept, new Set(discovered.headers), resolve, refsOf);
  return {
    root, files: [...kept, ...reached].sort(), problems: discovered.problems, excludedByConfig: dropped,
    includes, unreached: new Set(discovered.headers.filter((h) => !reached.has(h))), resolve, makeDefines: built.defines,
  };
}

/**
 * Shared headers not in `listed` that `roots` reach, sorted. `patched` gives the include refs of
 * files whose content is not the disk's; other files' are read from disk.
 */
export function headersReachedBy(listed: TreeFiles, roots: readonly string[], patched: ReadonlyMap<string, readonly string[]>): string[] {
  const readIncludes = includesReader(listed.root, null);
  const reached = includeClosure(roots, listed.unreached, listed.resolve, (file) => {
    const own = patched.get(file);
    if (own) return own;
    const read = readIncludes(file);
    if (read) listed.includes.set(file, read);
    return read?.refs ?? [];
  });
  return [...reached].sort();
}

/** The tree's facts; `listed`: its files when the caller has listed them already. */
export async function loadTree(opts: ScanOptions, timings: Timings = {}, listed?: TreeFiles): Promise<LoadedTree> {
  let t = performance.now();
  const lap = (stage: string): void => { const now = performance.now(); timings[stage] = now - t; t = now; };
  const tree = listed ?? await treeFiles(opts);
  const { root, files, problems, excludedByConfig, includes } = tree;
  lap('discover');
  const collected = await collectFacts(root, files, { jobs: opts.jobs ?? 1, cacheDir: opts.cacheDir ?? null, onProgress: opts.onProgress, includes });
  lap('parse+facts');
  return {
    files, facts: collected.files, store: collected.store, problems: [...problems, ...collected.problems], excludedByConfig,
    contentKey: contentKeyOf(opts, tree, collected.keys), factsKeys: collected.keys,
    defineScopes: opts.config ? scopesOf(tree, collected.files, opts) : null,
  };
}

/** Who sees which locally defined name: through the tree's include refs and Makefile flags. */
function scopesOf(tree: TreeFiles, facts: readonly LoadedFile[], opts: ScanOptions): DefineScopes {
  const shared = sharedHeaderDirs(opts.arch).map((d) => `${d}/`);
  const configOnly = new ConditionEvaluator(opts.config?.values ?? null);
  return defineScopes(facts, {
    refsOf: (file) => tree.includes.get(file)?.refs ?? [],
    resolve: tree.resolve,
    isShared: (file) => shared.some((d) => file.startsWith(d)),
    commandLineDefines: (file) => makeDefinesFor(tree.makeDefines, file),
    commandLineNames: new Set([...tree.makeDefines.values()].flatMap((d) => [...d.dir, ...d.subdirs, ...Object.values(d.objects).flat()])),
  }, (conditions) => configOnly.allowed(conditions.filter(testsConfigOnly)));
}

/** Content address of a tree state under some options: its files' facts keys, Makefile flags and the options. */
export function contentKeyOf(opts: ScanOptions, { files, makeDefines }: Pick<TreeFiles, 'files' | 'makeDefines'>, factsKeys: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256').update(JSON.stringify(analysisOptions(opts)));
  hash.update(JSON.stringify([...makeDefines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
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

