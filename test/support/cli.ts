// The command line as users run it, from the sources: exit code, stdout, stderr.
import { spawnSync } from 'node:child_process';

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs `kdeadlock ARGS…` with its cache in `cacheDir`, colour off. */
export function runCli(cacheDir: string, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KDEADLOCK_CACHE: cacheDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
