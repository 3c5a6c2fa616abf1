// Facts for many files, on one thread or several. The result does not depend on the number
// of threads: files are independent and linking sorts them.
import { Piscina } from 'piscina';
import type { Problem } from '../report/types.js';
import { BodyStore } from '../source/body-store.js';
import { FactsCache, scratchFactsDir } from '../source/facts-cache.js';
import type { PackLocation } from '../source/pack-store.js';
import { type KnownIncludes, type Observed, includesUnder, observeFiles, type Recorded, recordTreeKeys } from '../source/tree-index.js';
import { extractFile, type FileResult } from './extract-file.js';
import { ValuePool } from './intern.js';
import type { ParseTask } from './parse-task.js';
import type { FileOutline, LoadedFile } from './outline.js';

/** Where a long stage is: units done of total (files, components), and bytes read so far. */
export interface ProgressEvent { phase: 'parse' | 'summaries'; done: number; total: number; bytes: number }
export type Progress = (e: ProgressEvent) => void;

export interface CollectOptions {
  jobs: number;
  /** Persistent facts cache directory; null: none. */
  cacheDir: string | null;
  /** Contents that replace the disk's (a patch applied in memory); null = the file is deleted. */
  overrides?: ReadonlyMap<string, string | null>;
  onProgress?: Progress;
  /** Longest a parser thread may spend on one file (ms). */
  fileTimeoutMs?: number;
  /** The pool's task module (tests give one that hangs or dies). */
  taskModule?: URL;
  /** Include refs already read, to keep in the tree index beside the facts keys. */
  includes?: ReadonlyMap<string, KnownIncludes> | undefined;
}

export interface Collected {
  /** Files read, in the order asked; their bodies are in `store`. */
  files: LoadedFile[];
  store: BodyStore;
  problems: Problem[];
  /** Path → content address of its facts, for every file read. */
  keys: Map<string, string>;
}

export async function collectFacts(root: string, files: string[], opts: CollectOptions): Promise<Collected> {
  const present = opts.overrides ? files.filter((f) => opts.overrides?.get(f) !== null) : files;
  if (opts.cacheDir) FactsCache.pruneVersions(opts.cacheDir);
  // Without a cache the facts still go to disk, to a scratch directory: bodies are read from there.
  const factsDir = opts.cacheDir ?? scratchFactsDir();
  // Stat before any read: a file that changes after its stat gets a newer stamp, so the index
  // never pairs the old stamp with a key it does not match.
  const stamps = opts.cacheDir ? stampsFromDisk(root, present, opts.overrides) : new Map<string, Observed>();
  const results = opts.jobs > 1 && present.length > 1 ? await inWorkers(root, present, factsDir, opts) : await inThisThread(root, present, factsDir, opts);
  const values = new ValuePool();
  const outlines = results.map((r, i) => outlineOf(r, present[i] as string, values));
  FactsCache.recordLocations(factsDir, results.flatMap((r): [string, PackLocation][] => (r.key && r.stored ? [[r.key, r.stored]] : [])));
  if (opts.cacheDir) recordStamps(root, opts.cacheDir, present, results, stamps, opts.includes);
  const store = new BodyStore(new FactsCache(factsDir));
  const out: Collected = { files: [], store, problems: [], keys: new Map() };
  for (const [i, r] of results.entries()) {
    out.problems.push(...r.problems);
    const outline = outlines[i];
    if (outline && r.key) out.files.push(store.file(outline, r.key));
    if (r.key) out.keys.set(present[i] as string, r.key);
  }
  return out;
}

/** A result's outline, parsed and pooled; its syntax errors (or its unreadable outline) join the result's problems. */
function outlineOf(r: FileResult, file: string, values: ValuePool): FileOutline | null {
  if (r.outline === null) return null;
  let outline: FileOutline;
  try {
    outline = JSON.parse(r.outline) as FileOutline;
  } catch (err) {
    r.problems.push({ file, kind: 'parse-error', message: `not analysed: its facts do not read back (${(err as Error).message})` });
    return null;
  }
  if (outline.errorNodes > 0) {
    r.problems.push({ file, kind: 'parse-error', message: `${outline.errorNodes} syntax error node(s); the rest of the file was analysed` });
  }
  // The packed macros are one string per file, and read once: not worth pooling.
  return values.intern(outline, PACKED);
}

