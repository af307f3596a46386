import type { Readable } from 'node:stream';

/** The terminal, injected so that tests can run commands in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly stdin: Readable;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdin: process.stdin,
};
