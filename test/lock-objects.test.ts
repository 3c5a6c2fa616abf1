import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acquiredObjects, embeddingObjects, fieldHop, locksOwnRunObject, waitedRunObjects } from '../src/deadlock/lock-objects.js';
import type { FunctionFacts } from '../src/facts/types.js';
import type { StepKind } from '../src/report/types.js';
import { scan } from '../src/scan.js';
import type { WitnessLink } from '../src/summaries/witness.js';
import { analyzeFiles } from './support/program.js';

const fn = (name: string, params: string[]): FunctionFacts => ({
  name, file: 'drivers/frob/frob.c', line: 1, isStatic: false, conditions: [], body: [], errors: 0,
  params: params.map((p) => ({ name: p, type: { name: 'frob_port', pointer: 1 } })),
} as unknown as FunctionFacts);

// frob_give(port, peer) locks port->lock, then calls frob_take(peer), which locks its own port->lock.
const functions = [fn('frob_give', ['port', 'peer']), fn('frob_take', ['port']), fn('frob_lookup', ['id'])];
const link = (f: number, line: number, text: string, kind: StepKind): WitnessLink => ({ fn: f, line, col: 2, text, kind, next: -1, length: 1 });

describe('the objects of a class taken twice', () => {
  it('carries a parameter up to the frame both chains share', () => {
    const hold = [link(0, 10, 'spin_lock(&port->lock)', 'acquire')];
    const wait = [link(0, 11, 'frob_take(peer)', 'call'), link(1, 20, 'spin_lock_irqsave(&port->lock, flags)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', hold, wait, functions), { k: 'different', held: '&port->lock', taken: '&peer->lock' });
    const self = [link(0, 11, 'frob_take(port)', 'call'), link(1, 20, 'spin_lock(&port->lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', hold, self, functions), { k: 'same', object: '&port->lock' });
  });

  it('compares in the callee when both chains go through the same call', () => {
    const call = link(0, 11, 'frob_take(peer)', 'call');
    const hold = [call, link(1, 20, 'spin_lock(&port->lock)', 'acquire')];
    const wait = [call, link(1, 22, 'spin_lock(&port->lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', hold, wait, functions), { k: 'same', object: '&port->lock' });
  });

  it('cannot tell for a deeper frame\'s own local or a constant the callee replaces; a global is one object', () => {
    const hold = [link(0, 10, 'spin_lock(&port->lock)', 'acquire')];
    const local = [link(0, 11, 'frob_lookup(7)', 'call'), link(2, 30, 'spin_lock(&found->lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', hold, local, functions), { k: 'unknown' });
    const nulled = [link(0, 11, 'frob_take(NULL)', 'call'), link(1, 20, 'spin_lock(&port->lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', hold, nulled, functions), { k: 'unknown' });
    assert.equal(acquiredObjects('frob_list_lock', hold, local, functions).k, 'same');
    const instance = [link(0, 11, 'frob_lookup(7)', 'call'), link(2, 30, 'spin_lock(&frob_root.lock)', 'acquire')];
    const held = [link(0, 10, 'spin_lock(&frob_root.lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_root.lock', held, instance, functions), { k: 'same', object: '&frob_root.lock' });
    // A callee's local named like the struct is not a global instance.
    const namesake = [link(0, 11, 'frob_lookup(7)', 'call'), link(2, 30, 'spin_lock(&frob_port->lock)', 'acquire')];
    assert.deepEqual(acquiredObjects('frob_port.lock', [link(0, 10, 'spin_lock(&frob_port->lock)', 'acquire')], namesake, functions), { k: 'unknown' });
  });

  it('leaves a self-deadlock an error and makes two objects of the class a warning that names them', async () => {
    const report = await scan({ root: 'fixtures/recursive-locking/same-class-twice', paths: [], arch: 'x86' });
    const byClass = new Map(report.findings.map((f) => [f.resources[0], f]));
    const credit = byClass.get('frob_port.credit_lock');
    assert.equal(credit?.severity, 'error');
    assert.equal(credit?.confidence, 1);
    const ports = byClass.get('frob_port.lock');
    assert.equal(ports?.severity, 'warning');
    assert.equal(ports?.confidence, 0.5);
    assert.deepEqual(ports?.reasons, ['may be two objects of the class: &port->lock held, &peer->lock taken']);
  });

  it('makes a flush of another object\'s item under a lock of the same struct a warning that names both', async () => {
    const report = await scan({ root: 'fixtures/wait-cycle/flush-other-object', paths: [], arch: 'x86' });
    const [peer] = report.findings;
    assert.equal(report.findings.length, 1);
    assert.equal(peer?.rule, 'wait-cycle');
    assert.equal(peer?.severity, 'warning');
    assert.deepEqual(peer?.reasons, ["may be two objects: con's lock held, con->peer's item flushed"]);
    const own = await scan({ root: 'fixtures/wait-cycle/flush-under-lock', paths: [], arch: 'x86' });
    assert.deepEqual(own.findings.map((f) => [f.rule, f.severity, f.reasons]), [['wait-cycle', 'error', []]]);
  });

  it('names the field one pointer hop between the held object and the flushed one, and no other relation', () => {
    assert.equal(fieldHop({ k: 'different', held: 'con', taken: 'con->othercon' }), 'othercon');
    assert.equal(fieldHop({ k: 'different', held: 'con', taken: '(con)->othercon' }), 'othercon');
    assert.equal(fieldHop({ k: 'different', held: 'con', taken: 'con->peer->peer' }), null);
    assert.equal(fieldHop({ k: 'different', held: 'con', taken: 'conn->peer' }), null);
    assert.equal(fieldHop({ k: 'different', held: 'con->peer', taken: 'con' }), 'peer');
    assert.equal(fieldHop({ k: 'different', held: 'a->peer', taken: 'b' }), null);
    assert.equal(fieldHop({ k: 'same', object: 'con' }), null);
  });

  it('finds the embedding objects of a held lock and a flushed member, a delayed item\'s work included', () => {
    const hold = [link(0, 10, 'mutex_lock(&port->lock)', 'acquire')];
    const peer = [link(0, 11, 'frob_take(peer)', 'call'), link(1, 20, 'cancel_work_sync(&port->work)', 'wait')];
    assert.deepEqual(embeddingObjects('lock', 'work', hold, peer, functions), { k: 'different', held: 'port', taken: 'peer' });
    const delayed = [link(0, 11, 'frob_take(port)', 'call'), link(1, 20, 'flush_work(&port->poll.work)', 'wait')];
    assert.deepEqual(embeddingObjects('lock', 'poll', hold, delayed, functions), { k: 'same', object: 'port' });
  });

  it('tells a worker that locks its own item\'s object from one whose item may be another', async () => {
    const a = await analyzeFiles({ 'drivers/frob/conn.c': WORKERS });
    const lockIn = (name: string): WitnessLink[] => {
      const id = a.program.functions.findIndex((f) => f.name === name);
      return [link(id, 5, 'mutex_lock(&con->lock)', 'acquire')];
    };
    assert.equal(locksOwnRunObject('lock', 'rwork', lockIn('frob_rx_work'), a.program.functions), true);
    assert.equal(locksOwnRunObject('lock', 'swork', lockIn('frob_rx_work'), a.program.functions), false);
    assert.equal(locksOwnRunObject('lock', 'rwork', lockIn('frob_rx_redirected'), a.program.functions), false);
    assert.equal(locksOwnRunObject('lock', 'rwork', lockIn('frob_rx_looked_up'), a.program.functions), false);
  });

  it('tells a worker that waits for its own item from one that waits for another object\'s', async () => {
    const a = await analyzeFiles({ 'drivers/frob/conn.c': WORKERS });
    const waitIn = (name: string, text: string): WitnessLink[] => [link(a.program.functions.findIndex((f) => f.name === name), 5, text, 'wait')];
    const objects = (name: string, text: string, field = 'rwork'): ReturnType<typeof waitedRunObjects> => waitedRunObjects('work', field, waitIn(name, text), a.program.functions);
    assert.deepEqual(objects('frob_rx_work', 'cancel_work_sync(&con->rwork)'), { k: 'same', object: 'con' });
    assert.deepEqual(objects('frob_rx_work', 'cancel_work_sync(work)'), { k: 'same', object: 'work' });
    assert.deepEqual(objects('frob_rx_work', 'cancel_work_sync(&con->peer->rwork)'), { k: 'different', held: 'con', taken: 'con->peer' });
    assert.deepEqual(objects('frob_poll_work', 'cancel_delayed_work_sync(&con->poll)', 'poll'), { k: 'same', object: 'con' });
    assert.deepEqual(objects('frob_poll_delayed', 'cancel_delayed_work_sync(&con->poll)', 'poll'), { k: 'same', object: 'con' });
    assert.deepEqual(objects('frob_rx_redirected', 'cancel_work_sync(&con->rwork)'), { k: 'unknown' });
    assert.deepEqual(objects('frob_rx_looked_up', 'cancel_work_sync(&con->rwork)'), { k: 'unknown' });
    const stop = (text: string): ReturnType<typeof waitedRunObjects> => waitedRunObjects('kthread', 'thread', waitIn('frob_thread_fn', text), a.program.functions);
    assert.deepEqual(stop('kthread_stop(con->thread)'), { k: 'same', object: 'con' });
    assert.deepEqual(stop('kthread_stop(con->peer->thread)'), { k: 'different', held: 'con', taken: 'con->peer' });
    assert.deepEqual(stop('kthread_stop(frob_default.thread)'), { k: 'unknown' });
  });
});

