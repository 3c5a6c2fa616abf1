// Lock classes lockdep keys per filesystem type, as data. `inode_init_always()` and
// `alloc_super()` give an inode's `i_rwsem`, `i_lock` and `invalidate_lock` and a super_block's
// `s_umount` the keys of their `file_system_type` (`i_mutex_key`, `s_umount_key`, …), so an ext4
// inode's lock and an ocfs2 inode's are two classes. The analysis names both `inode.i_rwsem` and
// tells them apart by the code that locks them: an edge of such a class records the filesystem
// whose own code (the deepest frame in its directory) holds or waits for it, and a cycle needs
// one filesystem on both sides of each such class.
import type { DepEdge } from '../deadlock/types.js';

/** Classes keyed per `file_system_type`. */
const PER_FILESYSTEM_CLASSES = new Set([
  'inode.i_rwsem', 'inode.i_lock', 'address_space.invalidate_lock', 'super_block.s_umount', 'super_block.s_vfs_rename_mutex',
]);

/**
 * Directories under `fs/` that are not one filesystem type's own code: libraries every
 * filesystem calls (quota, iomap, crypto, journalling) and stacking code that locks the objects
 * of the filesystems below it (overlayfs, cachefiles, nfsd, ksmbd).
 */
const SHARED_FS_DIRS = new Set([
  'quota', 'iomap', 'crypto', 'verity', 'netfs', 'fscache', 'cachefiles', 'overlayfs', 'ecryptfs', 'nfsd', 'exportfs',
  'notify', 'jbd2', 'lockd', 'nfs_common', 'nls', 'unicode', 'dlm',
]);

/** Directories one filesystem type spans: sysfs is kernfs; `fs/smb/server` (ksmbd) stacks on others. */
const FS_DIR_OWNER: Readonly<Record<string, string | null>> = { sysfs: 'kernfs', 'smb/server': null, 'smb/common': null };

/**
 * The filesystem type whose own objects `file`'s code locks with class `cls`, or null for shared
 * code (`fs/*.c`, `mm/`). `block/` locks block-device inodes (the bdev pseudo-filesystem's), but
 * the super_blocks it finds for a device are the filesystem's mounted on it.
 */
export function filesystemOf(file: string, cls: string): string | null {
  if (file.startsWith('block/')) return cls === 'super_block.s_umount' ? null : 'bdev';
  const m = /^fs\/([^/]+)\/(?:([^/]+)\/)?/.exec(file);
  if (!m) return null;
  const dir = m[1] as string;
  const sub = m[2] ? `${dir}/${m[2]}` : '';
  for (const key of [sub, dir]) if (Object.prototype.hasOwnProperty.call(FS_DIR_OWNER, key)) return FS_DIR_OWNER[key] ?? null;
  return SHARED_FS_DIRS.has(dir) ? null : dir;
}

export function isPerFilesystemClass(cls: string): boolean {
  return PER_FILESYSTEM_CLASSES.has(cls);
}

/** Whether a cycle's CPUs can lock one filesystem's objects: each per-filesystem class held and awaited in the same one. */
export function sameFilesystems(edges: readonly Pick<DepEdge, 'heldIn' | 'awaitedIn'>[]): boolean {
  return edges.every((e, i) => {
    const holder = edges[(i + 1) % edges.length] as Pick<DepEdge, 'heldIn'>;
    return !e.awaitedIn || !holder.heldIn || e.awaitedIn === holder.heldIn;
  });
}
