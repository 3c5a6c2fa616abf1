// The stat-keyed tree index: a later run learns every facts key and read problem from stats
// alone, and any doubt (changed, racy, missing, damaged) sends it back to reading the tree.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectFacts } from '../src/facts/collect.js';
import { lookupTreeKeys, RACY_MS } from '../src/source/tree-index.js';

const base = mkdtempSync(path.join(tmpdir(), 'kdeadlock-tree-index-'));
after(() => rmSync(base, { recursive: true, force: true }));

const GOOD = 'DEFINE_SPINLOCK(a_lock);\nvoid one(void)\n{\n\tspin_lock(&a_lock);\n\tspin_unlock(&a_lock);\n}\n';
const OLD_SECONDS = Math.floor(Date.now() / 1000) - 10;
const FILES = ['include/linux/x.h', 'kernel/a.c', 'kernel/bad.c', 'kernel/binary.c', 'kernel/latin1.c'];

/** A small tree with one file of each kind a read can go wrong in. */
function makeTree(name: string): string {
  const root = path.join(base, name);
  mkdirSync(path.join(root, 'kernel'), { recursive: true });
  mkdirSync(path.join(root, 'include/linux'), { recursive: true });
  writeFileSync(path.join(root, 'include/linux/x.h'), 'struct x { int y; };\n');
  writeFileSync(path.join(root, 'kernel/a.c'), GOOD);
  writeFileSync(path.join(root, 'kernel/bad.c'), '}}}} int ((( [ static void )( {{ ;;; \n#if\nvoid ok(void) { spin_lock(&a_lock); }\n');
  writeFileSync(path.join(root, 'kernel/binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  writeFileSync(path.join(root, 'kernel/latin1.c'), Buffer.concat([Buffer.from('/* J\xf6rg */\n', 'latin1'), Buffer.from(GOOD)]));
  // Whole seconds in the past: a test can put an mtime back exactly (utimes rounds sub-ms times).
  for (const f of FILES) utimesSync(path.join(root, f), OLD_SECONDS, OLD_SECONDS);
  return root;
}

let caches = 0;
const newCache = (): string => path.join(base, `cache-${caches++}`);

const trees = new Map(['shared', 'changed', 'same-size', 'racy', 'override', 'deleted'].map((n) => [n, makeTree(n)]));
const tree = (name: string): string => trees.get(name) as string;

// Setting mtimes back is not enough: utimes sets ctime to now, and ctime counts too. So every
// tree is built first and the racy window waited out once, for all tests.
before(() => new Promise((resolve) => setTimeout(resolve, RACY_MS + 200)));

describe('tree index', () => {
  for (const jobs of [1, 2]) {
    it(`gives the keys and problems collectFacts gave (jobs ${jobs})`, async () => {
      const cacheDir = newCache();
      const collected = await collectFacts(tree('shared'), FILES, { jobs, cacheDir });
      const looked = await lookupTreeKeys(tree('shared'), FILES, cacheDir);
      assert.ok(looked);
      assert.deepEqual(looked.keys, collected.keys);
      assert.deepEqual(looked.problems, collected.problems);
      assert.deepEqual(looked.problems.map((p) => `${p.file} ${p.kind}`), ['kernel/bad.c parse-error', 'kernel/binary.c binary', 'kernel/latin1.c not-utf8']);
      assert.equal(looked.keys.has('kernel/binary.c'), false);
    });
  }

  it('does not change what collectFacts returns', async () => {
    const without = await collectFacts(tree('shared'), FILES, { jobs: 1, cacheDir: null });
    const withIndex = await collectFacts(tree('shared'), FILES, { jobs: 1, cacheDir: newCache() });
    const view = (c: typeof without): unknown => ({ files: JSON.parse(JSON.stringify(c.files)) as unknown, problems: c.problems, keys: c.keys });
    assert.deepEqual(view(withIndex), view(without));
  });

  it('returns problems in the order of the files asked for', async () => {
    const cacheDir = newCache();
    await collectFacts(tree('shared'), FILES, { jobs: 1, cacheDir });
    const looked = await lookupTreeKeys(tree('shared'), [...FILES].reverse(), cacheDir);
    assert.deepEqual(looked?.problems.map((p) => p.file), ['kernel/latin1.c', 'kernel/binary.c', 'kernel/bad.c']);
  });

  it('gives null once a file changed, also after collecting it again within the racy window', async () => {
    const root = tree('changed');
    const cacheDir = newCache();
    await collectFacts(root, FILES, { jobs: 1, cacheDir });
    writeFileSync(path.join(root, 'kernel/a.c'), `${GOOD}/* more */\n`);
    const old = new Date(Date.now() - 10_000);
    utimesSync(path.join(root, 'kernel/a.c'), old, old);
    assert.equal(await lookupTreeKeys(root, FILES, cacheDir), null);
    // The rewrite left ctime within the racy window: not recorded yet.
    await collectFacts(root, FILES, { jobs: 1, cacheDir });
    assert.equal(await lookupTreeKeys(root, FILES, cacheDir), null);
  });

  it('catches a same-size rewrite that kept the old mtime (ctime)', async () => {
    const root = tree('same-size');
    const file = path.join(root, 'kernel/a.c');
    const cacheDir = newCache();
    await collectFacts(root, FILES, { jobs: 1, cacheDir });
    const old = statSync(file);
    writeFileSync(file, GOOD.replace('one', 'two'));
    utimesSync(file, OLD_SECONDS, OLD_SECONDS);
    assert.equal(statSync(file).mtimeMs, old.mtimeMs);
    assert.equal(statSync(file).size, old.size);
    assert.equal(await lookupTreeKeys(root, FILES, cacheDir), null);
  });

  it('does not record a file changed within the racy window', async () => {
    const root = tree('racy');
    const cacheDir = newCache();
    writeFileSync(path.join(root, 'kernel/new.c'), GOOD);
    const all = [...FILES, 'kernel/new.c'];
    await collectFacts(root, all, { jobs: 1, cacheDir });
    assert.equal(await lookupTreeKeys(root, all, cacheDir), null);
    assert.ok(await lookupTreeKeys(root, FILES, cacheDir));
  });

  it('does not record overridden contents (they are not on disk)', async () => {
    const root = tree('override');
    const cacheDir = newCache();
    await collectFacts(root, FILES, { jobs: 1, cacheDir, overrides: new Map([['kernel/a.c', `${GOOD}\n`]]) });
    assert.equal(await lookupTreeKeys(root, ['kernel/a.c'], cacheDir), null);
    assert.ok(await lookupTreeKeys(root, FILES.filter((f) => f !== 'kernel/a.c'), cacheDir));
  });

  it('gives null, never throws, on a damaged index', async () => {
    const cacheDir = newCache();
    await collectFacts(tree('shared'), FILES, { jobs: 1, cacheDir });
    const index = indexFile(cacheDir);
    const stored = JSON.parse(readFileSync(index, 'utf8')) as { key: string; value: { entries: Record<string, unknown> } };
    writeFileSync(index, JSON.stringify({ key: stored.key, value: { entries: { ...stored.value.entries, 'kernel/a.c': 'junk' } } }));
    assert.equal(await lookupTreeKeys(tree('shared'), FILES, cacheDir), null);
    writeFileSync(index, JSON.stringify({ key: stored.key, value: null }));
    assert.equal(await lookupTreeKeys(tree('shared'), FILES, cacheDir), null);
    writeFileSync(index, '{"key": "trunc');
    assert.equal(await lookupTreeKeys(tree('shared'), FILES, cacheDir), null);
    // And the next collect writes a good one again.
    await collectFacts(tree('shared'), FILES, { jobs: 1, cacheDir });
    assert.ok(await lookupTreeKeys(tree('shared'), FILES, cacheDir));
  });

  it('gives null for a file it never saw, a file now gone, or no index at all', async () => {
    const root = tree('deleted');
    const cacheDir = newCache();
    assert.equal(await lookupTreeKeys(root, FILES, cacheDir), null);
    await collectFacts(root, FILES, { jobs: 1, cacheDir });
    assert.equal(await lookupTreeKeys(root, [...FILES, 'kernel/nope.c'], cacheDir), null);
    unlinkSync(path.join(root, 'kernel/a.c'));
    assert.equal(await lookupTreeKeys(root, FILES, cacheDir), null);
  });
});

/** The one index file of a cache directory (one root per cache in these tests). */
function indexFile(cacheDir: string): string {
  const found = readdirSync(path.join(cacheDir, 'trees'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  assert.equal(found.length, 1);
  return path.join(cacheDir, 'trees', found[0] as string);
}
