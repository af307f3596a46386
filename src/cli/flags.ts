import { UsageError } from './exit.js';

/** A whole-number flag, or a usage error naming it. */
export function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}
