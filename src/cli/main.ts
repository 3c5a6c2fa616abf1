// The `kdeadlock` command line. Exit codes: 0 no findings, 1 findings, 2 usage or input error.
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import { writeFileAtomic } from '../report/atomic-write.js';
import { progressBar } from './progress.js';
import { GrammarError, pinnedGrammarWasm } from '../parse/grammar.js';
import { BaselineError, loadBaselineFingerprints, subtractBaseline } from '../report/baseline.js';
import { renderReport, FORMATS, type Format } from '../report/render.js';
import { focusedResources, renderDot } from '../report/dot.js';
import { DEFAULT_LINK_TEMPLATE, renderPatchHtml } from '../report/html.js';
import { SuppressionError, type SuppressionList, parseSuppressions } from '../report/suppress.js';
import { renderCheckpatch, renderPatchCheckText } from '../report/patch-check.js';
import { checkPatch } from '../patch/check.js';
import { PatchError } from '../patch/parse.js';
import type { Report } from '../report/types.js';
import { RULES } from '../rules/index.js';
import { DEFAULT_MAX_CYCLE_LENGTH } from '../deadlock/graph.js';
import { scan, scanGraph, type ScanOptions, type Timings } from '../scan.js';
import { InputError } from '../source/discover.js';
import { defaultCacheDir } from '../source/facts-cache.js';
import { type Kconfig, KconfigError, parseKconfig } from '../source/kconfig.js';
import { toolVersion } from '../version.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

interface CommonArgs {
  /** The tree: `--root` for scan, `--tree` for check-patch. */
  root?: string;
  tree?: string;
  arch: string;
  config?: string;
  /** One of the command's formats (yargs checks the choice). */
  format: string;
  output?: string;
  jobs: number;
  rule?: string[];
  color?: boolean;
  timings: boolean;
  'max-cycle-length': number;
  baseline?: string;
  cache?: string | boolean;
  'link-template': string;
  suppressions?: string;
}

/** What differs between the commands' options: the name of the tree option, and the formats. */
interface CommandShape { tree: 'root' | 'tree'; treeHelp: string; formats: readonly string[] }

function commonOptions<T>(y: Argv<T>, shape: CommandShape): Argv<T & CommonArgs> {
  return y
    .option(shape.tree, { type: 'string', default: '.', describe: shape.treeHelp })
    .option('arch', { type: 'string', default: 'x86', describe: 'Architecture: arch/<arch>/ is scanned, other arches are ignored' })
    .option('config', { type: 'string', describe: 'Kernel .config used to evaluate #if CONFIG_* conditions' })
    .option('format', { choices: shape.formats, default: 'text', describe: 'Output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE (atomically) instead of stdout' })
    .option('jobs', { alias: 'j', type: 'number', default: availableParallelism(), describe: 'Parser threads (default: one per CPU); output does not depend on it' })
    .option('rule', { type: 'string', array: true, choices: RULES.map((r) => r.id), describe: 'Only these checks' })
    .option('color', { type: 'boolean', describe: 'Colour text output (default: NO_COLOR/FORCE_COLOR, else only on a terminal)' })
    .option('timings', { type: 'boolean', default: false, describe: 'Print stage timings to stderr' })
    .option('cache', { type: 'string', describe: `Cache directory: facts, tree index, summary images (default ${defaultCacheDir()}); --no-cache: none` })
    .option('baseline', { type: 'string', describe: 'A previous JSON or SARIF report: show (and exit 1 on) only findings not in it' })
    .option('max-cycle-length', { type: 'number', default: DEFAULT_MAX_CYCLE_LENGTH, describe: 'Longest cycle (in CPUs) searched for' })
    .option('suppressions', { type: 'string', describe: 'A file of findings to set aside: "fingerprint <hex> [reason]" or "function <name> [reason]" a line' })
    .option('link-template', {
      type: 'string', default: DEFAULT_LINK_TEMPLATE,
      describe: 'HTML: where a file:line links, with {path} and {line} (e.g. https://elixir.bootlin.com/linux/v6.1/source/{path}#L{line})',
    }) as Argv<T & CommonArgs>;
}

function useColor(flag: boolean | undefined, toTerminal: boolean): boolean {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return toTerminal;
}

