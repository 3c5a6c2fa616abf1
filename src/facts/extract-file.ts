// One file from disk to facts (or a Problem): the unit of work a parser thread runs.
import { readSource } from '../source/read.js';
import type { Problem } from '../report/types.js';
import { extractFileFacts } from './extract.js';
import { type FactsCache, factsKey } from '../source/facts-cache.js';
import type { FileFacts } from './types.js';

export interface FileResult {
  facts: FileFacts | null;
  problems: Problem[];
  /** Content address of the facts (version, path, text); null when the file was not read. */
  key: string | null;
}

/** Facts of one file; `override` is its content when a patch changed it (never read from disk then). */
export async function extractFile(root: string, rel: string, cache: FactsCache | null, override?: string): Promise<FileResult> {
  const read = override !== undefined ? { ok: true as const, text: override, problem: null } : await readSource(root, rel);
  const problems: Problem[] = read.problem ? [read.problem] : [];
  if (!read.ok) return { facts: null, problems, key: null };
  const key = factsKey(rel, read.text);
  try {
    const cached = cache?.get(key);
    const facts = cached ?? await extractFileFacts(rel, read.text);
    if (!cached) cache?.put(key, facts);
    if (facts.errorNodes > 0) {
      problems.push({ file: rel, kind: 'parse-error', message: `${facts.errorNodes} syntax error node(s); the rest of the file was analysed` });
    }
    return { facts, problems, key };
  } catch (err) {
    // tree-sitter itself failing (out of memory on a pathological file) costs this file only.
    problems.push({ file: rel, kind: 'parse-error', message: `not analysed: ${(err as Error).message}` });
    return { facts: null, problems, key };
  }
}
