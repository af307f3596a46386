import { recordKey, type InterchangeRecord } from '../domain/index.js';
import type { PersonalData } from '../privacy/index.js';
import { parseRecord } from './parse-record.js';
import { PARSED, type RejectionReply } from './seal-protocol.js';
import { keySubject } from './seal-record.js';

/**
 * One line of a chunk as the sealing thread and the main thread both parse it: refused (with
 * the rejection), an event (written by the main thread as it is), or a directory record with
 * what its write needs — its kind and key, the data key its sealing needs (none: it can be
 * encoded at once), and whether the line's value is the record (`fast`).
 */
export type ClassifiedLine =
  | { readonly status: typeof PARSED.rejected; readonly rejection: RejectionReply }
  | { readonly status: typeof PARSED.event }
  | {
      readonly status: typeof PARSED.held;
      readonly record: InterchangeRecord;
      readonly kind: string;
      readonly key: string;
      readonly subject: string | undefined;
      readonly fast: 0 | 1;
    };

export function classifyLine(text: string, personal: PersonalData): ClassifiedLine {
  const parsed = parseRecord(text);
  if (!parsed.ok) {
    const { ok: _ok, ...rejection } = parsed;
    return { status: PARSED.rejected, rejection };
  }
  const record = parsed.record;
  if (record.kind === 'event') return { status: PARSED.event };
  return {
    status: PARSED.held,
    record,
    kind: record.kind,
    key: recordKey(record),
    subject: keySubject(record.kind, record.body as unknown as Record<string, unknown>, personal),
    fast: parsed.directoryLine === undefined ? 0 : 1,
  };
}
