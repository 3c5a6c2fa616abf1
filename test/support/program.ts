// A program analysed from source text written into a throwaway tree, for tests of one stage's answers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { type ProgramAnalysis, analyzeProgram } from '../../src/analysis/program-analysis.js';
import { type ScanOptions, loadTree } from '../../src/analysis/tree.js';

/** The analysis of a tree holding `files` (path → text), removed when the test file ends. */
export async function analyzeFiles(files: Record<string, string>): Promise<ProgramAnalysis> {
  const root = mkdtempSync(path.join(tmpdir(), 'kdeadlock-program-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  const opts: ScanOptions = { root, paths: [], arch: 'x86' };
  return analyzeProgram((await loadTree(opts)).facts, opts);
}
