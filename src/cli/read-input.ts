import { readFileSync } from 'node:fs';
import { UsageError } from './exit.js';

/** A file a flag names, as text; one that cannot be read is a usage error naming it (exit 2). */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
  }
}

/** A whole-number flag (a size, an index): at most 15 digits, so it is a safe integer. */
export function wholeNumber(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new UsageError(`${what} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}
