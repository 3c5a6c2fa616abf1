// sleep-in-atomic's reports: one per sleeping call, however many atomic sections reach it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scan } from '../src/scan.js';

describe('sleep-in-atomic', () => {
  it('reports a sleeping call once, with the shortest chain and a count of the other atomic sections', async () => {
    const report = await scan({ root: 'fixtures/sleep-in-atomic/shared-helper', paths: [], arch: 'x86' });
    const sleeps = report.findings.filter((f) => f.rule === 'sleep-in-atomic');
    assert.equal(sleeps.length, 1);
    const [finding] = sleeps;
    assert.deepEqual(finding?.cpus[0]?.chain.map((s) => s.function), ['quux_reset', 'quux_reset', 'quux_write_settled']);
    assert.deepEqual(finding?.reasons, ['the same call is reached from 1 other atomic section: in quux_count_reset()']);
  });

  it('names the cause: a lock, irqs disabled, a hard-irq handler or softirq context', async () => {
    const report = await scan({ root: 'fixtures/sleep-in-atomic/under-spinlock', paths: [], arch: 'x86' });
    const causes = report.findings.map((f) => f.resources[0]).sort();
    assert.deepEqual(causes, ['HARDIRQ', 'SOFTIRQ', 'frob_dev.lock', 'frob_dev.lock', 'frob_dev.lock', 'frob_events_lock']);
    assert.ok(report.findings.every((f) => f.resources[1] === 'SLEEP'));
  });
});
