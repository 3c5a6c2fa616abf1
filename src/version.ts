// The tool's version, read from the package.json above this module (src/ or dist/src/).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarsDir } from './parse/grammar.js';

let cached: string | null = null;

export function toolVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      cached = (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
      return cached;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

let fingerprint: string | null = null;

/**
 * A hash of the analyzer's own code (every module beside this one): caches keyed by it are
 * never read by a different analyzer, version bump or not.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256').update(toolVersion());
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (/\.(js|ts)$/.test(entry.name)) hash.update(entry.name).update(readFileSync(abs));
    }
  };
  walk(here);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/** What facts depend on: extraction, the parser, the models it reads, the cache format, the grammar. */
const FACTS_SOURCES = ['facts', 'parse', 'models', 'program/program', 'source/facts-cache', 'source/read'];
/** Under those, the modules that only drive extraction (threads, progress): they change no fact. */
const NOT_FACTS_SOURCES = ['facts/collect', 'facts/parse-task', 'facts/intern'];

let factsPrint: string | null = null;

/**
 * A hash of the code facts are made by, and of grammars/ (the pinned grammar, the idiom tables): facts cached by an
 * analyzer that differs only in its analysis stay valid (a whole kernel's facts take minutes).
 */
export function factsFingerprint(): string {
  if (factsPrint) return factsPrint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256').update(toolVersion());
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(here, abs).split(path.sep).join('/').replace(/\.(js|ts)$/, '');
      const wanted = FACTS_SOURCES.some((s) => rel === s || rel.startsWith(`${s}/`) || s.startsWith(`${rel}/`)) && !NOT_FACTS_SOURCES.includes(rel);
      if (!wanted) continue;
      if (entry.isDirectory()) walk(abs);
      else if (/\.(js|ts)$/.test(entry.name)) hash.update(rel).update(readFileSync(abs));
    }
  };
  walk(here);
  // The grammar (its pin names the wasm by hash) and the idiom tables normalisation applies.
  for (const name of readdirSync(grammarsDir()).sort()) hash.update(name).update(readFileSync(path.join(grammarsDir(), name)));
  factsPrint = hash.digest('hex');
  return factsPrint;
}
