// Resources read back from their names (resources/), and the run kinds' model rows (models/waits.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../src/models/kernel-api.js';
import { PLACE_ARGUMENT, RUN_BINDINGS, SIGNALS, runBindingOf, signalOf } from '../src/models/waits.js';
import { cycleBoundOf, kindOf, resourceOf, throughKind } from '../src/resources/resource.js';
import { WAIT_MODELS, waitOf, waitResource } from '../src/resources/waits.js';
import { HARDIRQ, IPI, SLEEP } from '../src/summaries/domain.js';

describe('resources', () => {
  it('reads a name back as its kind', () => {
    assert.deepEqual(resourceOf('frob_dev.lock'), { kind: 'lock', cls: 'frob_dev.lock' });
    assert.deepEqual(resourceOf(IPI), { kind: 'ipi' });
    assert.deepEqual(resourceOf(SLEEP), { kind: 'sleep' });
    assert.deepEqual(resourceOf('(work_completion)frob_dev.reset_work'), { kind: 'work', place: 'frob_dev.reset_work' });
    assert.deepEqual(resourceOf('(kthread)frob_dev.poll_task'), { kind: 'kthread', place: 'frob_dev.poll_task' });
    assert.deepEqual(resourceOf('(completion)frob_dev.fw_done'), { kind: 'completion', place: 'frob_dev.fw_done' });
  });

  it('names every wait kind so that its name reads back as it', () => {
    for (const model of WAIT_MODELS) {
      const name = waitResource(model.kind, 'frob_dev.x');
      assert.equal(kindOf(name), model.kind);
      assert.deepEqual(waitOf(name), { model, place: 'frob_dev.x' });
    }
    assert.equal(waitOf('frob_dev.lock'), null);
  });

  it('bounds the rings through a hard irq and through a run, not through locks', () => {
    assert.equal(cycleBoundOf(HARDIRQ), 3);
    assert.equal(cycleBoundOf('(kthread)frob_dev.poll_task'), 3);
    assert.equal(cycleBoundOf('frob_dev.lock'), null);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'kthread'), true);
    assert.equal(throughKind(['frob_dev.lock', '(kthread)t'], 'work'), false);
  });

  it('gives every wait kind its event side (a binding or a signal), a wait and a way to read its place', () => {
    for (const { kind } of WAIT_MODELS) {
      const events = [...Object.values(RUN_BINDINGS), ...Object.values(SIGNALS)];
      assert.ok(events.some((b) => b.kind === kind), `${kind}: no binding or signal row`);
      assert.ok(PLACE_ARGUMENT[kind], `${kind}: no place argument`);
    }
    const waits = ['flush_work', 'cancel_delayed_work_sync', 'kthread_stop', 'kthread_park', 'wait_for_completion', 'wait_for_completion_timeout'].map((name) => {
      const model = modelOf(name);
      return model && 'waitsOn' in model ? model.waitsOn?.kind : undefined;
    });
    // A wait that times out returns by itself: a sleep, no wait for the event.
    assert.deepEqual(waits, ['work', 'work', 'kthread', 'kthread', 'completion', undefined]);
    assert.deepEqual(signalOf('complete_all'), { kind: 'completion', arg: 0 });
    assert.deepEqual(runBindingOf('kthread_run'), { kind: 'kthread', fn: 0, place: 'result' });
    assert.equal(runBindingOf('kthread_should_stop'), null);
  });
});
