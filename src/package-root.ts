// The directory of the package.json above this module (src/ or dist/src/): where grammars/,
// docs/checks/ and the HTML report's assets are found at run time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The package root; null when no package.json is above this module. */
export function packageRoot(): string | null {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    dir = path.dirname(dir);
  }
  return null;
}
