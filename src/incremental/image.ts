// A summary image: the whole-program analysis of one tree state (its content key), kept on
// disk so that check-patch analyses again only what a patch changes. Bodies are not in it:
// they are read lazily from the facts cache, file by file, when a function is analysed again.
// Summaries are packed bytes per function, unpacked on first use.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EdgeCollector, type Offer } from '../deadlock/graph.js';
import type { Registration } from '../program/contexts.js';
import type { KeySite } from '../program/lockdep-keys.js';
import { LRUCache } from 'lru-cache';
import type { FileOutline, FunctionOutline, LoadedFile } from '../facts/outline.js';
import type { FunctionFacts, GuardDefinition, Stmt, TypeRef } from '../facts/types.js';
import { BodyMissing, BodyStore, FactsUnavailable } from '../source/body-store.js';
import { ConditionEvaluator } from '../program/conditions.js';
import type { DefineScopes } from '../program/define-scopes.js';
import { type FieldStore, type LockInitIndex, type LockInitSite, LockIdentity } from '../program/lock-identity.js';
import type { FnId, Program } from '../program/program.js';
import type { Problem, Report, Site } from '../report/types.js';
import type { Baseline } from './baseline.js';
import type { ProgramAnalysis } from '../analysis/program-analysis.js';
import { FactsCache } from '../source/facts-cache.js';
import type { Kconfig } from '../source/kconfig.js';
import type { AnalysisStats, CallHolds, SignalSite, SummaryStore } from '../summaries/analyze-function.js';
import { STAT_KEYS, callersByName, emptyStats } from '../summaries/bottom-up.js';
import { readInt32Part, writeBytesPart, writeInt32Part, writeJsonPart } from './part-writer.js';
import { CompactSummaries, SummaryCodec } from '../summaries/store.js';
import { SummaryOverlay } from './summary-overlay.js';
import { WitnessTable } from '../summaries/witness.js';

const FORMAT = 15;
/** Images kept per cache: the trees a developer switches between, not every state ever seen. */
const KEEP_IMAGES = 4;
/** A temp directory this old belongs to no running writer. */
const ABANDONED_MS = 3600_000;

export interface ImageFile { path: string; factsKey: string }

/**
 * Functions as columns (arrays of primitives parse several times faster than objects). Body,
 * parameters and `#if` conditions are read lazily from the function's file facts.
 */
interface FunctionColumns {
  name: string[];
  /** Index into the manifest's files, and the function's index among that file's functions. */
  file: number[];
  index: number[];
  line: number[];
  /** 1: static, 2: macro. */
  flags: number[];
  errors: number[];
  returnType: string[];
  returnPointer: number[];
}

interface Manifest {
  format: number;
  key: string;
  files: ImageFile[];
  /** Byte length of every part: a part of another length is not read. */
  parts: Record<string, number>;
}

interface LinkPart {
  functions: FunctionColumns;
  globalDefs: [string, FnId[]][];
  fileStatics: [string, [string, FnId[]][]][];
  structs: [string, Record<string, TypeRef>][];
  typedefs: [string, TypeRef][];
  declaredRuns: [string, [string, string][]][];
  globals: [string, TypeRef][];
  fieldBindings: [string, string[]][];
  bindingOwners: [string, string[]][];
  unfollowedBindings: [string, string[]][];
  aliases: [string, string][];
  callMacros: [string, string][];
  keyedStructs: string[];
  keyedFields: string[];
  guards: [string, GuardDefinition][];
  /** Object-like macros: names, and each one's values. */
  macroNames: string[];
  macroValues: string[][];
  /** The names whose macro values were collected (null: all). */
  macroAsked: string[] | null;
  /** Which file sees which locally defined name (null: none judged). */
  defineScopes: DefineScopes | null;
}

