// One file from disk to facts (or a Problem): the unit of work a parser thread runs.
import { readSource } from '../source/read.js';
import type { Problem } from '../report/types.js';
import { extractFileFacts } from './extract.js';
import type { FileFacts } from './types.js';

export interface FileResult { facts: FileFacts | null; problems: Problem[] }

export async function extractFile(root: string, rel: string): Promise<FileResult> {
  const read = await readSource(root, rel);
  const problems: Problem[] = read.problem ? [read.problem] : [];
  if (!read.ok) return { facts: null, problems };
  try {
    const facts = await extractFileFacts(rel, read.text);
    if (facts.errorNodes > 0) {
      problems.push({ file: rel, kind: 'parse-error', message: `${facts.errorNodes} syntax error node(s); the rest of the file was analysed` });
    }
    return { facts, problems };
  } catch (err) {
    // tree-sitter itself failing (out of memory on a pathological file) costs this file only.
    problems.push({ file: rel, kind: 'parse-error', message: `not analysed: ${(err as Error).message}` });
    return { facts: null, problems };
  }
}
