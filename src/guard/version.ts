import { getCedarVersion } from './cedar.js';

/** The Cedar language version of the embedded engine. */
export function cedarVersion(): string {
  return getCedarVersion();
}
