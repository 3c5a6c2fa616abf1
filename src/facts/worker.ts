// A parser thread: receives file paths, answers with their facts (plain, structured-clonable data).
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile } from './extract-file.js';

const { root } = workerData as { root: string };
parentPort?.on('message', (msg: { index: number; file: string } | null) => {
  if (msg === null) { parentPort?.close(); return; }
  void extractFile(root, msg.file).then((result) => parentPort?.postMessage({ index: msg.index, result }));
});
