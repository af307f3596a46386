import { isHighlyRestrictive } from './id-scripts.js';

/** Every id message starts so: the parser maps it to `UNSAFE_ID`. */
export const UNSAFE_ID_PREFIX = 'unsafe id: ';

// Plain ASCII, no leading or trailing space: the common case, decided without Unicode tables.
const PLAIN_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
// Letters, marks, numbers, punctuation, symbols and the space; nothing invisible or steering.
const VISIBLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

/**
 * Why `id` is not a safe id, or `undefined` when it is. Ids are join keys that people read on
 * a screen, so two ids that differ must look different (Unicode TR39; docs/ingest.md, "Ids"):
 * NFC; no leading or trailing space; only letters, marks, numbers, punctuation, symbols and
 * U+0020 — no controls, no format characters (bidi overrides such as U+202E, zero-width
 * characters), no other spaces, no private-use, unassigned or default-ignorable code points;
 * and one script per TR39's Highly Restrictive level (a Cyrillic `е` in a Latin id is refused).
 */
export function idProblem(id: string): string | undefined {
  if (PLAIN_ASCII.test(id)) return undefined;
  if (id.trim() !== id) return `${UNSAFE_ID_PREFIX}leading or trailing white space`;
  for (const ch of id) {
    if (!VISIBLE.test(ch) || IGNORABLE.test(ch)) {
      return `${UNSAFE_ID_PREFIX}holds ${codePoint(ch)}, an invisible, control or format character`;
    }
  }
  if (id.normalize('NFC') !== id) return `${UNSAFE_ID_PREFIX}not in Unicode NFC form; normalise it`;
  if (!isHighlyRestrictive(id)) {
    return `${UNSAFE_ID_PREFIX}mixes scripts (Unicode TR39): a look-alike of another id`;
  }
  return undefined;
}

/** True for a plain ASCII id (the fast path decides only those). */
export function isPlainAsciiId(id: string): boolean {
  return PLAIN_ASCII.test(id);
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
