import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveReveal,
  escalate,
  exportCase,
  requestReveal,
  verifyBundle,
  type ExportDeps,
} from '../src/cases/index.js';
import { generateSignerKey, signNote, verifierKeyFromSigner } from '../src/ledger/index.js';
import type { GuardFixture } from '../src/guard/test-support.js';
import { alertAbout, casesFixture } from './cases-support.js';

let fx: GuardFixture;
let deps: ExportDeps;
let caseId: string;
const work = mkdtempSync(join(tmpdir(), 'warden-bundle-'));
const bundle = join(work, 'bundle');

beforeAll(async () => {
  const f = await casesFixture();
  fx = f.fx;
  deps = { ...f.deps, signNote: (text) => signNote(text, [fx.signerKey]) };
  const seen = await fx.guard.request({
    employeeId: 'a1',
    action: 'seller.account.view',
    targetId: 's1',
    ticketId: 't1',
  });
  caseId = await escalate(deps, 'counsel1', alertAbout('a1', [seen.eventId]));
});

afterAll(async () => {
  await fx.close();
  rmSync(work, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

describe('an evidence bundle', () => {
  it('is refused while the case is pseudonymous', async () => {
    expect(await code(exportCase(deps, caseId, 'counsel1', join(work, 'early')))).toBe(
      'NOT_REVEALED',
    );
  });

  it('verifies offline, with the bundled key or the pinned log key', async () => {
    await requestReveal(deps, caseId, 'counsel1', 'legal referral');
    await approveReveal(deps, caseId, 'counsel2');
    const result = await exportCase(deps, caseId, 'counsel1', bundle);
    expect(result.records).toBeGreaterThanOrEqual(1);
    expect(readdirSync(bundle).sort()).toEqual([
      'case.json',
      'checkpoint.txt',
      'manifest.txt',
      'proofs.json',
      'records.ndjson',
      'summary.html',
      'verifier.key',
    ]);
    const report = verifyBundle(bundle);
    expect(report).toMatchObject({ ok: true, caseId, keyFrom: 'bundle', problems: [] });
    expect(verifyBundle(bundle, fx.ledger.verifierKey()).ok).toBe(true);
    // the export is ledgered with the manifest's hash
    const event = (await fx.store.events.byIds([result.eventId])).get(result.eventId);
    expect(event?.attrs).toMatchObject({ manifestSha256: result.manifestSha256 });
    // the summary is readable and names the subject now that the case is revealed
    expect(readFileSync(join(bundle, 'summary.html'), 'utf8')).toContain('<td>a1</td>');
  });

  it('refuses an existing, non-empty folder', async () => {
    expect(await code(exportCase(deps, caseId, 'counsel1', bundle))).toBe('INPUT_INVALID');
  });

  it('fails when the key is swapped, or checked against the pinned log key', () => {
    const forged = join(work, 'forged');
    cpSync(bundle, forged, { recursive: true });
    const other = generateSignerKey('warden.local/forger');
    writeFileSync(join(forged, 'verifier.key'), `${verifierKeyFromSigner(other)}\n`);
    expect(verifyBundle(forged, fx.ledger.verifierKey()).ok).toBe(false);
    expect(verifyBundle(forged).ok).toBe(false); // the manifest lists the old key's hash
  });

  it('fails when a file is added or removed', () => {
    const added = join(work, 'added');
    cpSync(bundle, added, { recursive: true });
    writeFileSync(join(added, 'extra.txt'), 'x');
    expect(verifyBundle(added).problems).toContain('extra.txt: not in the manifest');
    const removed = join(work, 'removed');
    cpSync(bundle, removed, { recursive: true });
    unlinkSync(join(removed, 'proofs.json'));
    expect(verifyBundle(removed).ok).toBe(false);
    const resigned = join(work, 'resigned');
    cpSync(bundle, resigned, { recursive: true });
    appendFileSync(join(resigned, 'manifest.txt'), '\u2014 other AAAA\n');
    expect(verifyBundle(resigned).ok).toBe(false);
  });

  it('fails when any byte of any file changes (property)', () => {
    const files = readdirSync(bundle).sort();
    const original = new Map(files.map((f) => [f, readFileSync(join(bundle, f))]));
    const copy = join(work, 'flip');
    cpSync(bundle, copy, { recursive: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (file, at, xor) => {
          const bytes = Buffer.from(original.get(file)!);
          const i = at % bytes.length;
          bytes[i] = bytes[i]! ^ xor;
          writeFileSync(join(copy, file), bytes);
          try {
            return !verifyBundle(copy).ok;
          } finally {
            writeFileSync(join(copy, file), original.get(file)!);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(verifyBundle(copy).ok).toBe(true); // restored: the copy itself was whole
  });
});
