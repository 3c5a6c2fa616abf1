// check-patch: the same tree and options before and after a patch applied in memory; findings
// are matched by fingerprint (no line numbers in it), so findings that only moved stay matched.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PatchCheckReport, RcuReview, Report } from '../report/types.js';
import { toolVersion } from '../version.js';
import { collectFacts } from '../facts/collect.js';
import { type Baseline, analyzeTree, cachedBaseline, saveBaseline } from '../incremental/baseline.js';
import { ImageUnusable, readImage } from '../incremental/image.js';
import { reanalyze } from '../incremental/reanalyze.js';
import type { LoadedFile } from '../facts/outline.js';
import { type TreeNotes, analyzeProgram, reportOf } from '../analysis/program-analysis.js';
import { type LoadedTree, type ScanOptions, type Timings, type TreeFiles, headersReachedBy, loadTree, treeFiles } from '../analysis/tree.js';
import { includeRefs } from '../source/includes.js';
import { archScope, isExcluded } from '../source/discover.js';
import { decodeSource } from '../source/read.js';
import { type PatchSet, patchError, parsePatch } from './parse.js';
import { applyPatchSet } from './apply.js';
import { reviewRcuConversions, writerIndex } from './rcu-review.js';
import { partitionSuppressed, treeLineReader } from '../report/suppress.js';

