import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root: the first folder holding a `package.json`, from this module upwards, so
 * that the compiled CLI (`dist/src/cli`) and the sources (`src/cli`) find the same one.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  if (existsSync(join(from, 'package.json'))) return from;
  const parent = dirname(from);
  return parent === from ? undefined : packageRoot(parent);
}

/** Warden's version, as its `package.json` says (`0.0.0` if it cannot be read). */
export function wardenVersion(root = packageRoot()): string {
  try {
    const version = (
      JSON.parse(readFileSync(join(root ?? '.', 'package.json'), 'utf8')) as {
        version?: unknown;
      }
    ).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