interface AnalysisPart {
  /** Functions with non-zero counters: id, then the counters in STAT_KEYS order. */
  functionStats: number[];
  offers: [FnId, Offer[]][];
  fieldStores: [string, FieldStore[]][];
  /** LockIdentity's lock initialisations by last name, and its per-place answers (null: one place unnamed). */
  lockInits: [string, LockInitSite[]][];
  initPlaces: [string, [string, string[] | null][]][];
  consulted: FnId[];
  /** LockIdentity.placeReads. */
  placeReads: { fields: string[]; initialisers: string[] };
  fileErrors: [string, number][];
  problems: Problem[];
  writers: [string, Site[]][];
  registrations: Registration[];
  keySites: KeySite[];
  callHolds: [FnId, CallHolds][];
  signals: [FnId, SignalSite[]][];
  closed: FnId[];
  multiKeyed: [string, boolean][];
  requiring: FnId[];
  failed: [FnId, Problem][];
  askedRuns: string[];
}

/** Functions by the names they call: names, and each one's callers. */
interface CallersPart { names: string[]; callers: FnId[][] }

function callersPart(a: ProgramAnalysis): CallersPart {
  const byName = callersByName(a.program);
  return { names: [...byName.keys()], callers: [...byName.values()] };
}

/** Witness links as flat columns: fn, line, col, kind, next, text (kind and text index `strings`). */
/** The witness table's strings; its rows are in witnesses.bin. */
interface WitnessStrings { kinds: string[]; texts: string[] }

export class ImageUnusable extends FactsUnavailable {}

function imagesDir(cacheDir: string): string {
  return path.join(cacheDir, 'images');
}

// ---------------------------------------------------------------- writing

/** Why an image could not be written (the scan's answer stands; the next run makes it again). */
export class ImageWriteError extends Error {}

/**
 * Writes a baseline as the image of tree state `key`; `factsKeys` say where each file's facts are
 * cached. Parts are written one at a time, summaries one function at a time, so no part has to fit
 * in one string. Throws ImageWriteError when the image could not be written.
 */
export function writeImage(cacheDir: string, key: string, facts: readonly LoadedFile[], base: Baseline, factsKeys: ReadonlyMap<string, string>): void {
  const a = base.analysis;
  const target = path.join(imagesDir(cacheDir), key);
  if (existsSync(path.join(target, 'manifest.json'))) return; // this tree state's image is there already
  const files = [...facts].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const imageFiles: ImageFile[] = [];
  const origin = new Map<FunctionFacts, [number, number]>();
  for (const f of files) {
    const factsKey = factsKeys.get(f.path);
    if (!factsKey) return; // facts that did not come from the cache cannot be read back lazily
    f.functions.forEach((fn, i) => origin.set(fn, [imageFiles.length, i]));
    imageFiles.push({ path: f.path, factsKey });
  }
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(tmp, { recursive: true });
    const parts: Record<string, number> = {};
    const put = (name: string, value: unknown): void => { parts[name] = writeJsonPart(path.join(tmp, name), value); };
    const putInts = (name: string, values: Iterable<number>): void => { parts[name] = writeInt32Part(path.join(tmp, name), values); };
    put('link.json', linkPart(a, origin));
    const witnesses = a.witnesses.exportColumns();
    put('witness-strings.json', { kinds: witnesses.kinds, texts: witnesses.texts });
    parts['witnesses.bin'] = writeBytesPart(path.join(tmp, 'witnesses.bin'), witnesses.rows.map((r) => new Uint8Array(r.buffer, r.byteOffset, r.byteLength)));
    put('callers.json', callersPart(a));
    putInts('callgraph.bin', flatCallGraph(a.callGraph));
    const summaries = packedSummaries(a);
    parts['summaries.bin'] = writeBytesPart(path.join(tmp, 'summaries.bin'), summaries.parts());
    putInts('summary-offsets.bin', summaries.offsets);
    put('summary-strings.json', summaries.strings);
    put('analysis.json', analysisPart(base));
    put('report.json', base.report);
    // The manifest last: a directory without it is never read.
    writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify({ format: FORMAT, key, files: imageFiles, parts } satisfies Manifest));
    if (existsSync(target)) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, target);
  } catch (err) {
    removeQuietly(tmp);
    throw new ImageWriteError((err as Error).message);
  }
  try {
    pruneImages(cacheDir, key);
  } catch {
    // Another run pruning at the same moment: only costs disk space.
  }
}

/**
 * Every function's summary packed as bytes (the store's own when it packs them already), back to
 * back: `parts` are they, `offsets` (byte offsets, one more than functions) says where each
 * starts, `strings` is the table they index. A function without one has an empty run.
 */
