// The parser threads' pool: a thread that hangs on a file or dies costs that file only; the
// rest of the tree is parsed, and the failures are reported as problems of their files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { collectFacts } from '../src/facts/collect.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-pool-'));
after(() => rmSync(work, { recursive: true, force: true }));

const GOOD = 'static int f(void)\n{\n\treturn 0;\n}\n';

describe('parser pool', () => {
  it('reports a file that hangs its thread and one whose thread dies, and parses the others', async () => {
    const root = path.join(work, 'tree');
    mkdirSync(path.join(root, 'kernel'), { recursive: true });
    const files = ['kernel/a.c', 'kernel/spins.c', 'kernel/b.c', 'kernel/exits.c', 'kernel/c.c', 'kernel/d.c'];
    for (const f of files) writeFileSync(path.join(root, f), GOOD);
    // A file's budget runs from its submission and so takes in a thread's start-up (the grammar's
    // wasm): 10 s, not less, or a loaded machine times out the good files too.
    const collected = await collectFacts(root, files, {
      jobs: 2, cacheDir: null, fileTimeoutMs: 10_000, taskModule: new URL('./support/faulty-parse-task.mjs', import.meta.url),
    });
    assert.deepEqual(collected.files.map((f) => f.path), ['kernel/a.c', 'kernel/b.c', 'kernel/c.c', 'kernel/d.c']);
    assert.deepEqual(collected.problems.map((p) => [p.file, p.kind]), [['kernel/spins.c', 'parse-error'], ['kernel/exits.c', 'parse-error']]);
    assert.match(collected.problems[0]?.message ?? '', /took longer than 10 s/);
    assert.match(collected.problems[1]?.message ?? '', /parser thread failed/);
  });
});
