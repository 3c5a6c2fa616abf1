// Resources read back from their names (resources/), and the run kinds' model rows (models/runs.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../src/models/kernel-api.js';
import { PLACE_ARGUMENT, RUN_BINDINGS, runBindingOf } from '../src/models/runs.js';
import { cycleBoundOf, kindOf, resourceOf, throughKind } from '../src/resources/resource.js';
import { RUN_MODELS, runOf, runResource } from '../src/resources/runs.js';
import { HARDIRQ, IPI, SLEEP } from '../src/summaries/domain.js';

describe('resources', () => {
  it('reads a name back as its kind', () => {
    assert.deepEqual(resourceOf('frob_dev.lock'), { kind: 'lock', cls: 'frob_dev.lock' });
    assert.deepEqual(resourceOf(IPI), { kind: 'ipi' });
    assert.deepEqual(resourceOf(SLEEP), { kind: 'sleep' });
    assert.deepEqual(resourceOf('(work_completion)frob_dev.reset_work'), { kind: 'work', place: 'frob_dev.reset_work' });
    assert.deepEqual(resourceOf('(kthread)frob_dev.poll_task'), { kind: 'kthread', place: 'frob_dev.poll_task' });
  });

  it('names every run kind so that its name reads back as it', () => {
    for (const model of RUN_MODELS) {
      const name = runResource(model.kind, 'frob_dev.x');
      assert.equal(kindOf(name), model.kind);
      assert.deepEqual(runOf(name), { model, place: 'frob_dev.x' });
    }
    assert.equal(runOf('frob_dev.lock'), null);
  });

  it('bounds the rings through a hard irq and through a run, not through locks', () => {
    assert.equal(cycleBoundOf(HARDIRQ), 3);
    assert.equal(cycleBoundOf('(kthread)frob_dev.poll_task'), 3);
    assert.equal(cycleBoundOf('frob_dev.lock'), null);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'kthread'), true);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'work'), false);
  });

  it('gives every run kind a binding, a wait and a way to read its place', () => {
    for (const { kind } of RUN_MODELS) {
      assert.ok(Object.values(RUN_BINDINGS).some((b) => b.kind === kind), `${kind}: no binding row`);
      assert.ok(PLACE_ARGUMENT[kind], `${kind}: no place argument`);
    }
    const waits = ['flush_work', 'cancel_delayed_work_sync', 'kthread_stop', 'kthread_park'].map((name) => {
      const model = modelOf(name);
      return model && 'waitsForRun' in model ? model.waitsForRun?.kind : undefined;
    });
    assert.deepEqual(waits, ['work', 'work', 'kthread', 'kthread']);
    assert.deepEqual(runBindingOf('kthread_run'), { kind: 'kthread', fn: 0, place: 'result' });
    assert.equal(runBindingOf('kthread_should_stop'), null);
  });
});
