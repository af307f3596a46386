import { existsSync } from 'node:fs';
import { CHROMIUM } from '../../scripts/chromium.js';

export { launch } from '../../scripts/chromium.js';

/**
 * Why browser tests cannot run here, or undefined when they can. In CI (CI=true) a missing
 * Chromium is a failure, never a skip: the caller asserts on this.
 */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing (apt-get install -y chromium): browser tests skipped`;
}
