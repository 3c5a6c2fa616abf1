import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaselineError, loadBaselineFingerprints, subtractBaseline } from '../src/report/baseline.js';
import { renderSarif } from '../src/report/sarif.js';
import { loadSampleReport, SAMPLE_RULES } from './fixtures-data/sample.js';

const FPS = ['9c1e3f0a7b2d4e61', '41d07c9e22a8b513'];

/** The error's message, asserting it is a BaselineError on one line. */
function failure(text: string): string {
  try {
    loadBaselineFingerprints(text);
  } catch (err) {
    assert.ok(err instanceof BaselineError, String(err));
    assert.equal(err.name, 'BaselineError');
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail(`accepted: ${text.slice(0, 80)}`);
}

describe('loadBaselineFingerprints', () => {
  it('reads a previous JSON report', () => {
    assert.deepEqual(loadBaselineFingerprints(JSON.stringify(loadSampleReport())), new Set(FPS));
  });

  it('reads a previous SARIF log', () => {
    assert.deepEqual(loadBaselineFingerprints(renderSarif(loadSampleReport(), { rules: SAMPLE_RULES })), new Set(FPS));
  });

  it('reads a SARIF log of the previous fingerprint scheme (kdeadlock/v1)', () => {
    const text = renderSarif(loadSampleReport(), { rules: SAMPLE_RULES }).replaceAll('"kdeadlock/v2"', '"kdeadlock/v1"');
    assert.ok(text.includes('"kdeadlock/v1"'));
    assert.deepEqual(loadBaselineFingerprints(text), new Set(FPS));
  });

  it('reads empty runs and reports', () => {
    const empty = { ...loadSampleReport(), findings: [] };
    assert.equal(loadBaselineFingerprints(JSON.stringify(empty)).size, 0);
    assert.equal(loadBaselineFingerprints(renderSarif(empty, { rules: SAMPLE_RULES })).size, 0);
  });

  it('rejects anything else with a clear one-line message', () => {
    assert.match(failure('not json {'), /^baseline is not JSON/);
    assert.match(failure('[]'), /neither a kdeadlock JSON report nor a SARIF log/);
    assert.match(failure('{"hello": 1}'), /neither a kdeadlock JSON report nor a SARIF log/);
    assert.match(failure('{"schemaVersion": 2, "findings": []}'), /schemaVersion 2; this kdeadlock reads 1/);
    assert.match(failure('{"schemaVersion": 1}'), /no findings array/);
    assert.match(failure('{"schemaVersion": 1, "findings": [{"rule": "x"}]}'), /findings\[0\] has no fingerprint/);
    assert.match(failure('{"version": "2.0.0", "runs": []}'), /version 2\.0\.0; expected 2\.1\.0/);
    const other = { version: '2.1.0', runs: [{ tool: { driver: { name: 'CodeQL' } }, results: [] }] };
    assert.match(failure(JSON.stringify(other)), /runs\[0\] was written by "CodeQL", not kdeadlock/);
    const sarif = JSON.parse(renderSarif(loadSampleReport(), { rules: SAMPLE_RULES }));
    delete sarif.runs[0].results[1].partialFingerprints;
    assert.match(failure(JSON.stringify(sarif)), /runs\[0\]\.results\[1\] has no "kdeadlock\/v2" fingerprint/);
  });
});

describe('subtractBaseline', () => {
  it('keeps only new findings and leaves the rest of the report alone', () => {
    const report = loadSampleReport();
    const out = subtractBaseline(report, new Set([FPS[0]!]));
    assert.deepEqual(out.findings.map((f) => f.fingerprint), [FPS[1]]);
    assert.deepEqual(out.problems, report.problems);
    assert.deepEqual(out.stats, report.stats);
    assert.equal(report.findings.length, 2, 'input not mutated');
    assert.equal(subtractBaseline(report, new Set(FPS)).findings.length, 0);
    assert.equal(subtractBaseline(report, new Set()).findings.length, 2);
  });

  it('a run against its own output has nothing new', () => {
    const report = loadSampleReport();
    const known = loadBaselineFingerprints(renderSarif(report, { rules: SAMPLE_RULES }));
    assert.deepEqual(subtractBaseline(report, known).findings, []);
  });
});