function packedSummaries(a: ProgramAnalysis): { parts: () => Generator<Uint8Array>; offsets: number[]; strings: readonly string[] } {
  const n = a.program.functions.length;
  // A compact store's bytes are read one function at a time (most may be on disk).
  const store = a.summaries instanceof CompactSummaries ? a.summaries : packedStore(a.summaries, n);
  const offsets = [0];
  for (let fn = 0; fn < n; fn++) offsets.push((offsets[fn] as number) + store.packedSize(fn));
  if ((offsets[n] as number) > 0x7fffffff) throw new Error('summaries past 2 GiB');
  return {
    parts: function* () {
      for (let fn = 0; fn < n; fn++) {
        const p = store.packedOf(fn);
        if (p) yield p;
      }
    },
    offsets,
    strings: store.strings,
  };
}

/** The summaries of a store that does not pack them (check-patch's overlay), packed. */
function packedStore(summaries: SummaryStore, n: number): CompactSummaries {
  const out = new CompactSummaries();
  for (let fn = 0; fn < n; fn++) {
    const s = summaries.get(fn);
    if (s) out.set(fn, s);
  }
  return out;
}

/** The call graph as int32: the function count, then each function's callee count and callees. */
function* flatCallGraph(graph: readonly FnId[][]): Generator<number> {
  yield graph.length;
  for (const callees of graph) {
    yield callees.length;
    yield* callees;
  }
}

function readCallGraph(ints: Int32Array): FnId[][] {
  const graph: FnId[][] = [];
  let at = 1;
  const count = ints[0] ?? 0;
  if (count < 0 || count >= ints.length) throw new ImageUnusable('call graph torn');
  for (let fn = 0; fn < count; fn++) {
    const n = ints[at++] ?? -1;
    if (n < 0 || at + n > ints.length) throw new ImageUnusable('call graph torn');
    graph.push(Array.from(ints.subarray(at, at + n)));
    at += n;
  }
  if (at !== ints.length) throw new ImageUnusable('call graph torn');
  return graph;
}

function linkPart(a: ProgramAnalysis, origin: Map<FunctionFacts, [number, number]>): LinkPart {
  const p = a.program;
  const columns: FunctionColumns = { name: [], file: [], index: [], line: [], flags: [], errors: [], returnType: [], returnPointer: [] };
  for (const fn of p.functions) {
    const [file, index] = origin.get(fn) ?? [-1, -1];
    columns.name.push(fn.name);
    columns.file.push(file);
    columns.index.push(index);
    columns.line.push(fn.line);
    columns.flags.push((fn.isStatic ? 1 : 0) | (fn.isMacro ? 2 : 0));
    columns.errors.push(fn.errors);
    columns.returnType.push(fn.returnType.name);
    columns.returnPointer.push(fn.returnType.pointer);
  }
  return {
    functions: columns,
    globalDefs: [...p.globalDefs],
    fileStatics: [...p.fileStatics].map(([file, byName]) => [file, [...byName]]),
    structs: [...p.structs], typedefs: [...p.typedefs], declaredRuns: [...p.declaredRuns], globals: [...p.globals], fieldBindings: [...p.fieldBindings], bindingOwners: [...p.bindingOwners], unfollowedBindings: [...p.unfollowedBindings],
    aliases: [...p.aliases], callMacros: [...p.callMacros], guards: [...p.guards], keyedStructs: [...p.keyedStructs], keyedFields: [...p.keyedFields],
    macroNames: [...a.conditions.macroValues().keys()], macroValues: [...a.conditions.macroValues().values()],
    macroAsked: a.conditions.asked ? [...a.conditions.asked].sort() : null,
    defineScopes: a.conditions.scopes,
  };
}

