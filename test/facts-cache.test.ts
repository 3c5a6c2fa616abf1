import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Stmt } from '../src/facts/types.js';
import { BodyStore } from '../src/source/body-store.js';
import { FactsCache } from '../src/source/facts-cache.js';
import { factsFingerprint } from '../src/version.js';

describe('facts cache versions', () => {
  it('keeps this version and the two used last, and drops the others whole', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kdeadlock-versions-'));
    try {
      const old = ['aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaa3', 'aaaaaaaaaaaaaaa4'];
      old.forEach((v, i) => {
        mkdirSync(path.join(dir, 'facts', v, 'ab'), { recursive: true });
        const when = new Date(Date.now() - (i + 1) * 86_400_000);
        utimesSync(path.join(dir, 'facts', v), when, when);
      });
      FactsCache.pruneVersions(dir);
      const kept = readdirSync(path.join(dir, 'facts')).sort();
      assert.deepEqual(kept, [factsFingerprint().slice(0, 16), 'aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores and reads back facts under this version', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kdeadlock-versions-'));
    try {
      const cache = new FactsCache(dir);
      const body: Stmt[] = [{ k: 'return', value: { k: 'num', value: 1 }, pos: { line: 2, col: 2 } }];
      const fn = { name: 'f', file: 'a.c', line: 1, isStatic: true, conditions: [], params: [], returnType: { name: 'int', pointer: 0 }, body, isMacro: false, errors: 0 };
      const facts = { path: 'a.c', functions: [fn], structs: [], typedefs: {}, globals: {}, staticGlobals: [], bindings: [], objectMacros: [], guards: [], errorNodes: 0, rewrites: 0 };
      const key = 'ab'.repeat(32);
      const { outline, stored } = cache.put(key, facts);
      assert.equal(cache.outlineText(key), outline);
      assert.deepEqual(cache.outline(key), JSON.parse(outline));
      assert.equal(cache.outline(key)?.functions[0]?.name, 'f');
      assert.deepEqual(new BodyStore(cache).body(key, 0), body);
      assert.equal(cache.outline('cd'.repeat(32)), null);
      // Another reader of the directory finds the entry once the run has indexed it.
      assert.equal(new FactsCache(dir).outlineText(key), null);
      FactsCache.recordLocations(dir, [[key, stored as NonNullable<typeof stored>]]);
      assert.equal(new FactsCache(dir).outlineText(key), outline);
      assert.ok(readdirSync(path.join(dir, 'facts', factsFingerprint().slice(0, 16))).length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
