// check-patch: the same tree and options before and after a patch applied in memory; findings
// are matched by fingerprint (no line numbers in it), so findings that only moved stay matched.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { linkProgram } from '../program/program.js';
import type { PatchCheckReport, Report } from '../report/types.js';
import { toolVersion } from '../version.js';
import { collectFacts } from '../facts/collect.js';
import { type LoadedTree, type ScanOptions, type Timings, loadTree, reportFor } from '../scan.js';
import { isExcluded } from '../source/discover.js';
import { decodeSource } from '../source/read.js';
import { ContentCache } from '../source/facts-cache.js';
import { type PatchSet, patchError, parsePatch } from './parse.js';
import { applyPatchSet } from './apply.js';
import { reviewRcuConversions } from './rcu-review.js';

export interface PatchCheck {
  result: PatchCheckReport;
  /** The analysis after the patch (new findings are its findings not in the baseline). */
  after: Report;
}

/**
 * Reads the patched files from the tree, decoded as the scan decodes them (UTF-8, else Latin-1),
 * so a hunk whose context carries UTF-8 matches; a path that escapes the tree is refused.
 */
function treeReader(root: string, set: PatchSet): (p: string) => string | null {
  return (p) => {
    const abs = path.resolve(root, p);
    if (!abs.startsWith(root + path.sep)) throw patchError({ name: set.name, file: p }, 'path outside the tree');
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      return null;
    }
    const decoded = decodeSource(p, bytes);
    return decoded.ok ? decoded.text : bytes.toString('latin1');
  };
}

export async function checkPatch(opts: ScanOptions, patchText: string, patchName: string, timings: Timings = {}): Promise<PatchCheck> {
  const root = path.resolve(opts.root);
  const set = parsePatch(patchText, patchName);
  const overrides = applyPatchSet(set, treeReader(root, set));
  const tree = await loadTree(opts, undefined, timings);
  const before = baselineReport(tree, opts, timings);
  const afterTree = await patchTree(root, tree, overrides, opts);
  const after = reportFor(afterTree, opts, timings);
  const known = new Set(before.findings.map((f) => f.fingerprint));
  const now = new Set(after.findings.map((f) => f.fingerprint));
  const result: PatchCheckReport = {
    schemaVersion: 1,
    tool: { name: 'kdeadlock', version: toolVersion() },
    patch: patchName,
    newFindings: after.findings.filter((f) => !known.has(f.fingerprint)),
    fixedFindings: before.findings.filter((f) => !now.has(f.fingerprint)),
    unchanged: after.findings.filter((f) => known.has(f.fingerprint)).length,
    reviews: reviewRcuConversions(set, linkProgram(afterTree.facts)),
  };
  return { result, after };
}

/** The tree as the patch leaves it: only the files it touches are parsed again. */
async function patchTree(root: string, tree: LoadedTree, overrides: ReadonlyMap<string, string | null>, opts: ScanOptions): Promise<LoadedTree> {
  const touched = [...overrides.keys()].filter((f) => /\.[ch]$/.test(f) && !isExcluded(f, opts.arch));
  const changed = await collectFacts(root, touched, { jobs: 1, cacheDir: opts.cacheDir ?? null, overrides });
  const kept = tree.facts.filter((f) => !overrides.has(f.path));
  return {
    ...tree,
    files: [...new Set([...tree.files.filter((f) => overrides.get(f) !== null), ...changed.facts.map((f) => f.path)])].sort(),
    facts: [...kept, ...changed.facts],
    problems: [...tree.problems.filter((p) => !overrides.has(p.file)), ...changed.problems],
  };
}

/** The unpatched tree's report, reused across runs while nothing it reads has changed. */
function baselineReport(tree: LoadedTree, opts: ScanOptions, timings: Timings): Report {
  const cache = opts.cacheDir ? new ContentCache(path.join(opts.cacheDir, 'reports')) : null;
  const cached = cache?.get<Report>(tree.contentKey);
  if (cached) return cached;
  const report = reportFor(tree, opts, timings);
  cache?.put(tree.contentKey, report);
  return report;
}
