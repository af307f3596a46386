import { statSync } from 'node:fs';
import pc from 'picocolors';
import {
  InputError,
  fileSource,
  importSource,
  type ImportReport,
  type LineSource,
} from '../../ingest/index.js';
import { PersonalData, readPersonalDataSection } from '../../privacy/index.js';
import { readOrgFile } from '../org-file.js';
import { progressBar } from '../progress.js';
import { formatRejections } from '../rejections.js';
import { json, table } from '../render.js';
import type { Wired } from '../wiring.js';
import type { Io } from '../io.js';

export interface IngestFlags {
  readonly skipInvalid?: boolean;
  readonly json?: boolean;
  readonly org?: string;
}

/** `warden ingest FILE...`: each file is one atomic batch; `-` reads stdin. */
export async function ingestCommand(
  w: Wired,
  files: string[],
  flags: IngestFlags,
  io: Io,
): Promise<number> {
  const reports: ImportReport[] = [];
  const org = readOrgFile(w.dbPath, flags.org);
  const personalData = new PersonalData(
    org === undefined ? {} : readPersonalDataSection(org.value, org.path, org.text),
  );
  for (const file of files) {
    const source = openSource(file, io);
    const bar = progressBar(`ingest ${file}`, source.totalBytes);
    try {
      const report = await importSource(w.store, w.ledger, w.vault, source, {
        skipInvalid: flags.skipInvalid ?? false,
        onProgress: (n) => bar.update(n),
        now: w.now,
        personalData,
        emailHashes: w.emailHashes,
      });
      reports.push(report);
      if (!flags.json) io.out(describe(report));
    } catch (error) {
      // --json: the files imported so far and the refused one, then the error as usual
      if (flags.json && error instanceof InputError && error.rejections) {
        io.out(`${json([...reports, refusedReport(source.name, error)])}\n`);
      }
      throw error;
    } finally {
      bar.stop();
    }
  }
  if (flags.json) io.out(`${json(reports)}\n`);
  return 0;
}

function openSource(file: string, io: Io): LineSource {
  if (file === '-') return { name: 'stdin', open: () => io.stdin };
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (cause) {
    throw new InputError('FILE_NOT_FOUND', `${file}: no such file (or not a regular file)`, [], {
      cause,
    });
  }
  return fileSource(file, size);
}

/** A refused file in `--json`: nothing of it was stored; counts per code, the first 50, the rejects file. */
function refusedReport(source: string, error: InputError): object {
  return {
    source,
    refused: { code: error.code, message: error.message },
    rejected: error.rejections?.rejected ?? 0,
    rejectedByCode: error.rejections?.byCode ?? {},
    issues: error.issues,
    ...(error.rejections?.rejectsFile !== undefined
      ? { rejectsFile: error.rejections.rejectsFile }
      : {}),
  };
}

function describe(r: ImportReport): string {
  if (r.events + r.directoryVersions === 0) {
    const why = r.lines === 0 ? 'the input is empty' : 'every record was already stored';
    const head = `${r.source}: nothing to import (${why})${r.rejected ? `; ${r.rejected} rejected` : ''}`;
    const rest =
      r.rejected > 0 ? formatRejections(r.issues, { ...r, byCode: r.rejectedByCode }) : [];
    return `${[head, ...rest].join('\n')}\n`;
  }
  const lines = [
    `${pc.green('✔')} ${r.source}: imported as one batch`,
    table(
      ['events', 'duplicates', 'directory records', 'unchanged', 'rejected', 'ledger size'],
      [[r.events, r.duplicates, r.directoryVersions, r.unchanged, r.rejected, r.ledgerSize]],
    ),
  ];
  if (r.checkpoint)
    lines.push(`checkpoint: size ${r.checkpoint.size}, root ${r.checkpoint.rootHash}`);
  if (r.rejected > 0) {
    lines.push(pc.yellow(`${r.rejected.toLocaleString('en')} invalid line(s) left out:`));
    lines.push(...formatRejections(r.issues, { ...r, byCode: r.rejectedByCode }));
  }
  if (r.dangling.length > 0) {
    lines.push(
      pc.yellow(`${r.dangling.length} reference(s) name records not in the directory yet:`),
    );
    lines.push(
      table(
        ['kind', 'id', 'named by', 'first line'],
        r.dangling.slice(0, 20).map((d) => [d.kind, d.id, d.from, d.firstLine]),
      ),
    );
    if (r.dangling.length > 20) lines.push(`… and ${r.dangling.length - 20} more (see --json)`);
  }
  return `${lines.join('\n')}\n`;
}
