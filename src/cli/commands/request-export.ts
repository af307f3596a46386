import { existsSync, writeFileSync } from 'node:fs';
import {
  fingerprintKey,
  isTotalRow,
  prepareExport,
  type MetricsTable,
} from '../../attribute/index.js';
import type { Guard, GuardRequest, GuardResult } from '../../guard/index.js';
import { normaliseField } from '../../guard/index.js';
import { readMasterKey } from '../../privacy/index.js';
import { UsageError } from '../exit.js';
import type { Io } from '../io.js';
import { keyFile } from '../paths.js';
import { readTextFile } from '../read-input.js';
import type { Wired } from '../wiring.js';

/**
 * `warden request seller.metrics.export SELLER --figures FILE --out FILE`: the guard decides
 * on the figures as they are (their rows and fields), and only when it allows them are they
 * written, fingerprinted for the requester; the request's event records the export (id, code,
 * columns, the file's SHA-256) so that `warden trace export` can name its recipient.
 */
export async function requestExport(
  w: Wired,
  guard: Guard,
  base: GuardRequest,
  files: { figures: string; out: string | undefined },
  o: { json?: boolean },
  io: Io,
): Promise<GuardResult> {
  if (base.action !== 'seller.metrics.export')
    throw new UsageError('--figures goes with seller.metrics.export only');
  if (files.out === undefined) throw new UsageError('--figures needs --out FILE for the export');
  if (existsSync(files.out))
    throw new UsageError(`${files.out} exists: Warden does not overwrite an export`);
  const key = fingerprintKey(readMasterKey(keyFile(w.keyDir, 'master.key')));
  const prepared = prepareExport(key, readTextFile(files.figures), files.figures, base.employeeId);
  checkAgainstRequest(prepared.table, base, files.figures);
  const { record } = prepared;
  const result = await guard.request({
    ...base,
    rows: prepared.rows,
    fields: [...prepared.fields],
    exportRecord: record,
  });
  if (result.outcome !== 'allow') return result;
  // only the requester may read what was handed to them
  writeFileSync(files.out, prepared.csv, { mode: 0o600, flag: 'wx' });
  if (!o.json)
    io.err(
      `wrote ${files.out}: ${record.marked} figures fingerprinted for ${base.employeeId} (export ${record.id})\n`,
    );
  const written = { id: record.id, file: files.out, marked: record.marked, sha256: record.sha256 };
  return { ...result, data: { ...result.data, export: written } };
}

/** Flags that disagree with the figures are refused: the guard decides on what goes out. */
function checkAgainstRequest(table: MetricsTable, req: GuardRequest, file: string): void {
  const sellers = new Set(table.rows.map((r) => r.cells[table.seller]!.trim()));
  const others = [...sellers].filter((s) => s !== req.targetId);
  if (others.length > 0)
    throw new UsageError(
      `${file} holds figures of seller ${others[0]}, not only of ${req.targetId}`,
    );
  if (req.fields !== undefined) {
    const asked = [...req.fields].map(normaliseField).sort().join(',');
    const given = table.metrics
      .map((m) => normaliseField(m.header))
      .sort()
      .join(',');
    if (asked !== given)
      throw new UsageError(`--fields ${req.fields.join(',')} are not the columns of ${file}`);
  }
  const rows = table.rows.filter((r) => !isTotalRow(table, r)).length;
  if (req.rows !== undefined && req.rows !== rows)
    throw new UsageError(`--rows ${req.rows}: ${file} has ${rows} rows of figures`);
}
