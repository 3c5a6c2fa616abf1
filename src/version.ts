// The tool's version, read from the package.json above this module (src/ or dist/src/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function toolVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      cached = (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
      return cached;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
