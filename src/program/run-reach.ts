// Which functions may run as the run kept at a place (`ha->dpc_thread = kthread_create(
// qla2x00_do_dpc, …)`, program/waits.ts names it `(kthread)qla_hw_data.dpc_thread`; a work item
// `INIT_WORK(&priv->tx_timeout_work, …)`): the run's functions and every function they call, as the
// call graph has them. Any other function runs on another task, so `current == ha->dpc_thread` and
// `current_work() == &priv->tx_timeout_work` are false there (models/current-run.ts), provided
// the place holds no other task: every store into a thread's place must be a thread started for it
// (`keepsOnlyRuns`; `d->owner = current` elsewhere would make it any task). A function the run
// reaches only through a pointer the call graph does not resolve is not seen.
import type { FnId } from './program.js';

export class RunReach {
  private readonly memo = new Map<string, ReadonlySet<FnId> | null>();
  private called: Set<FnId> | undefined;

  /**
   * `asked`: the runs asked about (resource names), kept with the analysis (a summary image has
   * them) so that a check-patch can tell which functions a patched call graph puts on or off a run.
   */
  constructor(
    private readonly callGraph: readonly FnId[][],
    private readonly runs: ReadonlyMap<FnId, readonly string[]>,
    readonly asked: Set<string>,
    private readonly keepsOnlyRuns: (run: string) => boolean = () => true,
  ) {}

  /**
   * The runs `fn` is only ever entered as: the runs it is registered for, when no call in the
   * program names it (its address is handed to `INIT_WORK()` or `kthread_run()`, not called).
   */
  enteredOnlyAs(fn: FnId): readonly string[] {
    if (!this.called) {
      this.called = new Set();
      this.callGraph.forEach((callees, caller) => { for (const c of callees) if (c !== caller) this.called?.add(c); });
    }
    return this.called.has(fn) ? [] : this.runs.get(fn) ?? [];
  }

  /**
   * The functions that may run as `run` (a run's resource name), or null when the program starts
   * no such run, or something else may be kept in its place.
   */
  runningOn(run: string): ReadonlySet<FnId> | null {
    this.asked.add(run);
    const known = this.memo.get(run);
    if (known !== undefined) return known;
    const starts = [...this.runs].flatMap(([fn, runs]) => (runs.includes(run) ? [fn] : []));
    const reached = starts.length > 0 && this.keepsOnlyRuns(run) ? new Set<FnId>(starts) : null;
    for (const fn of reached ?? []) for (const callee of this.callGraph[fn] ?? []) reached?.add(callee);
    this.memo.set(run, reached);
    return reached;
  }
}
