import { AttributeError } from './errors.js';

/** An address found in a leaked list, in its normal form, with every line it was on. */
export interface FoundAddress {
  readonly address: string;
  readonly lines: number[];
}

/** A line that holds an `@` but no address Warden could read. */
export interface JunkLine {
  readonly line: number;
  readonly text: string;
}

export interface LeakedList {
  readonly lines: number;
  readonly addresses: FoundAddress[];
  readonly junk: JunkLine[];
}

const MAX_BYTES = 256 * 1024 * 1024;
const MAX_LINE = 1024 * 1024;
const JUNK_KEPT = 100;
/**
 * An address inside any text: CSV cells, `Name <addr>` headers, `mailto:` links, prose. The
 * local part keeps to the characters real mailboxes use (so `to=a@b.org` yields `a@b.org`);
 * the domain needs a dot and a top-level label of letters. Unicode letters are allowed in both.
 */
const ADDRESS =
  /[\p{L}\p{N}_%+-](?:[\p{L}\p{N}._%+-]*[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,63}(?![\p{L}\p{N}-])/gu;
/** `@` as pasted from web pages and links. */
const ENCODED_AT = /&#0*64;|&#x0*40;|&commat;|%40/gi;

/**
 * Reads a leaked list — CSV, plain text, or e-mail headers pasted as they are (folded lines,
 * display names, angle brackets, `mailto:`) — and extracts every address, deduplicated in
 * normal form, with its line numbers. Hostile input is refused with the line at fault
 * (`LEAK_FILE_INVALID`): a binary or non-UTF-8 file, an overlong line, or no address at all.
 */
export function parseLeakedList(bytes: Buffer, file: string): LeakedList {
  const bad = (why: string): never => {
    throw new AttributeError('LEAK_FILE_INVALID', `${file}: ${why}`);
  };
  if (bytes.length > MAX_BYTES) bad(`larger than ${MAX_BYTES / 1024 / 1024} MiB`);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) bad('line 1: UTF-16 text; save it as UTF-8');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) bad('line 1: UTF-16 text; save it as UTF-8');
  const text = decode(bytes, file);
  const found = new Map<string, FoundAddress>();
  const junk: JunkLine[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const no = i + 1;
    if (raw.includes('\0')) bad(`line ${no}: a NUL byte (a binary file, not a list)`);
    if (raw.length > MAX_LINE) bad(`line ${no}: longer than ${MAX_LINE} characters`);
    const line = raw.replace(ENCODED_AT, '@');
    const matches = [...line.matchAll(ADDRESS)].map((m) => m[0]);
    for (const m of matches) {
      const address = m.normalize('NFKC').toLowerCase();
      const entry = found.get(address) ?? { address, lines: [] };
      if (entry.lines[entry.lines.length - 1] !== no) entry.lines.push(no);
      found.set(address, entry);
    }
    if (line.includes('@') && matches.length === 0 && junk.length < JUNK_KEPT)
      junk.push({ line: no, text: raw.trim().slice(0, 120) });
  });
  if (found.size === 0)
    bad(
      `no e-mail address in ${lines.length} line(s)${junk.length > 0 ? ` (line ${junk[0]!.line} has an @ but no address)` : ''}`,
    );
  return { lines: lines.length, addresses: [...found.values()], junk };
}

/** UTF-8 text without its byte-order mark; invalid bytes are refused naming their line. */
function decode(bytes: Buffer, file: string): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    let line = 1;
    let from = start;
    for (let i = start; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(from, i));
      } catch {
        break;
      }
      line++;
      from = i + 1;
    }
    throw new AttributeError(
      'LEAK_FILE_INVALID',
      `${file}: line ${line}: not UTF-8 text (convert the file to UTF-8)`,
    );
  }
}
