// Nothing in src/ may know fixture names: every identifier a fixture defines (functions,
// macros, structs, fields, globals, typedefs) is renamed mechanically, and the analyzer must
// report the same findings with the new names.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { extractFileFacts } from '../src/facts/extract.js';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/report/types.js';
import { sourceFiles } from './support/annotations.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-rename-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Identifiers defined by the fixture itself: what a name-matching analyzer could cheat on. */
async function definedNames(dir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const file of sourceFiles(dir)) {
    const facts = await extractFileFacts(file, readFileSync(path.join(dir, file), 'utf8'));
    for (const f of facts.functions) names.add(f.name);
    for (const s of facts.structs) { names.add(s.name); for (const field of Object.keys(s.fields)) names.add(field); }
    for (const g of Object.keys(facts.globals)) names.add(g);
    for (const t of Object.keys(facts.typedefs)) names.add(t);
    for (const g of facts.guards) names.add(g.name);
  }
  return [...names].filter((n) => /^[A-Za-z_]\w*$/.test(n)).sort();
}

function renameTree(src: string, dst: string, mapping: Map<string, string>): void {
  cpSync(src, dst, { recursive: true });
  const word = new RegExp(`\\b(${[...mapping.keys()].join('|')})\\b`, 'g');
  for (const file of sourceFiles(dst)) {
    const abs = path.join(dst, file);
    const renamed = readFileSync(abs, 'utf8').split('\n').map((line) => {
      // Include lines name files, which keep their names.
      if (/^\s*#\s*include\b/.test(line)) return line;
      // Annotations name rules, not identifiers.
      const at = line.search(/\/\/\s*(expect|ok):/);
      const code = at >= 0 ? line.slice(0, at) : line;
      return code.replace(word, (m) => mapping.get(m) ?? m) + (at >= 0 ? line.slice(at) : '');
    });
    writeFileSync(abs, renamed.join('\n'));
  }
}

/** A finding without its names' order effects: CPUs are compared as a set (rotation follows names). */
const shape = (f: Finding, rename: (s: string) => string): string => JSON.stringify({
  rule: f.rule,
  cpus: f.cpus.map((c) => JSON.stringify({
    holds: c.holds.map(rename),
    waitsFor: rename(c.waitsFor),
    chain: c.chain.map((s) => `${rename(s.function)}:${s.file}:${s.line}:${s.kind}`),
  })).sort(),
});

describe('renaming every fixture-defined identifier', () => {
  for (const fixture of [
    'fixtures/ipi-cycle/seed-shaped', 'fixtures/lock-cycle/abba-two-files', 'fixtures/lock-cycle/three-locks', 'fixtures/lock-cycle/defined-guard',
    'fixtures/lock-cycle/file-static-locks', 'fixtures/lock-cycle/file-local-structs', 'fixtures/lock-cycle/helper-order',
    'fixtures/lock-cycle/constant-paths', 'fixtures/lock-cycle/keyed-wrapper', 'fixtures/lock-cycle/nested-subclass',
    'fixtures/lock-cycle/embedded-lock-places',
  ]) {
    it(`${fixture} yields the same findings under new names`, async () => {
      const src = path.resolve(fixture);
      const names = await definedNames(src);
      assert.ok(names.length > 10, `found ${names.length} defined names`);
      const mapping = new Map(names.map((n, i) => [n, `zq${i}x${n.length}`]));
      const dst = path.join(work, fixture.replace(/\W+/g, '_'));
      renameTree(src, dst, mapping);

      const before = await scan({ root: src, paths: [], arch: 'x86' });
      const afterRename = await scan({ root: dst, paths: [], arch: 'x86' });
      assert.ok(before.findings.length > 0, 'the original fixture has findings');
      // A class prints as its name (`/n` a lockdep subclass), with its file in parentheses only where two would print alike.
      const renameClass = (cls: string) => {
        const [, name = cls, scope = ''] = /^(.*?)( \(.*\))?$/.exec(cls) ?? [];
        return name.split(/([.\[\]/])/).map((p) => mapping.get(p) ?? p).join('') + scope;
      };
      assert.deepEqual(
        afterRename.findings.map((f) => shape(f, (s) => s)).sort(),
        before.findings.map((f) => shape(f, renameClass)).sort(),
      );
      // And the new names really are in use: no original name survives in the findings.
      const text = JSON.stringify(afterRename.findings.map((f) => [f.resources, f.cpus.map((c) => c.chain.map((s) => s.function))]));
      for (const n of names.filter((x) => x.length > 3)) assert.ok(!new RegExp(`\\b${n}\\b`).test(text), `${n} survived renaming`);
    });
  }
});
