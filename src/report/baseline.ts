// `--baseline FILE`: the fingerprints of a previous run (its JSON report or its SARIF), so that
// only new findings are reported and the exit code follows them.
import { FINGERPRINT_KEY } from './sarif.js';
import type { Report } from './types.js';

const PREVIOUS_FINGERPRINT_KEY = 'kdeadlock/v1';

/** A baseline file that cannot be used; the message is one line, fit for stderr. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/** Accepts a kdeadlock JSON report (schemaVersion 1) or a SARIF 2.1.0 log written by kdeadlock. */
export function loadBaselineFingerprints(text: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`baseline is not JSON (${firstLine(err)})`);
  }
  if (!isObject(data)) throw new BaselineError('baseline is neither a kdeadlock JSON report nor a SARIF log');
  if ('runs' in data || 'version' in data) return fromSarif(data);
  if ('schemaVersion' in data || 'findings' in data) return fromReport(data);
  throw new BaselineError('baseline is neither a kdeadlock JSON report nor a SARIF log');
}

/** The report without the findings whose fingerprints are known; everything else unchanged. */
export function subtractBaseline(report: Report, known: Set<string>): Report {
  return { ...report, findings: report.findings.filter((f) => !known.has(f.fingerprint)) };
}

function fromReport(data: Record<string, unknown>): Set<string> {
  if (data['schemaVersion'] !== 1) {
    throw new BaselineError(`baseline JSON report has schemaVersion ${String(data['schemaVersion'])}; this kdeadlock reads 1`);
  }
  const findings = data['findings'];
  if (!Array.isArray(findings)) throw new BaselineError('baseline JSON report has no findings array');
  return new Set(
    findings.map((f: unknown, i) => {
      const fp = isObject(f) ? f['fingerprint'] : undefined;
      if (typeof fp !== 'string' || fp === '') throw new BaselineError(`baseline JSON report: findings[${i}] has no fingerprint`);
      return fp;
    }),
  );
}

function fromSarif(data: Record<string, unknown>): Set<string> {
  if (data['version'] !== '2.1.0') {
    throw new BaselineError(`baseline SARIF has version ${String(data['version'])}; expected 2.1.0`);
  }
  const runs = data['runs'];
  if (!Array.isArray(runs)) throw new BaselineError('baseline SARIF has no runs array');
  const known = new Set<string>();
  runs.forEach((run: unknown, r) => {
    const driver = isObject(run) && isObject(run['tool']) ? run['tool']['driver'] : undefined;
    const name = isObject(driver) ? driver['name'] : undefined;
    if (name !== 'kdeadlock') {
      throw new BaselineError(`baseline SARIF runs[${r}] was written by ${JSON.stringify(name ?? 'an unnamed tool')}, not kdeadlock`);
    }
    const results = isObject(run) ? run['results'] : undefined;
    if (!Array.isArray(results)) throw new BaselineError(`baseline SARIF runs[${r}] has no results array`);
    results.forEach((result: unknown, i) => {
      const fps = isObject(result) ? result['partialFingerprints'] : undefined;
      // A v1 fingerprint is the v2 one wherever no class carries a file scope; the rest show as new.
      const fp = isObject(fps) ? fps[FINGERPRINT_KEY] ?? fps[PREVIOUS_FINGERPRINT_KEY] : undefined;
      if (typeof fp !== 'string' || fp === '') {
        throw new BaselineError(`baseline SARIF runs[${r}].results[${i}] has no "${FINGERPRINT_KEY}" fingerprint`);
      }
      known.add(fp);
    });
  });
  return known;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
