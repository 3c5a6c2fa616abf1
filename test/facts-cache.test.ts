import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FactsCache } from '../src/source/facts-cache.js';
import { codeFingerprint } from '../src/version.js';

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
      assert.deepEqual(kept, [codeFingerprint().slice(0, 16), 'aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores and reads back facts under this version', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kdeadlock-versions-'));
    try {
      const cache = new FactsCache(dir);
      const facts = { path: 'a.c', functions: [], structs: [], typedefs: {}, globals: {}, bindings: [], objectMacros: [], guards: [], errorNodes: 0, rewrites: 0 };
      cache.put('ab'.repeat(32), facts);
      assert.deepEqual(cache.get('ab'.repeat(32)), facts);
      assert.ok(readdirSync(path.join(dir, 'facts', codeFingerprint().slice(0, 16))).length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
