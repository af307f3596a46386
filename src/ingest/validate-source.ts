import type { InterchangeRecord } from '../domain/index.js';
import { InputError, RejectionTally, type InputErrorCode, type InputIssue } from './errors.js';
import { readLines, type LineSource } from './line-reader.js';
import { parseRecord } from './parse-record.js';

/** What a validation pass found: the lines read and the refused ones (the first 50 in detail). */
export interface SourceCheck {
  readonly lines: number;
  readonly rejected: number;
  readonly rejectedByCode: Readonly<Partial<Record<InputErrorCode, number>>>;
  readonly issues: readonly InputIssue[];
}

/** A valid line, as read (the text sent on) and as parsed. */
export interface ValidLine {
  readonly line: string;
  readonly record: InterchangeRecord;
}

/**
 * Reads a whole source and checks every line by the rules `importSource` applies, storing
 * nothing: for publishing, where nothing of a refused batch may leave. When any line is
 * invalid it throws `INVALID_RECORDS` with the issues and counts an import would give, unless
 * `skipInvalid`, when it returns them.
 */
export async function validateSource(
  source: LineSource,
  skipInvalid: boolean,
): Promise<SourceCheck> {
  const tally = new RejectionTally();
  let lines = 0;
  for await (const items of readLines(source.open(), source.name)) {
    for (const item of items) {
      lines = item.no;
      const parsed = item.ok ? parseRecord(item.text) : item;
      if (parsed.ok) continue;
      const { ok: _ok, ...rest } = parsed;
      tally.add({ file: source.name, line: item.no, ...rest });
    }
  }
  const { rejected, byCode, issues } = tally;
  if (rejected > 0 && !skipInvalid)
    throw new InputError(
      'INVALID_RECORDS',
      `${source.name}: ${rejected} invalid record(s); nothing was published (use --skip-invalid to publish the valid ones)`,
      issues,
      { rejections: { rejected, byCode } },
    );
  return { lines, rejected, rejectedByCode: byCode, issues };
}

/** The source's valid lines in order, a read chunk at a time; invalid ones are left out. */
export async function* readValidLines(source: LineSource): AsyncGenerator<ValidLine[]> {
  for await (const items of readLines(source.open(), source.name)) {
    const valid: ValidLine[] = [];
    for (const item of items) {
      if (!item.ok) continue;
      const parsed = parseRecord(item.text);
      if (parsed.ok) valid.push({ line: item.text, record: parsed.record });
    }
    if (valid.length > 0) yield valid;
  }
}
