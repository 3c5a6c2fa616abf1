// The task a parser thread of the pool runs: one file to its outline (facts go to the facts cache).
import { extractFile, type FileResult } from './extract-file.js';
import { FactsCache } from '../source/facts-cache.js';

export interface ParseTask { root: string; factsDir: string; file: string; text?: string | undefined }

const caches = new Map<string, FactsCache>();

export default async function parseTask(task: ParseTask): Promise<FileResult> {
  let cache = caches.get(task.factsDir);
  if (!cache) caches.set(task.factsDir, (cache = new FactsCache(task.factsDir)));
  return extractFile(task.root, task.file, cache, task.text);
}