export interface PatchCheck {
  result: PatchCheckReport;
  /** The analysis after the patch (new findings are its findings not in the baseline). */
  after: Report;
  /** How the patched tree was analysed: only what changed, or all of it (and why). */
  mode: string;
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

export interface CheckOptions extends ScanOptions {
  /** false: analyse the whole patched tree even when only some functions changed. */
  incremental?: boolean;
}

export async function checkPatch(opts: CheckOptions, patchText: string, patchName: string, timings: Timings = {}): Promise<PatchCheck> {
  const root = path.resolve(opts.root);
  const set = parsePatch(patchText, patchName);
  const overrides = applyPatchSet(set, treeReader(root, set));
  let t = performance.now();
  const { base, tree, listed } = await baselineOf(opts, timings);
  timings.baseline = performance.now() - t;
  const before = base.report;
  t = performance.now();
  const scope = archScope(root, opts.arch);
  const sources = [...overrides.keys()].filter((f) => /\.[ch]$/.test(f) && !isExcluded(f, scope));
  // A shared header nothing includes stays out, as in a scan; one the patch makes a file include
  // joins the tree as if the patch added it.
  const edited = sources.filter((f) => !listed.unreached.has(f));
  const touched = [...edited, ...headersReachedBy(listed, edited, patchedIncludes(sources, overrides))];
  const changed = await collectFacts(root, touched, { jobs: 1, cacheDir: opts.cacheDir ?? null, overrides, includes: listed.includes });
  const patched = new Map(touched.map((f) => [f, changed.files.find((x) => x.path === f) ?? null]));
  const notes: TreeNotes = {
    problems: [...base.problems.filter((p) => !overrides.has(p.file)), ...changed.problems],
    excludedByConfig: before.stats.excludedByConfig,
  };
  timings['patched-files'] = performance.now() - t;
  const patchedTree: PatchedTree = { patched, changedFacts: changed.files, notes };
  const incremental = opts.incremental === false ? { fallback: 'asked for a whole analysis' } : afterIncrementally(base, patchedTree, set, opts, timings);
  const { after, reviews, mode } = 'fallback' in incremental
    ? { ...afterWhole(tree ?? await loadTree(opts, timings, listed), patchedTree, set, opts, timings), mode: `whole tree analysed again: ${incremental.fallback}` }
    : incremental;
  // A cycle that a shorter one implied before the patch (or implies after it) is neither new nor fixed.
  const known = new Set([...before.findings.map((f) => f.fingerprint), ...before.implied]);
  const now = new Set([...after.findings.map((f) => f.fingerprint), ...after.implied]);
  // A new finding the patch suppresses (inline, in the patched text) is set aside, not new.
  const fresh = partitionSuppressed(after.findings.filter((f) => !known.has(f.fingerprint)), treeLineReader(root, overrides), opts.suppressions ?? null);
  const result: PatchCheckReport = {
    schemaVersion: 1,
    tool: { name: 'kdeadlock', version: toolVersion() },
    patch: patchName,
    newFindings: fresh.kept,
    fixedFindings: before.findings.filter((f) => !now.has(f.fingerprint)),
    unchanged: after.findings.filter((f) => known.has(f.fingerprint)).length,
    ...(fresh.suppressed.length ? { suppressed: fresh.suppressed } : {}),
    reviews,
  };
  return { result, after, mode };
}

/** The include refs of the patched files (deleted ones have none). */
function patchedIncludes(files: string[], overrides: ReadonlyMap<string, string | null>): Map<string, string[]> {
  return new Map(files.map((f) => [f, includeRefs(Buffer.from(overrides.get(f) ?? ''))]));
}

/** The patch's files as parsed: path → facts after the patch (null: deleted), and what the report says of the tree. */
interface PatchedTree {
  patched: ReadonlyMap<string, LoadedFile | null>;
  changedFacts: LoadedFile[];
  notes: TreeNotes;
}

interface After { after: Report; reviews: RcuReview[] }

/**
 * The patched tree from the baseline, analysing only what changed. A summary image damaged past
 * its manifest (or facts gone meanwhile: bodies are read lazily, up to the reviews) costs time,
 * not the answer: the caller then analyses the whole tree.
 */
function afterIncrementally(base: Baseline, p: PatchedTree, set: PatchSet, opts: ScanOptions, timings: Timings): (After & { mode: string }) | { fallback: string } {
  try {
    const re = reanalyze(base, p.patched, opts);
    if ('fallback' in re) return re;
    return {
      after: reportOf(re.analysis, p.notes, opts, timings),
      reviews: reviewRcuConversions(set, re.analysis.program, re.writers),
      mode: `incremental: ${re.changed} function(s) changed or moved, ${re.added} added, ${re.removed} removed; ${re.reanalysed} analysed again`,
    };
  } catch (err) {
    if (err instanceof ImageUnusable || err instanceof SyntaxError) {
      base.discard?.();
      return { fallback: `summary image unusable (${err.message})` };
    }
    throw err;
  }
}

function afterWhole(tree: LoadedTree, p: PatchedTree, set: PatchSet, opts: ScanOptions, timings: Timings): After {
  const facts = [...tree.facts.filter((f) => !p.patched.has(f.path)), ...p.changedFacts];
  const whole = analyzeProgram(facts, opts, timings, false, tree.defineScopes);
  return { after: reportOf(whole, p.notes, opts, timings), reviews: reviewRcuConversions(set, whole.program, writerIndex(whole.program.functions)) };
}

/**
 * The unpatched tree's analysis: the cached image when the tree is as it was (no file read),
 * else the tree's facts, and the image under their key or a whole analysis left as one.
 */
async function baselineOf(opts: ScanOptions, timings: Timings): Promise<{ base: Baseline; tree: LoadedTree | null; listed: TreeFiles }> {
  const cacheDir = opts.cacheDir ?? null;
  // Listed once: the cached baseline, the tree's facts and a later whole analysis share it.
  const listed = await treeFiles(opts);
  const cached = cacheDir ? await cachedBaseline(opts, cacheDir, listed) : null;
  if (cached) return { base: cached, tree: null, listed };
  const tree = await loadTree(opts, timings, listed);
  const image = cacheDir ? readImage(cacheDir, tree.contentKey, opts.config?.values ?? null) : null;
  if (image) return { base: image, tree, listed };
  const base = analyzeTree(tree, opts, timings);
  if (cacheDir) saveBaseline(cacheDir, tree, base, timings);
  return { base, tree, listed };
}
