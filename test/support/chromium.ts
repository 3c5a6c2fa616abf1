// Headless Chromium for the HTML report's tests and bench: Debian's `chromium` package, driven
// by playwright-core (which brings no browser of its own).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.KDEADLOCK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The browser binary, or null when none is installed. */
export function chromiumPath(): string | null {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p)) ?? null;
}

/**
 * Why a browser test cannot run here, or null when it can. On CI (which installs Debian's
 * package) a missing browser is a failure, not a skip.
 */
export function browserMissing(): string | null {
  if (chromiumPath()) return null;
  if (process.env.CI) throw new Error('CI needs Debian\'s chromium package (.ci/run installs it)');
  return 'no Chromium installed (apt-get install chromium)';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium installed');
  // Root in a container has no user namespace for Chromium's sandbox.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
