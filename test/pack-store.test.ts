// Entries appended by several threads (stores) of a run, indexed by its main thread, read back
// by any later store; what no index names, or what a pack no longer holds, reads as absent.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type PackLocation, PackStore } from '../src/source/pack-store.js';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kdeadlock-packs-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pack store', () => {
  it('reads back entries of two writers once indexed, each from its own pack', () => {
    withDir((dir) => {
      const [a, b] = [new PackStore(dir), new PackStore(dir)];
      const stored: [string, PackLocation][] = [];
      for (let i = 0; i < 20; i++) {
        const writer = i % 2 ? a : b;
        const at = writer.append(`key${i}`, Buffer.from(`entry ${i} `.repeat(i + 1)));
        assert.ok(at);
        stored.push([`key${i}`, at]);
        assert.equal(writer.read(`key${i}`)?.toString(), `entry ${i} `.repeat(i + 1), 'a writer reads its own entries at once');
      }
      assert.equal(new PackStore(dir).has('key3'), false, 'not indexed yet');
      assert.ok(PackStore.writeIndex(dir, stored.slice(0, 10)));
      assert.ok(PackStore.writeIndex(dir, stored.slice(10)));
      const reader = new PackStore(dir);
      for (let i = 0; i < 20; i++) assert.equal(reader.read(`key${i}`)?.toString(), `entry ${i} `.repeat(i + 1));
      assert.equal(reader.read('nokey'), null);
      assert.equal(readdirSync(dir).filter((n) => n.endsWith('.pack')).length, 2);
    });
  });

  it('answers absent for an entry its pack no longer holds', () => {
    withDir((dir) => {
      const w = new PackStore(dir);
      const first = w.append('k1', Buffer.from('first entry'));
      const second = w.append('k2', Buffer.from('second entry'));
      assert.ok(first && second);
      PackStore.writeIndex(dir, [['k1', first], ['k2', second]]);
      truncateSync(path.join(dir, first.pack), first.length + 3);
      const reader = new PackStore(dir);
      assert.equal(reader.read('k1')?.toString(), 'first entry');
      assert.equal(reader.read('k2'), null);
    });
  });

  it('serves an older location of a key when the newest no longer reads', () => {
    withDir((dir) => {
      const older = new PackStore(dir).append('k', Buffer.from('good entry'));
      assert.ok(older);
      PackStore.writeIndex(dir, [['k', older]]);
      const newer = new PackStore(dir).append('k', Buffer.from('BAD! entry'));
      assert.ok(newer);
      PackStore.writeIndex(dir, [['k', newer]]);
      const reader = new PackStore(dir);
      assert.equal(reader.read('k')?.toString(), 'BAD! entry', 'the newest first');
      assert.equal(reader.read('k', (b) => !b.toString().startsWith('BAD'))?.toString(), 'good entry');
      assert.equal(reader.read('k', () => false), null);
    });
  });
});