/** Stamps of the files read from disk (overridden contents are not on disk: not indexed). */
function stampsFromDisk(root: string, files: string[], overrides: CollectOptions['overrides']): Map<string, Observed> {
  const fromDisk = overrides ? files.filter((f) => !overrides.has(f)) : files;
  const observed = observeFiles(root, fromDisk);
  const out = new Map<string, Observed>();
  for (const [i, o] of observed.entries()) if (o) out.set(fromDisk[i] as string, o);
  return out;
}

const PACKED: ReadonlySet<string> = new Set(['macros']);

/** Index what was read, so a later run learns these keys and problems from stats alone. */
function recordStamps(
  root: string, cacheDir: string, files: string[], results: FileResult[], stamps: Map<string, Observed>, includes: CollectOptions['includes'],
): void {
  const recorded = new Map<string, Recorded>();
  for (const [i, r] of results.entries()) {
    const file = files[i] as string;
    const observed = stamps.get(file);
    if (observed) recorded.set(file, { observed, key: r.key, problems: r.problems, includes: includesUnder(includes?.get(file), observed.stamp) });
  }
  // check-patch parses only patched contents, which are not on disk: no index to read then.
  if (recorded.size > 0) recordTreeKeys(root, cacheDir, recorded);
}

async function inThisThread(root: string, files: string[], factsDir: string, opts: CollectOptions): Promise<FileResult[]> {
  const cache = new FactsCache(factsDir);
  const out: FileResult[] = [];
  let bytes = 0;
  for (const [i, file] of files.entries()) {
    const r = await extractFile(root, file, cache, opts.overrides?.get(file) ?? undefined);
    out.push(r);
    opts.onProgress?.({ phase: 'parse', done: i + 1, total: files.length, bytes: (bytes += r.bytes) });
  }
  return out;
}

/** The pool's task module: compiled, parse-task.js; from sources (tests, under tsx), a loader that registers tsx first. */
function defaultTaskModule(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./parse-task-tsx.mjs', import.meta.url) : new URL('./parse-task.js', import.meta.url);
}

/**
 * Files on a pool of parser threads. A thread that dies, or a file that takes longer than its
 * budget (the thread is then stopped and replaced), costs that file only: it is reported.
 */
async function inWorkers(root: string, files: string[], factsDir: string, opts: CollectOptions): Promise<FileResult[]> {
  const threads = Math.min(opts.jobs, files.length);
  const pool = new Piscina<ParseTask, FileResult>({
    filename: (opts.taskModule ?? defaultTaskModule()).href, minThreads: threads, maxThreads: threads,
    // Two files in flight per thread: none waits for the main thread between files.
    concurrentTasksPerWorker: 2, idleTimeout: 1000,
  });
  const budget = opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS;
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  let bytes = 0;
  // As many files submitted as threads can hold: a file's budget starts when it is submitted.
  const lane = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as string;
      results[i] = await pool.run({ root, factsDir, file, text: opts.overrides?.get(file) ?? undefined }, { signal: AbortSignal.timeout(budget) })
        .catch((err: unknown): FileResult => ({ outline: null, key: null, bytes: 0, problems: [failedProblem(file, err, budget)] }));
      opts.onProgress?.({ phase: 'parse', done: ++done, total: files.length, bytes: (bytes += results[i]?.bytes ?? 0) });
    }
  };
  try {
    await Promise.all(Array.from({ length: threads * 2 }, lane));
    return results;
  } finally {
    await pool.destroy();
  }
}

/** A file's budget: the largest kernel files (generated register headers) parse in seconds. */
const DEFAULT_FILE_TIMEOUT_MS = 120_000;

function failedProblem(file: string, err: unknown, budget: number): Problem {
  const timedOut = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
  const why = timedOut ? `took longer than ${Math.round(budget / 1000)} s; its parser thread was stopped` : `its parser thread failed: ${err instanceof Error ? err.message : String(err)}`;
  return { file, kind: 'parse-error', message: `not analysed: ${why}` };
}