function analysisPart(base: Baseline): AnalysisPart {
  const a = base.analysis;
  return {
    functionStats: [...a.functionStats].flatMap(([fn, st]) => (STAT_KEYS.some((k) => st[k] !== 0) ? [fn, ...STAT_KEYS.map((k) => st[k])] : [])),
    offers: a.collector.functions().map((fn) => [fn, a.collector.offersOf(fn)]),
    fieldStores: [...a.identity.allFieldStores()],
    ...lockInitColumns(a.identity.lockInitIndex()),
    consulted: [...base.consulted].sort((x, y) => x - y),
    placeReads: { fields: [...a.identity.placeReads.fields].sort(), initialisers: [...a.identity.placeReads.initialisers].sort() },
    fileErrors: [...a.fileErrors],
    problems: base.problems, writers: [...base.writers], registrations: a.registrations, keySites: a.keySites,
    callHolds: [...a.callHolds].sort(([x], [y]) => x - y), signals: [...a.signals].sort(([x], [y]) => x - y), closed: [...a.closed].sort((x, y) => x - y),
    multiKeyed: [...a.multiKeyed].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    requiring: [...a.requiring].sort((x, y) => x - y),
    failed: [...a.failed].sort(([x], [y]) => x - y),
    askedRuns: [...a.askedRuns].sort(),
  };
}

/**
 * Keeps the newest images (a reader holding an older one has it in memory already), and drops
 * what a killed writer left half-written an hour ago.
 */
function pruneImages(cacheDir: string, keep: string): void {
  const dir = imagesDir(cacheDir);
  const entries = readdirSync(dir).map((n) => ({ n, t: statSync(path.join(dir, n)).mtimeMs }));
  const stale = entries.filter((e) => e.n.endsWith('.tmp') && Date.now() - e.t > ABANDONED_MS);
  const images = entries.filter((e) => !e.n.endsWith('.tmp')).map((e) => (e.n === keep ? { ...e, t: Infinity } : e)).sort((x, y) => y.t - x.t);
  for (const { n } of [...stale, ...images.slice(KEEP_IMAGES)]) rmSync(path.join(dir, n), { recursive: true, force: true });
}

// ---------------------------------------------------------------- reading

/** The image of a tree state, or null when there is none (or it is damaged, or its facts are gone). */
export function readImage(cacheDir: string, key: string, config: Kconfig | null): Baseline | null {
  const dir = path.join(imagesDir(cacheDir), key);
  if (!existsSync(path.join(dir, 'manifest.json'))) return null;
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.key !== key) return null;
    const part = (name: string): Buffer => {
      const bytes = readFileSync(path.join(dir, name));
      if (bytes.length !== manifest.parts[name]) throw new ImageUnusable(`${name}: torn`);
      return bytes;
    };
    const facts = new FactsCache(cacheDir);
    if (!manifest.files.every((f) => facts.has(f.factsKey))) return null;
    const link = JSON.parse(part('link.json').toString('utf8')) as LinkPart;
    const analysisPart = JSON.parse(part('analysis.json').toString('utf8')) as AnalysisPart;
    const report = JSON.parse(part('report.json').toString('utf8')) as Report;
    const strings = JSON.parse(part('witness-strings.json').toString('utf8')) as WitnessStrings;
    const witnesses = restoreWitnesses(strings, readInt32Part(part('witnesses.bin')));
    const callGraph = readCallGraph(readInt32Part(part('callgraph.bin')));
    const offsets = readInt32Part(part('summary-offsets.bin'));
    const functions = link.functions.name.length;
    if (callGraph.length !== functions || offsets.length !== functions + 1) throw new ImageUnusable('parts of different programs');
    const summaries = lazySummaries(part('summaries.bin'), offsets, JSON.parse(part('summary-strings.json').toString('utf8')) as string[]);
    const callersText = part('callers.json').toString('utf8');
    utimesSync(dir, new Date(), new Date()); // recently used: pruned last
    // Parsed only when a patch adds or removes functions.
    let callers: Map<string, FnId[]> | null = null;
    const callersOf = (name: string): FnId[] => {
      if (!callers) {
        const c = JSON.parse(callersText) as CallersPart;
        callers = new Map(c.names.map((n, i) => [n, c.callers[i] ?? []]));
      }
      return callers.get(name) ?? [];
    };
    return { ...assemble(manifest, link, analysisPart, report, callGraph, witnesses, summaries, facts, config), callersOf, discard: () => discardImage(dir) };
  } catch {
    // Images are renamed into place whole: one that does not read is damaged, and is made anew.
    discardImage(dir);
    return null;
  }
}

/**
 * The report alone of tree state `key` (a scan of a tree that has not changed needs nothing
 * else); null when there is no such image or it does not read.
 */
