// The kernel-C dialect as data (grammars/ at the project's top level): the tree-sitter-c grammar
// pin, checked when the parser starts, and the idiom tables normalisation applies.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

/** The grammar on disk is not the one pinned, or grammars/ is missing or malformed. */
export class GrammarError extends Error {}

export interface GrammarPin { package: string; version: string; wasm: string; sha256: string }

export interface DefinitionForm { pattern: RegExp; prefix: string }

export interface KernelIdioms {
  blankWords: ReadonlySet<string>;
  keptWords: ReadonlySet<string>;
  blankCallWords: ReadonlySet<string>;
  statementCallWords: ReadonlySet<string>;
  typeArgumentMacros: ReadonlySet<string>;
  loopMacro: RegExp;
  loopMacroMinLength: number;
  definitionMacros: DefinitionForm[];
  /** `DEFINE_MUTEX` → `mutex`: macros that define a lock object of a type. */
  lockDefiners: ReadonlyMap<string, string>;
  /** Of those, the ones that define a `static` object by themselves. */
  staticLockDefiners: ReadonlySet<string>;
  /** `DECLARE_WORK` → `work_struct`: macros that define a work item bound to a function. */
  runDefiners: ReadonlyMap<string, string>;
}

/** grammars/ beside the package.json above this module (src/ or dist/src/). */
export function grammarsDir(): string {
  const root = packageRoot();
  if (root && existsSync(path.join(root, 'grammars'))) return path.join(root, 'grammars');
  throw new GrammarError('grammars/ not found beside package.json');
}

function readJson(name: string): Record<string, unknown> {
  const file = path.join(grammarsDir(), name);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GrammarError(`${file}: ${(err as Error).message}`);
  }
}

function words(table: Record<string, unknown>, key: string): Set<string> {
  const list = (table[key] as { words?: unknown } | undefined)?.words;
  if (!Array.isArray(list) || !list.every((w) => typeof w === 'string')) throw new GrammarError(`grammars/kernel-c.json: ${key}.words must be a list of words`);
  return new Set(list as string[]);
}

let idioms: KernelIdioms | null = null;

export function kernelIdioms(): KernelIdioms {
  if (idioms) return idioms;
  const t = readJson('kernel-c.json');
  const loop = t.loopMacros as { pattern: string; minLength: number };
  const forms = (t.definitionMacros as { forms: { pattern: string; prefix: string }[] }).forms;
  const definers = t.lockDefiners as { types?: unknown } | undefined;
  const types = Object.entries((definers?.types ?? {}) as Record<string, unknown>);
  if (!types.length || !types.every(([, v]) => typeof v === 'string')) throw new GrammarError('grammars/kernel-c.json: lockDefiners.types must map macro names to lock types');
  const runTypes = Object.entries(((t.runDefiners as { types?: unknown } | undefined)?.types ?? {}) as Record<string, unknown>);
  if (!runTypes.every(([, v]) => typeof v === 'string')) throw new GrammarError('grammars/kernel-c.json: runDefiners.types must map macro names to work types');
  idioms = {
    blankWords: words(t, 'blankWords'), keptWords: words(t, 'keptWords'), blankCallWords: words(t, 'blankCallWords'),
    statementCallWords: words(t, 'statementCallWords'), typeArgumentMacros: words(t, 'typeArgumentMacros'),
    loopMacro: new RegExp(loop.pattern), loopMacroMinLength: loop.minLength,
    definitionMacros: forms.map((f) => ({ pattern: new RegExp(f.pattern), prefix: f.prefix })),
    lockDefiners: new Map(types as [string, string][]),
    staticLockDefiners: words(definers as Record<string, unknown>, 'staticForms'),
    runDefiners: new Map(runTypes as [string, string][]),
  };
  return idioms;
}

export function grammarPin(): GrammarPin {
  return readJson('tree-sitter-c.json') as unknown as GrammarPin;
}

/** The wasm the parser loads, after checking it is the pinned one. */
export function pinnedGrammarWasm(pin: GrammarPin = grammarPin()): string {
  const wasm = createRequire(import.meta.url).resolve(pin.wasm);
  const sha256 = createHash('sha256').update(readFileSync(wasm)).digest('hex');
  if (sha256 !== pin.sha256) {
    throw new GrammarError(`${pin.wasm} has sha256 ${sha256.slice(0, 12)}…, grammars/tree-sitter-c.json pins ${pin.sha256.slice(0, 12)}… (${pin.package} ${pin.version}): reinstall with npm ci, or update the pin`);
  }
  return wasm;
}
