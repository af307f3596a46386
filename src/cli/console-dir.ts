import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/**
 * The built web console (`npm run build` writes `dist/web`), under the package root, so the
 * compiled CLI and the sources agree; undefined when not built.
 */
export function consoleDir(root = packageRoot()): string | undefined {
  if (root === undefined) return undefined;
  const dir = join(root, 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