async function emit(report: Report, args: CommonArgs, root: string): Promise<void> {
  const toTerminal = !args.output && process.stdout.isTTY === true;
  const text = renderReport(report, args.format as Format, {
    color: useColor(args.color, toTerminal), srcRoot: path.resolve(root), linkTemplate: args['link-template'],
  });
  await write(text, args);
}

async function write(text: string, args: Pick<CommonArgs, 'output'>): Promise<void> {
  if (args.output) await writeFileAtomic(args.output, text);
  else process.stdout.write(text);
}


function printTimings(timings: Timings): void {
  const parts = Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}s`);
  process.stderr.write(`timings: ${parts.join(', ')}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const parser = yargs(argv)
    .scriptName('kdeadlock')
    .version(toolVersion())
    .strict()
    .recommendCommands()
    .demandCommand(1, 'name a command: scan or check-patch')
    .command(
      'scan [paths..]',
      'Scan a kernel tree (or some of its directories) for multi-CPU deadlocks',
      (y) => commonOptions(y.positional('paths', { type: 'string', array: true, describe: 'Directories or files under --root (default: the whole tree)' }), {
        tree: 'root', treeHelp: 'Kernel tree root; report paths are relative to it', formats: [...FORMATS, 'dot'],
      })
        .option('focus', { type: 'string', describe: 'With --format dot: only this lock class and its neighbours (e.g. tasklist_lock, page.ptl)' }),
      async (args) => {
        const timings: Timings = {};
        const root = args.root ?? '.';
        if (args.focus !== undefined && args.format !== 'dot') throw new UsageError('--focus goes with --format dot');
        if (args.format === 'dot' && args.baseline) throw new UsageError('--baseline filters findings; --format dot draws the dependency graph');
        const opts = await scanOptions(args, root, (args.paths ?? []).map(String));
        if (args.format === 'dot') {
          exitCode = await emitGraph(opts, args, args.focus ?? null, timings);
          if (args.timings) printTimings(timings);
          return;
        }
        const known = args.baseline ? await loadBaseline(args.baseline) : null;
        const scanned = await scan(opts, timings);
        const report = known ? subtractBaseline(scanned, known) : scanned;
        await emit(report, args, root);
        if (args.timings) printTimings(timings);
        exitCode = report.findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
      },
    )
    .command(
      'check-patch <patch> [paths..]',
      'Check a patch (unified diff or git format-patch mbox; - for stdin) against a tree, in memory',
      (y) => commonOptions(y.positional('patch', { type: 'string', demandOption: true, describe: 'Patch file, or - for stdin' })
        .positional('paths', { type: 'string', array: true, describe: 'Directories or files under --tree (default: the whole tree)' }), {
        tree: 'tree', treeHelp: 'Kernel tree the patch applies to; report paths are relative to it', formats: [...FORMATS, 'checkpatch'],
      })
        .option('incremental', { type: 'boolean', default: true, describe: 'Analyse again only the functions the patch changes and their callers (--no-incremental: the whole tree)' }),
      async (args) => {
        const root = args.tree ?? '.';
        const format = args.format as Format | 'checkpatch';
        // yargs hands a lone `-` over as an empty string.
        const fromStdin = args.patch === '-' || args.patch === '';
        const patchText = fromStdin ? await readStdin() : await readFile(args.patch, 'utf8')
          .catch((err: Error) => { throw new InputError(`cannot read patch ${args.patch}: ${err.message}`); });
        const opts = await scanOptions(args, root, (args.paths ?? []).map(String));
        const timings: Timings = {};
        const { result, after, mode } = await checkPatch({ ...opts, incremental: args.incremental }, patchText, fromStdin ? 'stdin' : path.basename(args.patch), timings)
          .catch((err: unknown) => { throw err instanceof PatchError ? new InputError(err.message) : err; });
        const toTerminal = !args.output && process.stdout.isTTY === true;
        const color = useColor(args.color, toTerminal);
        const text = format === 'checkpatch' ? renderCheckpatch(result)
          : format === 'json' ? `${JSON.stringify(result, null, 2)}\n`
          : format === 'text' ? renderPatchCheckText(result, color)
          : format === 'html' ? renderPatchHtml(result, after, { rules: RULES.map((r) => r.meta), linkTemplate: args['link-template'] })
          : renderReport({ ...after, findings: result.newFindings, ...(result.suppressed ? { suppressed: result.suppressed } : {}) }, format, { color, srcRoot: path.resolve(root) });
        await write(text, args);
        if (args.timings) {
          printTimings(timings);
          process.stderr.write(`check-patch: ${mode}\n`);
        }
        exitCode = result.newFindings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
      },
    )
    .fail((msg, err) => {
      throw err instanceof Error ? err : new UsageError(msg);
    })
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100));
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError || err instanceof GrammarError || isYargsError(err)) {
      process.stderr.write(`kdeadlock: ${firstLine((err as Error).message)}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  return exitCode;
}

/** `--format dot`: the dependency graph, or one class's neighbourhood; exit 0 (it is no verdict). */
async function emitGraph(opts: ScanOptions, args: CommonArgs, focus: string | null, timings: Timings): Promise<number> {
  const edges = await scanGraph(opts, timings);
  const focused = focus === null ? null : focusedResources(edges, focus);
  if (focused && focused.size === 0) throw new InputError(`--focus ${focus}: no lock class of that name in the dependency graph`);
  await write(renderDot(edges, focused), args);
  return EXIT_CLEAN;
}

/** Options from the command line, every value that can be checked before the work starts checked. */
async function scanOptions(args: CommonArgs, root: string, paths: string[]): Promise<ScanOptions> {
  const flag = args.tree !== undefined ? '--tree' : '--root';
  pinnedGrammarWasm(); // a grammar that is not the pinned one stops here, not in every parser thread
  if (!(await isDirectory(root))) throw new UsageError(`${flag} ${root}: no such directory`);
  // A kernel tree has arch/; a tree without one (a few files for a test) has no arch to check.
  const hasArches = await isDirectory(path.join(root, 'arch'));
  if (!/^[A-Za-z0-9_-]+$/.test(args.arch) || (hasArches && !(await isDirectory(path.join(root, 'arch', args.arch))))) {
    throw new UsageError(`--arch ${args.arch}: no arch/${args.arch} directory in ${root}`);
  }
  if (!Number.isInteger(args['max-cycle-length']) || args['max-cycle-length'] < 2) throw new UsageError('--max-cycle-length must be a whole number, at least 2');
  if (!Number.isFinite(args.jobs) || args.jobs < 1) throw new UsageError('--jobs must be at least 1');
  if (!args['link-template'].includes('{path}')) throw new UsageError(`--link-template ${args['link-template']}: no {path} in it`);
  const cacheDir = cacheDirOf(args);
  if (cacheDir && await exists(cacheDir) && !(await isDirectory(cacheDir))) throw new UsageError(`--cache ${cacheDir}: not a directory`);
  const opts: ScanOptions = {
    root, paths, arch: args.arch, maxCycleLength: args['max-cycle-length'], onProgress: progressBar(args.format, !args.output && !process.stdout.isTTY),
    jobs: Math.floor(args.jobs), cacheDir,
  };
  if (args.rule) opts.rules = args.rule;
  if (args.config) opts.config = await loadConfig(args.config);
  if (args.suppressions) opts.suppressions = await loadSuppressions(args.suppressions);
  return opts;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function cacheDirOf(args: Omit<CommonArgs, 'format'>): string | null {
  if (args.cache === false) return null;
  return typeof args.cache === 'string' && args.cache !== '' ? args.cache : defaultCacheDir();
}

async function loadBaseline(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8').catch((err: Error) => { throw new InputError(`cannot read --baseline ${file}: ${err.message}`); });
  try {
    return loadBaselineFingerprints(text);
  } catch (err) {
    if (err instanceof BaselineError) throw new InputError(`--baseline ${file}: ${err.message}`);
    throw err;
  }
}

async function loadSuppressions(file: string): Promise<SuppressionList> {
  const text = await readFile(file, 'utf8').catch((err: Error) => { throw new InputError(`cannot read --suppressions ${file}: ${err.message}`); });
  try {
    return parseSuppressions(text, file);
  } catch (err) {
    if (err instanceof SuppressionError) throw new InputError(`--suppressions ${err.message}`);
    throw err;
  }
}

async function loadConfig(file: string): Promise<{ path: string; values: Kconfig }> {
  const text = await readFile(file, 'utf8').catch((err: Error) => { throw new InputError(`cannot read --config ${file}: ${err.message}`); });
  try {
    return { path: file, values: parseKconfig(text, file) };
  } catch (err) {
    if (err instanceof KconfigError) throw new InputError(err.message);
    throw err;
  }
}

function isYargsError(err: unknown): boolean {
  return err instanceof Error && err.name === 'YError';
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'error';
}
