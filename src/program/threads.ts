// Which functions may run on the thread kept at a place (`ha->dpc_thread = kthread_create(
// qla2x00_do_dpc, …)`, program/waits.ts names it `qla_hw_data.dpc_thread`): the thread's function
// and every function it calls, as the call graph has them. Any other function runs on another
// task, so `current == ha->dpc_thread` is false there (models/current-thread.ts), provided the
// place holds no other task: every store into it must be a thread started for it
// (`keepsOnlyThreads`; `d->owner = current` elsewhere would make it any task). A function the
// thread reaches only through a pointer the call graph does not resolve is not seen.
import { waitResource } from '../resources/waits.js';
import type { FnId } from './program.js';

export class ThreadReach {
  private readonly memo = new Map<string, ReadonlySet<FnId> | null>();

  /**
   * `asked`: the places asked about, kept with the analysis (a summary image has them) so that a
   * check-patch can tell which functions a patched call graph puts on or off a thread.
   */
  constructor(
    private readonly callGraph: readonly FnId[][],
    private readonly runs: ReadonlyMap<FnId, readonly string[]>,
    readonly asked: Set<string>,
    private readonly keepsOnlyThreads: (place: string) => boolean = () => true,
  ) {}

  /**
   * The functions that may run on the thread kept at `place`, or null when the program starts no
   * thread kept there, or something else may be kept there.
   */
  runningOn(place: string): ReadonlySet<FnId> | null {
    this.asked.add(place);
    const known = this.memo.get(place);
    if (known !== undefined) return known;
    const run = waitResource('kthread', place);
    const starts = [...this.runs].flatMap(([fn, runs]) => (runs.includes(run) ? [fn] : []));
    const reached = starts.length > 0 && this.keepsOnlyThreads(place) ? new Set<FnId>(starts) : null;
    for (const fn of reached ?? []) for (const callee of this.callGraph[fn] ?? []) reached?.add(callee);
    this.memo.set(place, reached);
    return reached;
  }
}
