// Deadlocks of Linux 6.1 that 6.12 fixed (docs/history.md): each is found on 6.1 and gone on
// 6.12, scanning the directories it lives in with Debian's config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding, Report } from '../src/report/types.js';
import { scan } from '../src/scan.js';
import { parseKconfig } from '../src/source/kconfig.js';
import { fetchKernel } from './support.js';

interface Fix {
  /** The upstream commit's title (docs/history.md), as Debian's changelogs list it. */
  title: string;
  dirs: string[];
  /** The finding on 6.1. */
  matches: (f: Finding) => boolean;
}

const functionsOf = (f: Finding): string[] => f.cpus.flatMap((c) => c.chain.map((s) => s.function));
const holds = (f: Finding, cls: string): boolean => f.resources.includes(cls);
const through = (f: Finding, fn: string): boolean => functionsOf(f).includes(fn);

export const FIXES: readonly Fix[] = [
  {
    title: 'udf: avoid recursive s_alloc_mutex deadlock when freeing AED blocks',
    dirs: ['fs/udf'],
    matches: (f) => f.rule === 'recursive-locking' && holds(f, 'udf_sb_info.s_alloc_mutex') && through(f, 'udf_delete_aext'),
  },
  {
    title: 'netrom: use a single lock for the node and neighbour lists',
    dirs: ['net/netrom'],
    matches: (f) => f.rule === 'lock-cycle' && holds(f, 'nr_neigh_list_lock') && holds(f, 'nr_node_list_lock'),
  },
  {
    title: 'netrom: use a single lock for the node and neighbour lists (the per-node lock)',
    dirs: ['net/netrom'],
    matches: (f) => f.rule === 'lock-cycle' && holds(f, 'nr_neigh_list_lock') && holds(f, 'nr_node.node_lock'),
  },
  {
    title: 'super: fix emergency thaw deadlock on frozen block devices',
    dirs: ['fs/super.c', 'fs/buffer.c', 'block/bdev.c'],
    matches: (f) => f.rule === 'lock-cycle' && holds(f, 'block_device.bd_fsfreeze_mutex') && holds(f, 'super_block.s_umount') && through(f, 'do_thaw_all_callback'),
  },
  {
    title: 'ASoC: rt5640: Fix sleep in atomic context',
    dirs: ['sound/soc/codecs/rt5640.c'],
    matches: (f) => f.rule === 'sleep-in-atomic' && through(f, 'rt5640_irq'),
  },
  {
    // Upstream 12d1e301bdfd (v6.8, before 6.12.0: no Debian changelog lists it).
    title: 'cifs: do not let cifs_chan_update_iface deallocate channels',
    dirs: ['fs/smb/client'],
    matches: (f) => f.rule === 'recursive-locking' && holds(f, 'cifs_tcp_ses_lock') && through(f, 'cifs_chan_update_iface'),
  },
  {
    // Upstream 2700b7e603af (2026), in 6.12 stable by 6.12.117; Debian's 6.1.176 does not have it.
    title: 'net/mlx5: DR, Fix circular locking dependency in dump',
    dirs: ['drivers/net/ethernet/mellanox/mlx5/core/steering'],
    matches: (f) => f.rule === 'lock-cycle' && holds(f, 'mlx5dr_dbg_dump_info.dbg_mutex') && through(f, 'dr_dump_domain_all'),
  },
  {
    // Mainline v6.2, KVM x86 PMU rework (Like Xu): no Debian changelog lists it, and the exact
    // commit was not checked offline, so the label says what changed (docs/history.md).
    title: 'KVM: x86/pmu: counters reprogrammed on a KVM_REQ_PMU request, not in the irqs-off fastpath',
    dirs: ['arch/x86/kvm', 'kernel/events'],
    matches: (f) => f.rule === 'sleep-in-atomic' && through(f, 'kvm_pmu_incr_counter') && through(f, 'perf_event_pause'),
  },
  {
    // Mainline v6.7 (the wdev mutex removal): pmsr_free_wk became a wiphy_work and wdev->mtx
    // went; the exact commit was not checked offline, so the label says what changed (docs/history.md).
    title: 'wifi: cfg80211: peer-measurement cleanup runs as wiphy work, without the wdev mutex',
    dirs: ['net/wireless'],
    matches: (f) => f.rule === 'wait-cycle' && holds(f, 'wireless_dev.mtx') && through(f, 'cfg80211_pmsr_free_wk'),
  },
  {
    // 6.12.109 stable (Debian 6.12.111-1). The worker is mt7615's own: several chips' code binds
    // the field, and the flush waits for the item registered nearest it.
    title: 'wifi: mt76: mt7615: avoid waiting for mac work under the mt76 mutex',
    dirs: ['drivers/net/wireless/mediatek/mt76'],
    matches: (f) => f.rule === 'wait-cycle' && holds(f, 'mt76_dev.mutex') && through(f, 'mt7615_suspend') && through(f, 'mt7615_mac_work'),
  },
];

const reports = new Map<string, Promise<Report>>();

function scanDirs(version: string, dirs: string[]): Promise<Report> {
  const key = `${version} ${dirs.join(' ')}`;
  let report = reports.get(key);
  if (!report) {
    const root = fetchKernel('fetch-kernel.sh', version);
    const config = fetchKernel('fetch-config.sh', version);
    report = scan({ root, paths: dirs, arch: 'x86', config: { path: path.basename(config), values: parseKconfig(readFileSync(config, 'utf8'), config) } }, {});
    reports.set(key, report);
  }
  return report;
}

describe('deadlocks 6.12 fixed: found on 6.1, gone on 6.12', () => {
  for (const fix of FIXES) {
    it(fix.title, { timeout: 20 * 60_000 }, async () => {
      const before = (await scanDirs('6.1', fix.dirs)).findings.filter(fix.matches);
      const after = (await scanDirs('6.12', fix.dirs)).findings.filter(fix.matches);
      assert.ok(before.length > 0, `6.1 ${fix.dirs.join(' ')}: the finding`);
      assert.equal(after.length, 0, `6.12 ${fix.dirs.join(' ')}: gone`);
    });
  }
});
