// Facts for many files, on one thread or several. The result does not depend on the number
// of threads: files are independent and linking sorts them.
import { Worker } from 'node:worker_threads';
import type { Problem } from '../report/types.js';
import { FactsCache } from '../source/facts-cache.js';
import { extractFile, type FileResult } from './extract-file.js';
import type { FileFacts } from './types.js';

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
  facts: FileFacts[];
  problems: Problem[];
  /** Path → content address of its facts, for every file read. */
  keys: Map<string, string>;
}

export async function collectFacts(root: string, files: string[], opts: CollectOptions): Promise<Collected> {
  const present = opts.overrides ? files.filter((f) => opts.overrides?.get(f) !== null) : files;
  const results = opts.jobs > 1 && present.length > 1 ? await inWorkers(root, present, opts) : await inThisThread(root, present, opts);
  const out: Collected = { facts: [], problems: [], keys: new Map() };
  for (const [i, r] of results.entries()) {
    out.problems.push(...r.problems);
    if (r.facts) out.facts.push(r.facts);
    if (r.key) out.keys.set(present[i] as string, r.key);
  }
  return out;
}

async function inThisThread(root: string, files: string[], opts: CollectOptions): Promise<FileResult[]> {
  const cache = opts.cacheDir ? new FactsCache(opts.cacheDir) : null;
  const out: FileResult[] = [];
  for (const [i, file] of files.entries()) {
    out.push(await extractFile(root, file, cache, opts.overrides?.get(file) ?? undefined));
    opts.onProgress?.(i + 1, files.length);
  }
  return out;
}

/** A parser thread. Built, it runs worker.js; from sources (tests, under tsx) it registers tsx first. */
function startWorker(root: string, cacheDir: string | null): Worker {
  const workerData = { root, cacheDir };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

function inWorkers(root: string, files: string[], opts: CollectOptions): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    let done = 0;
    const workers = Array.from({ length: Math.min(opts.jobs, files.length) }, () => startWorker(root, opts.cacheDir));
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
      feed(w);
    }
  });
}