export function readImageReport(cacheDir: string, key: string): Report | null {
  const dir = path.join(imagesDir(cacheDir), key);
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.key !== key) return null;
    const bytes = readFileSync(path.join(dir, 'report.json'));
    if (bytes.length !== manifest.parts['report.json']) return null;
    const report = JSON.parse(bytes.toString('utf8')) as Report;
    utimesSync(dir, new Date(), new Date()); // recently used: pruned last
    return report;
  } catch {
    return null;
  }
}

/** Removes what a failed write left, if it can: the failure being reported is the write's. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Where the write could not make it, there is nothing to remove.
  }
}

function discardImage(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function assemble(
  manifest: Manifest, link: LinkPart, part: AnalysisPart, report: Report, callGraph: FnId[][], witnesses: WitnessTable, summaries: SummaryStore,
  factsCache: FactsCache, config: Kconfig | null,
): Omit<Baseline, 'callersOf'> {
  const bodies = new ImageFacts(manifest.files, new BodyStore(factsCache));
  const program: Program = {
    functions: link.functions.name.map((_, fn) => lazyFunction(link.functions, fn, manifest.files, bodies)),
    globalDefs: new Map(link.globalDefs),
    fileStatics: new Map(link.fileStatics.map(([file, byName]) => [file, new Map(byName)])),
    structs: new Map(link.structs), typedefs: new Map(link.typedefs), declaredRuns: new Map(link.declaredRuns), globals: new Map(link.globals),
    fieldBindings: new Map(link.fieldBindings), bindingOwners: new Map(link.bindingOwners), unfollowedBindings: new Map(link.unfollowedBindings), aliases: new Map(link.aliases), callMacros: new Map(link.callMacros),
    keyedStructs: new Set(link.keyedStructs), keyedFields: new Set(link.keyedFields),
    guards: new Map(link.guards),
  };
  const collector = new EdgeCollector();
  for (const [fn, offers] of part.offers) collector.setOffers(fn, offers);
  const analysis: ProgramAnalysis = {
    program, conditions: new ConditionEvaluator(
      config, new Map(link.macroNames.map((n, i) => [n, link.macroValues[i] ?? []])), undefined, link.macroAsked ? new Set(link.macroAsked) : null, link.defineScopes,
    ),
    identity: new LockIdentity(program, new Map(part.fieldStores), lockInitIndexOf(part), {
      fields: new Set(part.placeReads.fields), initialisers: new Set(part.placeReads.initialisers),
    }), witnesses, summaries, collector,
    callGraph, functionStats: restoreStats(part.functionStats), fileErrors: new Map(part.fileErrors),
    registrations: part.registrations, keySites: part.keySites,
    callHolds: new Map(part.callHolds), signals: new Map(part.signals), closed: new Set(part.closed), multiKeyed: new Map(part.multiKeyed), requiring: new Set(part.requiring), failed: new Map(part.failed),
    askedRuns: new Set(part.askedRuns),
  };
  return {
    analysis, report, problems: part.problems, writers: new Map(part.writers), consulted: new Set(part.consulted),
    factsOf: (file) => bodies.factsOf(file),
  };
}

function restoreWitnesses(strings: WitnessStrings, rows: Int32Array): WitnessTable {
  try {
    return WitnessTable.fromColumns(strings.kinds, strings.texts, rows);
  } catch (err) {
    throw new ImageUnusable((err as Error).message);
  }
}

/** A function whose body, parameters and conditions are read from the facts cache when first asked for. */
function lazyFunction(c: FunctionColumns, fn: FnId, files: ImageFile[], facts: ImageFacts): FunctionFacts {
  const flags = c.flags[fn] as number;
  const file = c.file[fn] as number;
  const index = c.index[fn] as number;
  return new LazyFunction(
    c.name[fn] as string, files[file]?.path ?? '?', c.line[fn] as number, (flags & 1) !== 0, (flags & 2) !== 0,
    c.errors[fn] as number, { name: c.returnType[fn] as string, pointer: c.returnPointer[fn] as number },
    () => facts.outlineOf(file, index), () => facts.bodyOf(file, index),
  );
}

