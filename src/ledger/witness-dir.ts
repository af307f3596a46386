/**
 * A witness's own state directory (the witness is another party: its directory is never the
 * log's key directory):
 *
 *   <dir>/witness.key          its Ed25519 cosigner key (0600)
 *   <dir>/logs/<sha256(origin)>.json   the latest checkpoint it cosigned per log
 *   <dir>/lock                 held while one request is checked and its state written
 *
 * State files are replaced atomically (a temporary file, fsync, rename, fsync of the
 * directory), so a crash leaves the old state or the new one, never a torn file; the lock
 * makes check-and-update one step, so two racing requests cannot roll the state back
 * (C2SP tlog-witness, add-checkpoint).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './checkpoint-file-sink.js';
import { generateCosignerKey, parseCosignerKey, type Cosigner } from './cosigner-keys.js';
import { WitnessError } from './errors.js';
import { addCheckpoint, type WitnessedLog } from './witness.js';
import type { AddCheckpointRequest } from './witness-request.js';
import { parseVerifierKey } from './note-keys.js';

const LOCK_WAIT_MS = 10_000;

export class WitnessDir {
  private constructor(
    readonly dir: string,
    readonly cosigner: Cosigner,
  ) {}

  /** Creates the directory and key; refuses a directory that already has a key. */
  static init(dir: string, name: string): WitnessDir {
    mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o700 });
    const keyPath = join(dir, 'witness.key');
    if (existsSync(keyPath)) {
      throw new WitnessError(
        'BAD_REQUEST',
        `${keyPath} exists: this directory already is a witness`,
      );
    }
    writeAtomically(keyPath, `${generateCosignerKey(name)}\n`);
    return WitnessDir.open(dir);
  }

  static open(dir: string): WitnessDir {
    const keyPath = join(dir, 'witness.key');
    if (!existsSync(keyPath)) {
      throw new WitnessError(
        'BAD_REQUEST',
        `${keyPath} is missing: run \`warden witness init --dir ${dir} --name NAME\``,
      );
    }
    if ((statSync(keyPath).mode & 0o077) !== 0) {
      throw new WitnessError(
        'BAD_REQUEST',
        `${keyPath} is readable by group or others; run chmod 600 ${keyPath}`,
      );
    }
    return new WitnessDir(dir, parseCosignerKey(readFileSync(keyPath, 'utf8')));
  }

  /** What the witness holds for a log, or `undefined` if it never cosigned for it. */
  read(origin: string): WitnessedLog | undefined {
    const path = this.statePath(origin);
    if (!existsSync(path)) return undefined;
    const raw = parseState(readFileSync(path, 'utf8'));
    if (
      raw['origin'] !== origin ||
      typeof raw['size'] !== 'number' ||
      typeof raw['rootHash'] !== 'string' ||
      typeof raw['logKey'] !== 'string' ||
      typeof raw['note'] !== 'string'
    ) {
      // never cosign from a state it cannot read: that could roll it back (an HTTP 500)
      throw new Error(`${path} is not a witness state file; restore it from a backup`);
    }
    return {
      origin,
      logKey: raw['logKey'],
      size: raw['size'],
      rootHash: Buffer.from(raw['rootHash'], 'base64'),
      note: raw['note'],
    };
  }

  write(state: WitnessedLog): void {
    const json = { ...state, rootHash: state.rootHash.toString('base64') };
    writeAtomically(this.statePath(state.origin), `${JSON.stringify(json, null, 2)}\n`);
  }

  /**
   * Decides an add-checkpoint request for one of the logs of `logKeys` (chosen by the
   * checkpoint's origin line: 404 if none), under the lock, and persists the new state before
   * returning the cosignature line(s). Throws `WitnessError` on refusal.
   */
  async cosign(
    request: AddCheckpointRequest,
    logKeys: readonly string[],
    now: () => number = Date.now,
  ): Promise<string> {
    const origin = request.note.slice(0, Math.max(0, request.note.indexOf('\n')));
    const logKey = logKeys.find((key) => parseVerifierKey(key).name === origin);
    if (logKey === undefined) {
      throw new WitnessError(
        'UNKNOWN_LOG',
        `this witness does not know the log ${JSON.stringify(origin.slice(0, 100))}`,
      );
    }
    return this.locked(() => {
      const timestamp = BigInt(Math.floor(now() / 1000));
      const { cosignature, state } = addCheckpoint(
        request,
        logKey,
        this.read(origin),
        this.cosigner,
        timestamp,
      );
      this.write(state); // persisted before answering (C2SP tlog-witness)
      return cosignature;
    });
  }

  /** Runs `work` holding the directory's lock (waits up to 10 s for another process). */
  async locked<T>(work: () => T): Promise<T> {
    const lock = join(this.dir, 'lock');
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() > until) {
          throw new Error(
            `${lock} is held by another request; if no witness is running, remove it`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    try {
      return work();
    } finally {
      unlinkSync(lock);
    }
  }

  private statePath(origin: string): string {
    return join(this.dir, 'logs', `${createHash('sha256').update(origin).digest('hex')}.json`);
  }
}

function parseState(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Temporary file, fsync, rename over the target, fsync of the directory. */
export function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDir(join(path, '..'));
}