const WORKERS = `
#include <linux/mutex.h>
#include <linux/workqueue.h>

struct frob_conn {
	struct mutex lock;
	struct work_struct rwork;
	struct work_struct swork;
	struct delayed_work poll;
	struct frob_conn *peer;
	struct task_struct *thread;
};

extern struct frob_conn frob_default;
struct frob_conn *frob_lookup(void);

static void frob_rx_work(struct work_struct *work)
{
	struct frob_conn *con = container_of(work, struct frob_conn, rwork);

	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
}

/* The item handed in is dropped for another: the lock is not the handed item's object's. */
static void frob_rx_redirected(struct work_struct *work)
{
	struct frob_conn *con;

	work = &frob_default.rwork;
	con = container_of(work, struct frob_conn, rwork);
	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
}

static void frob_poll_work(struct work_struct *work)
{
	struct frob_conn *con = container_of(work, struct frob_conn, poll.work);

	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
}

static void frob_poll_delayed(struct work_struct *work)
{
	struct delayed_work *dwork = to_delayed_work(work);
	struct frob_conn *con = container_of(dwork, struct frob_conn, poll);

	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
}

static int frob_thread_fn(void *data)
{
	struct frob_conn *con = data;

	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
	return 0;
}

static void frob_rx_looked_up(struct work_struct *work)
{
	struct frob_conn *con = frob_lookup();

	mutex_lock(&con->lock);
	mutex_unlock(&con->lock);
}
`;
