// Facts for many files, on one thread or several. The result does not depend on the number
// of threads: files are independent and linking sorts them.
import { Worker } from 'node:worker_threads';
import type { Problem } from '../report/types.js';
import { extractFile, type FileResult } from './extract-file.js';
import type { FileFacts } from './types.js';

export type Progress = (done: number, total: number) => void;

export async function collectFacts(root: string, files: string[], problems: Problem[], jobs = 1, onProgress?: Progress): Promise<FileFacts[]> {
  const results = jobs > 1 && files.length > 1 ? await inWorkers(root, files, jobs, onProgress) : await inThisThread(root, files, onProgress);
  const facts: FileFacts[] = [];
  for (const r of results) {
    problems.push(...r.problems);
    if (r.facts) facts.push(r.facts);
  }
  return facts;
}

async function inThisThread(root: string, files: string[], onProgress?: Progress): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for (const [i, file] of files.entries()) {
    out.push(await extractFile(root, file));
    onProgress?.(i + 1, files.length);
  }
  return out;
}

/** A parser thread. Built, it runs worker.js; from sources (tests, under tsx) it registers tsx first. */
function startWorker(root: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: { root } });
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { root } });
}

function inWorkers(root: string, files: string[], jobs: number, onProgress?: Progress): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    let done = 0;
    const workers = Array.from({ length: Math.min(jobs, files.length) }, () => startWorker(root));
    const feed = (w: Worker): void => {
      if (next < files.length) {
        const index = next++;
        w.postMessage({ index, file: files[index] });
      } else {
        w.postMessage(null);
      }
    };
    for (const w of workers) {
      w.on('message', ({ index, result }: { index: number; result: FileResult }) => {
        results[index] = result;
        done++;
        onProgress?.(done, files.length);
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
