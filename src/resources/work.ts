// Work items as a wait kind, the way lockdep has them: a worker runs a work item's function
// holding the item's map (`process_one_work()`), and `flush_work()` / `cancel_work_sync()`
// take and drop that map before they wait (`__flush_work()`). A flusher that holds a lock the
// function takes waits for a function that waits for it. The item is named by the place that
// holds it (`struct.field`, or a global), as lock classes are; lockdep keys it by its
// `INIT_WORK()` site, so a field bound to several functions here is every one of them.

/** Lockdep's own name for a work item's map, which its reports print. */
const PREFIX = '(work_completion)';

/**
 * Links from a function to the flush it waits in, at most (the flush itself and two calls):
 * deeper, a flush is mostly a teardown reached through puts and releases whose state (the last
 * reference, a device's mode, a connection already closing) decides whether it runs, which the
 * analysis cannot see. Of the cycles found on 6.1's fs, block, net and drivers, every one whose
 * flush was deeper was a false positive (rbd's parent release, SMC's connection teardown).
 */
export const MAX_FLUSH_CHAIN = 3;

/** The resource of work item `item` (`frob_dev.reset_work`). */
export function workResource(item: string): string {
  return `${PREFIX}${item}`;
}

/** The work item a resource is, or null for any other resource. */
export function workItemOf(resource: string): string | null {
  return resource.startsWith(PREFIX) ? resource.slice(PREFIX.length) : null;
}

/** How a CPU running the item reads in a report. */
export function runsWorkPhrase(item: string): string {
  return `runs work item ${item}`;
}

/** How a CPU flushing the item reads in a report. */
export function flushesWorkPhrase(item: string): string {
  return `waits for work item ${item} to finish (flush)`;
}
