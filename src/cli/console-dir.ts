import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built web console (`npm run build` writes `dist/web`), found from this module upwards to
 * the package root, so the compiled CLI and the sources agree; undefined when not built.
 */
export function consoleDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  if (existsSync(join(from, 'package.json'))) {
    const dir = join(from, 'dist', 'web');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  }
  const parent = dirname(from);
  return parent === from ? undefined : consoleDir(parent);
}
