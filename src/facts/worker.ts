// A parser thread: receives file paths, answers with their facts (plain, structured-clonable data).
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile } from './extract-file.js';
import { FactsCache } from '../source/facts-cache.js';

const { root, cacheDir } = workerData as { root: string; cacheDir: string | null };
const cache = cacheDir ? new FactsCache(cacheDir) : null;
parentPort?.on('message', (msg: { index: number; file: string; text?: string } | null) => {
  if (msg === null) { parentPort?.close(); return; }
  void extractFile(root, msg.file, cache, msg.text).then((result) => parentPort?.postMessage({ index: msg.index, result }));
});
