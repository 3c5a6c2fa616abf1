// The fixture harness: every fixture case is scanned and its findings must match its
// inline annotations both ways (missed and unexpected findings both fail).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../src/rules/index.js';
import { scan } from '../src/scan.js';
import { renderSarif } from '../src/report/sarif.js';
import { compareWithAnnotations, readAnnotations } from './support/annotations.js';
import { schemaErrors } from './support/sarif-schema.js';

const FIXTURES = path.resolve('fixtures');

const cases = readdirSync(FIXTURES).sort().flatMap((rule) =>
  readdirSync(path.join(FIXTURES, rule)).sort().map((name) => ({ rule, name, dir: path.join(FIXTURES, rule, name) })));

describe('fixtures', () => {
  for (const c of cases) {
    it(`${c.rule}/${c.name}`, async () => {
      const annotations = readAnnotations(c.dir);
      assert.ok(annotations.length > 0, 'a fixture without annotations cannot fail');
      const report = await scan({ root: c.dir, paths: [], arch: 'x86' });
      assert.deepEqual(compareWithAnnotations(report.findings, annotations), []);
    });
  }
});

describe('every rule has code, fixtures and a doc page', () => {
  for (const rule of RULES) {
    it(rule.id, () => {
      assert.ok(existsSync(path.resolve('src/rules', `${rule.id}.ts`)), 'rule source file');
      assert.ok(existsSync(path.resolve('docs/checks', `${rule.id}.md`)), 'doc page');
      const mine = cases.filter((c) => c.rule === rule.id).map((c) => readAnnotations(c.dir));
      assert.ok(mine.some((a) => a.some((x) => x.kind === 'expect' && x.rule === rule.id)), 'a positive fixture');
      assert.ok(mine.some((a) => a.length > 0 && a.every((x) => x.kind === 'ok')), 'a negative fixture');
    });
  }
});

describe('every fixture\'s SARIF validates against the official schema', () => {
  for (const c of cases) {
    it(`${c.rule}/${c.name}`, async () => {
      const report = await scan({ root: c.dir, paths: [], arch: 'x86' });
      const log = JSON.parse(renderSarif(report, { rules: RULES.map((r) => r.meta), srcRoot: c.dir })) as { runs: { results: unknown[] }[] };
      assert.deepEqual(schemaErrors(log), []);
      // Suppressed findings stay results, with their suppression filled.
      assert.equal(log.runs[0]?.results.length, report.findings.length + (report.suppressed?.length ?? 0));
    });
  }
});
