// One file from disk to facts (or a Problem): the unit of work a parser thread runs. The facts
// go to the facts cache (the body store); what the thread answers with is the file's outline.
import { readSource } from '../source/read.js';
import type { Problem } from '../report/types.js';
import { extractFileFacts } from './extract.js';
import { type FactsCache, factsKey } from '../source/facts-cache.js';
import type { PackLocation } from '../source/pack-store.js';

export interface FileResult {
  /**
   * The file's outline as JSON (a FileOutline): a thread passes a string for the price of a copy,
   * where an object costs it a structured clone; the main thread parses it.
   */
  outline: string | null;
  /** Where this thread stored the facts, when it made them (the run's main thread indexes them). */
  stored?: PackLocation | null;
  problems: Problem[];
  /** Content address of the facts (version, path, text); null when the file was not read. */
  key: string | null;
  /** Characters read (for progress). */
  bytes: number;
}

/** Facts of one file; `override` is its content when a patch changed it (never read from disk then). */
export async function extractFile(root: string, rel: string, cache: FactsCache, override?: string): Promise<FileResult> {
  const read = override !== undefined ? { ok: true as const, text: override, problem: null } : readSource(root, rel);
  const problems: Problem[] = read.problem ? [read.problem] : [];
  if (!read.ok) return { outline: null, problems, key: null, bytes: 0 };
  const bytes = read.text.length;
  const key = factsKey(rel, read.text);
  try {
    const cached = cache.outlineText(key);
    if (cached !== null) return { outline: cached, problems, key, bytes };
    const { outline, stored } = cache.put(key, await extractFileFacts(rel, read.text));
    return { outline, stored, problems, key, bytes };
  } catch (err) {
    // tree-sitter itself failing (out of memory on a pathological file) costs this file only.
    problems.push({ file: rel, kind: 'parse-error', message: `not analysed: ${(err as Error).message}` });
    return { outline: null, problems, key, bytes };
  }
}
