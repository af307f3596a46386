import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The hash of the detection modules the linked CLI was made from, written into its chunks by
 * the link step (scripts/bundle-cli.ts, esbuild's `define`); absent where the modules run
 * unlinked (the sources, `tsc`'s output), which hash the folder beside them.
 */
declare const WARDEN_DETECTION_CODE: string | undefined;

let codeHash: string | undefined;

/**
 * The running detection code's hash, which a saved state's version carries
 * (`detectionVersion`): any change to a detector or a parameter is a change of code. Linked, the
 * hash of the modules linked, taken when they were; unlinked, of the detect context's modules
 * beside this one (compiled or source, whichever is running).
 */
export function detectionCodeHash(): string {
  codeHash ??=
    typeof WARDEN_DETECTION_CODE === 'string'
      ? WARDEN_DETECTION_CODE
      : hashDetectionModules(fileURLToPath(new URL('../../detect/', import.meta.url)));
  return codeHash;
}

/** SHA-256 over a folder's modules (`.js` or `.ts`, not tests nor declarations), by name. */
export function hashDetectionModules(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(js|ts)$/.test(name) || /\.(test|d)\.[jt]s$/.test(name)) continue;
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(dir, name)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
