// A parser thread: receives file paths, answers with their outlines (plain, structured-clonable
// data); facts go to the facts cache. A null message asks it to stop once its files are answered.
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile } from './extract-file.js';
import { FactsCache } from '../source/facts-cache.js';

const { root, factsDir } = workerData as { root: string; factsDir: string };
const cache = new FactsCache(factsDir);
let pending = 0;
let stopping = false;
parentPort?.on('message', (msg: { index: number; file: string; text?: string } | null) => {
  if (msg === null) {
    stopping = true;
    if (pending === 0) parentPort?.close();
    return;
  }
  pending++;
  void extractFile(root, msg.file, cache, msg.text).then((result) => {
    parentPort?.postMessage({ index: msg.index, result });
    if (--pending === 0 && stopping) parentPort?.close();
  });
});