/** Getters on the prototype: 57,000 of these are made in a few milliseconds. */
class LazyFunction implements FunctionFacts {
  constructor(
    readonly name: string, readonly file: string, readonly line: number, readonly isStatic: boolean, readonly isMacro: boolean,
    readonly errors: number, readonly returnType: TypeRef, private readonly outline: () => FunctionOutline, private readonly load: () => Stmt[],
  ) {}

  get body(): Stmt[] { return this.load(); }
  get params(): FunctionFacts['params'] { return this.outline().params; }
  get conditions(): FunctionFacts['conditions'] { return this.outline().conditions; }
  get index(): FunctionFacts['index'] { return this.outline().index; }
}

function lockInitColumns(index: LockInitIndex): Pick<AnalysisPart, 'lockInits' | 'initPlaces'> {
  return {
    lockInits: [...index.byName],
    initPlaces: [...index.places].map(([field, byStruct]) => [field, [...byStruct].map(([struct, places]) => [struct, places && [...places]])]),
  };
}

function lockInitIndexOf(part: AnalysisPart): LockInitIndex {
  return {
    byName: new Map(part.lockInits),
    places: new Map(part.initPlaces.map(([field, byStruct]) => [field, new Map(byStruct.map(([struct, places]) => [struct, places && new Set(places)]))])),
  };
}

function restoreStats(flat: number[]): Map<FnId, AnalysisStats> {
  const out = new Map<FnId, AnalysisStats>();
  for (let i = 0; i + STAT_KEYS.length < flat.length; i += STAT_KEYS.length + 1) {
    const stats = emptyStats();
    STAT_KEYS.forEach((k, j) => { stats[k] = flat[i + 1 + j] as number; });
    out.set(flat[i] as FnId, stats);
  }
  return out;
}

/** The image's files: outlines read from the facts cache when first asked for, bodies from the body store. */
class ImageFacts {
  private readonly outlines = new LRUCache<number, FileOutline>({ max: 4096 });
  private readonly indexOf: Map<string, number>;

  constructor(private readonly files: ImageFile[], private readonly store: BodyStore) {
    this.indexOf = new Map(files.map((f, i) => [f.path, i]));
  }

  /** A file as the image's tree has it; null for a file it does not have, or whose facts are gone. */
  factsOf(path: string): LoadedFile | null {
    const file = this.indexOf.get(path);
    const outline = file === undefined ? null : this.outline(file);
    return outline ? this.store.file(outline, (this.files[file as number] as ImageFile).factsKey) : null;
  }

  outlineOf(file: number, index: number): FunctionOutline {
    const fn = this.outline(file)?.functions[index];
    if (!fn) throw new ImageUnusable(`no function ${index} in the facts of ${this.files[file]?.path ?? file}`);
    return fn;
  }

  bodyOf(file: number, index: number): Stmt[] {
    const entry = this.files[file];
    if (!entry) throw new ImageUnusable(`no file ${file}`);
    try {
      return this.store.body(entry.factsKey, index);
    } catch (err) {
      throw err instanceof BodyMissing ? new ImageUnusable(err.message) : err;
    }
  }

  private outline(file: number): FileOutline | null {
    let outline = this.outlines.get(file);
    if (!outline) {
      const entry = this.files[file];
      outline = entry ? this.store.cache.outline(entry.factsKey) ?? undefined : undefined;
      if (!outline) return null;
      this.outlines.set(file, outline);
    }
    return outline;
  }
}

/** Packed summaries, one run of bytes per function between `offsets`: unpacked on first use. */
function lazySummaries(bytes: Uint8Array, offsets: Int32Array, strings: string[]): SummaryOverlay {
  let codec: SummaryCodec;
  try {
    codec = SummaryCodec.reading(strings);
  } catch (err) {
    throw new ImageUnusable((err as Error).message);
  }
  return new SummaryOverlay((fn) => {
    const start = offsets[fn];
    const end = offsets[fn + 1];
    if (start === undefined || end === undefined) return undefined;
    if (start === end) return undefined;
    if (start < 0 || end < start || end > bytes.length) throw new ImageUnusable('summary offsets torn');
    try {
      return codec.unpack(bytes.subarray(start, end));
    } catch (err) {
      throw new ImageUnusable((err as Error).message);
    }
  });
}
