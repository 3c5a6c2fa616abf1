// Classes lockdep keys per type of the object's owner: a filesystem's inodes and super_blocks
// (filesystem-classes.ts), a protocol's sockets (socket-classes.ts). Lockdep tells an ext4
// inode's `i_rwsem` from an ocfs2 inode's, and a unix socket's `sk_callback_lock` from a TCP
// socket's; the analysis names each pair one class. An edge of such a class records the owner
// whose code holds `from` and waits for `to` (the deepest frame of its path in that owner's own
// directory), and a cycle needs the holder and the waiter of each such class to agree.
import type { DepEdge } from '../deadlock/types.js';
import { filesystemOf, isPerFilesystemClass, ON_BLOCK_DEVICE } from './filesystem-classes.js';
import { familiesOf, isFamilyOwner, isPerFamilyClass, shareFamily } from './socket-classes.js';

export function isPerOwnerClass(cls: string): boolean {
  return isPerFilesystemClass(cls) || isPerFamilyClass(cls);
}

/** The owner whose own objects `file`'s code locks with class `cls`, or null for shared code. */
export function ownerOf(file: string, cls: string): string | null {
  return isPerFamilyClass(cls) ? familiesOf(file) : filesystemOf(file, cls);
}

/**
 * Whether a cycle's CPUs can lock one owner's objects: each per-owner class held and awaited by
 * the same one. `deviceless()` names the filesystems a device lookup never finds.
 */
export function sameOwners(edges: readonly Pick<DepEdge, 'heldIn' | 'awaitedIn'>[], deviceless: () => ReadonlySet<string>): boolean {
  return edges.every((e, i) => waitsInHoldersOwner(e, edges[(i + 1) % edges.length] as Pick<DepEdge, 'heldIn'>, deviceless));
}

/** Whether the CPU of `waiter` can wait for the object the CPU of `holder` holds, as owners tell. */
export function waitsInHoldersOwner(waiter: Pick<DepEdge, 'awaitedIn'>, holder: Pick<DepEdge, 'heldIn'>, deviceless: () => ReadonlySet<string>): boolean {
  return !waiter.awaitedIn || !holder.heldIn || oneOwner(waiter.awaitedIn, holder.heldIn, deviceless);
}

function oneOwner(a: string, b: string, deviceless: () => ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (isFamilyOwner(a) && isFamilyOwner(b)) return shareFamily(a, b);
  if (a === ON_BLOCK_DEVICE) return !deviceless().has(b);
  if (b === ON_BLOCK_DEVICE) return !deviceless().has(a);
  return false;
}
