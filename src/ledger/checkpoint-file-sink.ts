/**
 * Checkpoint sinks on a file system: one append-only log file (the default, beside the keys)
 * and a directory of one file per checkpoint (for a mounted volume another team holds, or a
 * write-once bucket).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { CheckpointSink } from './checkpoint-sink.js';
import { parseCheckpoint } from './checkpoint.js';

/**
 * Appends each note, then an empty line, to one file opened in append mode (created 0600),
 * and fsyncs it (and its directory when it was created) before resolving. The format is what
 * `parseCheckpointLog` reads.
 */
export class FileCheckpointSink implements CheckpointSink {
  /** The append before this one: appends land one after another, in the order of the calls. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly where: string) {}

  /**
   * The write and its fsync run off the event loop (the server reads and checks other requests
   * meanwhile; an ingest batch waits for this before it is acknowledged).
   */
  append(note: string): Promise<void> {
    const next = this.tail.then(() => this.write(note));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async write(note: string): Promise<void> {
    mkdirSync(dirname(this.where), { recursive: true, mode: 0o700 });
    const created = !existsSync(this.where);
    const file = await open(this.where, 'a', 0o600);
    try {
      await file.writeFile(`${note}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    if (created) fsyncDir(dirname(this.where));
  }
}

/**
 * Writes each checkpoint to its own file `<dir>/<origin hash>-<size>.note`, never replacing
 * one: the note is written to a temporary file, fsynced, and hard-linked into place (which
 * fails if the name exists). The same note twice is accepted; another note for the same
 * origin and size is a fork and is refused.
 */
export class DirectoryCheckpointSink implements CheckpointSink {
  constructor(readonly where: string) {}

  append(note: string): Promise<void> {
    return Promise.resolve().then(() => {
      mkdirSync(this.where, { recursive: true, mode: 0o700 });
      const target = join(this.where, checkpointFileName(note));
      const temp = join(this.where, `.tmp-${randomBytes(6).toString('hex')}`);
      writeDurably(temp, note);
      try {
        linkSync(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (readFileSync(target, 'utf8') !== note) {
          throw new Error(`${target} already holds another checkpoint of this size: a fork`);
        }
      } finally {
        unlinkSync(temp);
      }
      fsyncDir(this.where);
    });
  }
}

/** `<first 8 bytes of SHA-256(origin), hex>-<size, 20 digits>.note`: sorts by size per log. */
export function checkpointFileName(note: string): string {
  const cp = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
  const origin = createHash('sha256').update(cp.origin).digest('hex').slice(0, 16);
  return `${origin}-${cp.size.toString().padStart(20, '0')}.note`;
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a directory entry (a created or renamed file) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
