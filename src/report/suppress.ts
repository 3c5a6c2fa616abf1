// Suppressions: a finding a maintainer has judged is set aside, never dropped. Two sources:
//   - inline, on any line of a CPU's chain or on the line above it:
//       /* kdeadlock: ignore lock-cycle — both paths run under rtnl */
//   - a file (`--suppressions FILE`), one entry a line, `#` for comments:
//       fingerprint 497ecf4d7e449836e92d159a341dfc6f  reason
//       function collect_procs_anon  reason
// Suppressed findings leave `findings` for `suppressed`: counted in the text summary, kept in
// JSON, and in SARIF as results with `suppressions` filled.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Report, SuppressedFinding, Suppression } from './types.js';

/** A suppressions file that cannot be used; the message is one line, fit for stderr. */
export class SuppressionError extends Error {
  override name = 'SuppressionError';
}

interface Entry { reason: string; where: string }

/** What a suppressions file says: findings by fingerprint, and functions whose chains are set aside. */
export interface SuppressionList {
  fingerprints: ReadonlyMap<string, Entry>;
  functions: ReadonlyMap<string, Entry>;
}

const ENTRY = /^(fingerprint|function)\s+(\S+)(?:\s+(.*))?$/;
const FINGERPRINT = /^[0-9a-f]{8,64}$/;
const FUNCTION = /^[A-Za-z_]\w*$/;

export function parseSuppressions(text: string, name: string): SuppressionList {
  const fingerprints = new Map<string, Entry>();
  const functions = new Map<string, Entry>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${name}:${i + 1}`;
    const m = ENTRY.exec(line);
    const [, kind, value = '', reason = ''] = m ?? [];
    if (!m || !(kind === 'fingerprint' ? FINGERPRINT : FUNCTION).test(value)) {
      throw new SuppressionError(`${where}: expected "fingerprint <hex> [reason]" or "function <name> [reason]", not ${JSON.stringify(line.slice(0, 60))}`);
    }
    (kind === 'fingerprint' ? fingerprints : functions).set(value, { reason: reason.trim(), where });
  });
  return { fingerprints, functions };
}

/** Reads line `line` (1-based) of a file of the tree; null when there is none. */
export type LineReader = (file: string, line: number) => string | null;

/** Lines of the tree under `root`, a file read once; `overrides` are contents a patch gave (null: deleted). */
export function treeLineReader(root: string, overrides: ReadonlyMap<string, string | null> = new Map()): LineReader {
  const files = new Map<string, string[] | null>();
  return (file, line) => {
    let lines = files.get(file);
    if (lines === undefined) {
      const text = overrides.has(file) ? overrides.get(file) ?? null : readOrNull(path.join(root, file));
      lines = text === null ? null : text.split('\n');
      files.set(file, lines);
    }
    return lines?.[line - 1] ?? null;
  };
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const INLINE = /kdeadlock:\s*ignore\s+([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?:(?:—|--|-|:)\s*)?(.*?)\s*(?:\*\/.*)?$/;

/** An inline `kdeadlock: ignore <rule>[, <rule>…] [— reason]` naming `rule`, on `text`. */
export function inlineSuppression(text: string, rule: string): string | null {
  const m = INLINE.exec(text);
  if (!m) return null;
  const rules = (m[1] as string).split(',').map((r) => r.trim());
  return rules.includes(rule) ? (m[2] ?? '') : null;
}

/** Why `f` is suppressed, if it is: the first chain step with an inline comment, else the file's entries. */
export function suppressionOf(f: Finding, lines: LineReader, list: SuppressionList | null): Suppression | null {
  for (const cpu of f.cpus) {
    for (const step of cpu.chain) {
      for (const at of [step.line, step.line - 1]) {
        const reason = inlineSuppression(lines(step.file, at) ?? '', f.rule);
        if (reason !== null) return { kind: 'inline', reason, where: `${step.file}:${at}` };
      }
    }
  }
  const byFingerprint = list?.fingerprints.get(f.fingerprint);
  if (byFingerprint) return { kind: 'file', ...byFingerprint };
  for (const cpu of f.cpus) {
    for (const step of cpu.chain) {
      const byFunction = list?.functions.get(step.function);
      if (byFunction) return { kind: 'file', ...byFunction };
    }
  }
  return null;
}

/** Splits `findings` into those reported and those suppressed. */
export function partitionSuppressed(findings: readonly Finding[], lines: LineReader, list: SuppressionList | null): { kept: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const why = suppressionOf(f, lines, list);
    if (why) suppressed.push({ ...f, suppression: why });
    else kept.push(f);
  }
  return { kept, suppressed };
}

/** The report with its suppressed findings moved aside (`suppressed` is left out when none is). */
export function applySuppressions(report: Report, lines: LineReader, list: SuppressionList | null): Report {
  const { kept, suppressed } = partitionSuppressed(report.findings, lines, list);
  if (suppressed.length === 0) return report;
  return { ...report, findings: kept, suppressed: [...(report.suppressed ?? []), ...suppressed] };
}
