// Which files a scan reads: another architecture's directories stay out, wherever they live.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverFiles } from '../src/source/discover.js';

const root = mkdtempSync(path.join(tmpdir(), 'kdeadlock-discover-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

put('arch/x86/Makefile', 'core-y += arch/x86/\ndrivers-$(CONFIG_PCI) += drivers/frobpci/\n');
put('arch/x86/kernel/setup.c', 'void setup(void) {}\n');
// Only s390 builds drivers/s390; both build drivers/frobpci.
put('arch/s390/Makefile', 'drivers-y\t+= drivers/s390/\ndrivers-y += drivers/frobpci/ $(objtree)/drivers/firmware/\n');
put('arch/s390/kernel/setup.c', 'void setup(void) {}\n');
put('drivers/s390/char/sclp.c', 'void sclp_init(void) {}\n');
put('drivers/frobpci/bus.c', 'void frob_bus(void) {}\n');
put('drivers/net/frob.c', 'void frob(void) {}\n');

describe('discovery', () => {
  it('leaves out what only another architecture builds: its arch/ directory and the directories its Makefile adds', async () => {
    const { files } = await discoverFiles({ root, paths: [], arch: 'x86' });
    assert.deepEqual(files, ['arch/x86/kernel/setup.c', 'drivers/frobpci/bus.c', 'drivers/net/frob.c']);
  });

  it('keeps them for that architecture', async () => {
    const { files } = await discoverFiles({ root, paths: ['drivers'], arch: 's390' });
    assert.deepEqual(files, ['drivers/frobpci/bus.c', 'drivers/net/frob.c', 'drivers/s390/char/sclp.c']);
  });
});
