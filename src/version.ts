// The tool's version, read from the package.json above this module (src/ or dist/src/).
import { type Hash, createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarsDir } from './parse/grammar.js';
import { packageRoot } from './package-root.js';

let cached: string | null = null;

export function toolVersion(): string {
  if (cached) return cached;
  const root = packageRoot();
  cached = root ? (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version : '0.0.0';
  return cached;
}

let fingerprint: string | null = null;

/**
 * A hash of the analyzer's own code (every module beside this one): caches keyed by it are
 * never read by a different analyzer, version bump or not.
 */
export function codeFingerprint(): string {
  fingerprint ??= hashSources(() => true).digest('hex');
  return fingerprint;
}

/** A hash of the version and of the modules beside this one (src/ or dist/src/) that `wanted` keeps, by path. */
function hashSources(wanted: (rel: string) => boolean): Hash {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256').update(toolVersion());
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(here, abs).split(path.sep).join('/').replace(/\.(js|ts)$/, '');
      if (!wanted(rel)) continue;
      if (entry.isDirectory()) walk(abs);
      else if (/\.(js|ts)$/.test(entry.name)) hash.update(rel).update(readFileSync(abs));
    }
  };
  walk(here);
  return hash;
}

/** What facts depend on: extraction, the parser, the models it reads, the cache format, the grammar. */
const FACTS_SOURCES = ['facts', 'parse', 'models', 'program/program', 'source/facts-cache', 'source/pack-store', 'source/read'];
/** Under those, the modules that only drive extraction (threads, progress): they change no fact. */
const NOT_FACTS_SOURCES = ['facts/collect', 'facts/parse-task', 'facts/intern'];

let factsPrint: string | null = null;

/**
 * A hash of the code facts are made by, and of grammars/ (the pinned grammar, the idiom tables):
 * facts cached by an analyzer that differs only in its analysis stay valid (a whole kernel's
 * facts take minutes to make).
 */
export function factsFingerprint(): string {
  if (factsPrint) return factsPrint;
  const hash = hashSources((rel) => FACTS_SOURCES.some((s) => rel === s || rel.startsWith(`${s}/`) || s.startsWith(`${rel}/`)) && !NOT_FACTS_SOURCES.includes(rel));
  for (const name of readdirSync(grammarsDir()).sort()) hash.update(name).update(readFileSync(path.join(grammarsDir(), name)));
  factsPrint = hash.digest('hex');
  return factsPrint;
}
