// Lock classes lockdep keys per filesystem type, as data. `inode_init_always()` and
// `alloc_super()` give an inode's `i_rwsem`, `i_lock` and `invalidate_lock` and a super_block's
// `s_umount` the keys of their `file_system_type` (`i_mutex_key`, `s_umount_key`, …), so an ext4
// inode's lock and an ocfs2 inode's are two classes. The analysis names both `inode.i_rwsem` and
// tells them apart by the code that locks them: an edge of such a class records the filesystem
// whose own code (the deepest frame in its directory) holds or waits for it, and a cycle needs
// one filesystem on both sides of each such class (owner-classes.ts).

/**
 * Classes keyed per `file_system_type`, and locks of objects that belong to one super_block
 * although lockdep gives them one class: a dquot's `dq_lock` (`dquot->dq_sb`) held by ocfs2's
 * quota code is never the one ext4's code waits for.
 */
const PER_FILESYSTEM_CLASSES = new Set([
  'inode.i_rwsem', 'inode.i_lock', 'address_space.invalidate_lock', 'super_block.s_umount', 'super_block.s_vfs_rename_mutex',
  'dquot.dq_lock',
  // A super_block's freeze levels (`sb_start_write()`, `freeze_super()`): `type->s_writers_key[]`.
  'sb_writers.rw_sem[]',
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
 * The owner of the super_blocks `block/` finds for a device (`fsync_bdev()` → `get_super(bdev)`,
 * which matches `sb->s_bdev`): any filesystem mounted on a block device, not one whose
 * super_blocks have none.
 */
export const ON_BLOCK_DEVICE = '@block-device';

/**
 * Calls that make a filesystem's super_block without a block device (`s_bdev` stays NULL: btrfs's
 * `btrfs_set_super()` calls `set_anon_super()`), and calls that give it one. A filesystem whose
 * code makes the first and never the second is never found by device.
 */
const DEVICELESS_SUPER_CALLS = new Set(['set_anon_super', 'set_anon_super_fc', 'get_tree_nodev', 'mount_nodev', 'get_tree_single', 'mount_single', 'get_tree_keyed', 'mount_pseudo', 'init_pseudo']);
const DEVICE_SUPER_CALLS = new Set(['mount_bdev', 'get_tree_bdev', 'set_bdev_super', 'set_bdev_super_fc', 'setup_bdev_super', 'sget_dev', 'get_tree_mtd', 'mount_mtd']);

/** The filesystems (as `filesystemOf()` names them) whose code makes super_blocks without a block device only. */
export function devicelessFilesystems(functions: Iterable<{ file: string; calls: readonly string[] }>): Set<string> {
  const deviceless = new Set<string>();
  const withDevice = new Set<string>();
  for (const fn of functions) {
    const fs = filesystemOf(fn.file, 'super_block.s_umount');
    if (fs === null || fs === ON_BLOCK_DEVICE) continue;
    for (const call of fn.calls) {
      if (DEVICELESS_SUPER_CALLS.has(call)) deviceless.add(fs);
      if (DEVICE_SUPER_CALLS.has(call)) withDevice.add(fs);
    }
  }
  return new Set([...deviceless].filter((fs) => !withDevice.has(fs)));
}

/**
 * The filesystem type whose own objects `file`'s code locks with class `cls`, or null for shared
 * code (`fs/*.c`, `mm/`). `block/` locks block-device inodes (the bdev pseudo-filesystem's), but
 * the super_blocks it finds for a device are the filesystem's mounted on it.
 */
export function filesystemOf(file: string, cls: string): string | null {
  if (file.startsWith('block/')) return cls === 'super_block.s_umount' ? ON_BLOCK_DEVICE : 'bdev';
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
