// Classes lockdep keys per owner of the object: a filesystem type's inodes and super_blocks
// (filesystem-classes.ts), an address family's sockets (socket-classes.ts), one driver's devlink
// instances (below). Lockdep tells an ext4 inode's `i_rwsem` from an ocfs2 inode's, and a unix
// socket's `sk_callback_lock` from a TCP socket's; the analysis names each pair one class. An
// edge of such a class records the owner whose code holds `from` and waits for `to` (the deepest
// frame of its path in that owner's own directory), and a cycle needs the holder and the waiter
// of each such class to agree.
import type { DepEdge } from '../deadlock/types.js';
import { plainName } from '../program/scope.js';
import { filesystemOf, isPerFilesystemClass, ON_BLOCK_DEVICE } from './filesystem-classes.js';
import { familiesOf, isFamilyOwner, isPerFamilyClass, shareFamily } from './socket-classes.js';

/**
 * Locks keyed per instance (`lockdep_register_key(&devlink->lock_key)`, then
 * `lockdep_set_class(&devlink->lock, &devlink->lock_key)`) of objects a driver allocates for its
 * own devices: a cycle through one is one instance's, so one driver's. mlx5's code locks mlx5's
 * devlinks, qed's code qed's; `net/devlink` itself names none.
 */
const PER_DRIVER_INSTANCE_CLASSES = new Set(['devlink.lock']);

/** `struct devlink` is devlink's own (6.1 defines it in a .c file, 6.12 in a private header): its class is scoped. */
const isPerDriverInstanceClass = (cls: string): boolean => PER_DRIVER_INSTANCE_CLASSES.has(plainName(cls));

/**
 * For a class keyed per owner, where a file's code finds the owner of the objects it locks (null
 * for shared code); null for any other class. Decided once per class, asked once per frame.
 */
export function ownerRule(cls: string): ((file: string) => string | null) | null {
  if (isPerDriverInstanceClass(cls)) return driverOf;
  if (isPerFamilyClass(cls)) return familiesOf;
  return isPerFilesystemClass(cls) ? (file) => filesystemOf(file, cls) : null;
}

/**
 * The driver whose code `file` is, as coarse as a vendor's directory so that one vendor's
 * drivers sharing a device (mlx5's core and its Ethernet and eswitch code) count as one:
 * `drivers/net/ethernet/mellanox`, `drivers/net/wireless/ath`; elsewhere `drivers/<class>/<dir>`.
 * Null outside `drivers/`.
 */
function driverOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] !== 'drivers' || parts.length < 4) return null;
  const depth = parts[1] === 'net' && (parts[2] === 'ethernet' || parts[2] === 'wireless') ? 4 : 3;
  return parts.length > depth ? parts.slice(0, depth).join('/') : null;
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
