/**
 * The checkpoint log kept outside the database: signed checkpoint notes, each followed by an
 * empty line, appended in the order they were made (`FileCheckpointSink` writes it). A single
 * exported checkpoint is a log of one entry.
 *
 *   <origin>\n<size>\n<root>\n\n— <name> <sig>\n[— … cosignatures]\n\n<origin>\n…
 */
import { LedgerError } from './errors.js';

/** One note of a checkpoint log, and where it was read. */
export interface CheckpointLogEntry {
  /** The signed note, exactly as signed (text, empty line, signature lines). */
  readonly note: string;
  /** `<file> line <n>` (of the note's first line), for messages. */
  readonly where: string;
}

const SIGNATURE_PREFIX = '\u2014 ';

/**
 * Splits a checkpoint log into its notes. Throws `MALFORMED_CHECKPOINT_LOG` naming the file
 * and line where the text stops being a sequence of notes (an entry with no signature, a
 * signature line with no entry, a torn last write). The notes themselves are checked later,
 * by `openNote`.
 */
export function parseCheckpointLog(text: string, file: string): CheckpointLogEntry[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else if (lines.length > 0) throw malformed(file, lines.length, 'the last line is unterminated');
  const entries: CheckpointLogEntry[] = [];
  let at = 0;
  while (at < lines.length) {
    if (lines[at] === '') {
      at++;
      continue;
    }
    const start = at;
    const body = takeWhile(lines, at, (line) => line !== '');
    at += body.length;
    if (body.some((line) => line.startsWith(SIGNATURE_PREFIX))) {
      throw malformed(
        file,
        start + 1,
        'a signature line is not after a checkpoint and an empty line',
      );
    }
    if (lines[at] !== '') throw malformed(file, at + 1, 'the checkpoint has no signature block');
    at++;
    const signatures = takeWhile(lines, at, (line) => line.startsWith(SIGNATURE_PREFIX));
    if (signatures.length === 0) throw malformed(file, at + 1, 'the checkpoint is not signed');
    at += signatures.length;
    if (at < lines.length && lines[at] !== '') {
      throw malformed(file, at + 1, 'expected a signature line or an empty line');
    }
    entries.push({
      note: `${body.join('\n')}\n\n${signatures.join('\n')}\n`,
      where: `${file} line ${String(start + 1)}`,
    });
  }
  if (entries.length === 0) throw malformed(file, 1, 'it holds no checkpoint');
  return entries;
}

function takeWhile(lines: string[], from: number, keep: (line: string) => boolean): string[] {
  const taken: string[] = [];
  for (let i = from; i < lines.length && keep(lines[i] as string); i++)
    taken.push(lines[i] as string);
  return taken;
}

function malformed(file: string, line: number, what: string): LedgerError {
  return new LedgerError(
    'MALFORMED_CHECKPOINT_LOG',
    `${file} line ${String(line)}: ${what}; a checkpoint log is signed notes, each followed by an empty line`,
  );
}
