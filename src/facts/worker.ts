// A parser thread: receives file paths, answers with their outlines (plain, structured-clonable data); facts go to the facts cache.
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile } from './extract-file.js';
import { FactsCache } from '../source/facts-cache.js';

const { root, factsDir } = workerData as { root: string; factsDir: string };
const cache = new FactsCache(factsDir);
parentPort?.on('message', (msg: { index: number; file: string; text?: string } | null) => {
  if (msg === null) { parentPort?.close(); return; }
  void extractFile(root, msg.file, cache, msg.text).then((result) => parentPort?.postMessage({ index: msg.index, result }));
});
