// Reads `// expect: rule` and `// ok: rule` annotations from a fixture tree (design.md §6).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../src/report/types.js';

export interface Annotation { kind: 'expect' | 'ok'; rule: string; file: string; line: number }

const MARK = /\/\/\s*(expect|ok):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/;

export function sourceFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) return sourceFiles(abs, base);
    return /\.[ch]$/.test(name) ? [path.relative(base, abs).split(path.sep).join('/')] : [];
  });
}

export function readAnnotations(dir: string): Annotation[] {
  const out: Annotation[] = [];
  for (const file of sourceFiles(dir)) {
    readFileSync(path.join(dir, file), 'utf8').split('\n').forEach((text, i) => {
      const m = MARK.exec(text);
      if (!m) return;
      for (const rule of (m[2] ?? '').split(',').map((r) => r.trim())) {
        out.push({ kind: m[1] as 'expect' | 'ok', rule, file, line: i + 1 });
      }
    });
  }
  return out;
}

export const touchedLines = (f: Finding): Set<string> =>
  new Set(f.cpus.flatMap((c) => c.chain.map((s) => `${s.file}:${s.line}`)));

/** Differences between findings and annotations, both ways; empty when they agree. */
export function compareWithAnnotations(findings: Finding[], annotations: Annotation[]): string[] {
  const problems: string[] = [];
  for (const a of annotations) {
    const key = `${a.file}:${a.line}`;
    const hits = findings.filter((f) => f.rule === a.rule && touchedLines(f).has(key));
    if (a.kind === 'expect' && hits.length === 0) problems.push(`missed: ${a.rule} at ${key}`);
    if (a.kind === 'ok' && hits.length > 0) problems.push(`unexpected: ${a.rule} touches ${key} marked ok`);
  }
  for (const f of findings) {
    const expected = annotations.filter((a) => a.kind === 'expect' && a.rule === f.rule);
    const lines = touchedLines(f);
    if (!expected.some((a) => lines.has(`${a.file}:${a.line}`))) {
      problems.push(`unexpected: ${f.rule} ${f.resources.join(' -> ')} at ${f.location.file}:${f.location.line}`);
    }
  }
  return problems;
}
