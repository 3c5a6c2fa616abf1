// Facts for many files, on one thread or several. The result does not depend on the number
// of threads: files are independent and linking sorts them.
import { Worker } from 'node:worker_threads';
import type { Problem } from '../report/types.js';
import { BodyStore } from '../source/body-store.js';
import { FactsCache, scratchFactsDir } from '../source/facts-cache.js';
import { type Observed, observeFiles, type Recorded, recordTreeKeys } from '../source/tree-index.js';
import { extractFile, type FileResult } from './extract-file.js';
import type { LoadedFile } from './outline.js';

export type Progress = (done: number, total: number) => void;

export interface CollectOptions {
  jobs: number;
  /** Persistent facts cache directory; null: none. */
  cacheDir: string | null;
  /** Contents that replace the disk's (a patch applied in memory); null = the file is deleted. */
  overrides?: ReadonlyMap<string, string | null>;
  onProgress?: Progress;
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
  if (opts.cacheDir) recordStamps(root, opts.cacheDir, present, results, stamps);
  const store = new BodyStore(new FactsCache(factsDir));
  const out: Collected = { files: [], store, problems: [], keys: new Map() };
  for (const [i, r] of results.entries()) {
    out.problems.push(...r.problems);
    if (r.outline && r.key) out.files.push(store.file(r.outline, r.key));
    if (r.key) out.keys.set(present[i] as string, r.key);
  }
  return out;
}

/** Stamps of the files read from disk (overridden contents are not on disk: not indexed). */
function stampsFromDisk(root: string, files: string[], overrides: CollectOptions['overrides']): Map<string, Observed> {
  const fromDisk = overrides ? files.filter((f) => !overrides.has(f)) : files;
  const observed = observeFiles(root, fromDisk);
  const out = new Map<string, Observed>();
  for (const [i, o] of observed.entries()) if (o) out.set(fromDisk[i] as string, o);
  return out;
}

/** Index what was read, so a later run learns these keys and problems from stats alone. */
function recordStamps(root: string, cacheDir: string, files: string[], results: FileResult[], stamps: Map<string, Observed>): void {
  const recorded = new Map<string, Recorded>();
  for (const [i, r] of results.entries()) {
    const observed = stamps.get(files[i] as string);
    if (observed) recorded.set(files[i] as string, { observed, key: r.key, problems: r.problems });
  }
  // check-patch parses only patched contents, which are not on disk: no index to read then.
  if (recorded.size > 0) recordTreeKeys(root, cacheDir, recorded);
}

async function inThisThread(root: string, files: string[], factsDir: string, opts: CollectOptions): Promise<FileResult[]> {
  const cache = new FactsCache(factsDir);
  const out: FileResult[] = [];
  for (const [i, file] of files.entries()) {
    out.push(await extractFile(root, file, cache, opts.overrides?.get(file) ?? undefined));
    opts.onProgress?.(i + 1, files.length);
  }
  return out;
}

/** A parser thread. Built, it runs worker.js; from sources (tests, under tsx) it registers tsx first. */
function startWorker(root: string, factsDir: string): Worker {
  const workerData = { root, factsDir };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

function inWorkers(root: string, files: string[], factsDir: string, opts: CollectOptions): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    let done = 0;
    const workers = Array.from({ length: Math.min(opts.jobs, files.length) }, () => startWorker(root, factsDir));
    const feed = (w: Worker): void => {
      if (next < files.length) {
        const index = next++;
        const file = files[index] as string;
        w.postMessage({ index, file, text: opts.overrides?.get(file) ?? undefined });
      } else {
        w.postMessage(null);
      }
    };
    for (const w of workers) {
      w.on('message', ({ index, result }: { index: number; result: FileResult }) => {
        results[index] = result;
        done++;
        opts.onProgress?.(done, files.length);
        if (done === files.length) {
          for (const x of workers) void x.terminate();
          resolve(results);
        } else {
          feed(w);
        }
      });
      w.on('error', reject);
      // Two files in flight per thread: it never waits for the main thread between files.
      feed(w);
      feed(w);
    }
  });
}
