import { describe, expect, it } from 'vitest';
import { parseCheckpointLog } from './checkpoint-log.js';
import { verifyAgainst } from './verify-against.js';
import { syntheticLog, syntheticWitness } from './witness-test-support.js';
import { openNote } from './signed-note.js';

const honest = syntheticLog(30);
const logText = [5, 12, 20, 30].map((n) => `${honest.note(n)}\n`).join('');
const entries = parseCheckpointLog(logText, 'checkpoints.log');

describe('verifyAgainst', () => {
  it('passes when the tree is the one the outside log signed', async () => {
    const r = await verifyAgainst(honest.tree, entries, honest.vkey);
    expect(r).toMatchObject({ problems: [], checked: 4 });
  });

  it('names the first checkpoint a rewritten history disagrees with', async () => {
    // same key, same first 12 leaves, then another history: the attacker re-signed it
    const rewritten = syntheticLog(30, honest.name, honest.skey);
    const changed = {
      ...rewritten.tree,
      rootAt: async (n: number) => (n > 12 ? Buffer.alloc(32, 1) : rewritten.tree.rootAt(n)),
    };
    const r = await verifyAgainst(changed, entries, honest.vkey);
    expect(r.problems.map((p) => p.code)).toContain('OUTSIDE_CHECKPOINT_MISMATCH');
    expect(r.firstDisagreeing).toBe('checkpoints.log line 13');
  });

  it('reports a cut tail (the database smaller than a checkpoint outside)', async () => {
    const cut = syntheticLog(14, honest.name, honest.skey);
    const r = await verifyAgainst(cut.tree, entries, honest.vkey);
    expect(r.problems.map((p) => [p.code, p.index])).toContainEqual(['TRUNCATED', 14]);
    expect(r.firstDisagreeing).toBe('checkpoints.log line 13');
  });

  it('detects an edited entry of the outside log by its signature', async () => {
    const root20 = (honest.roots[20] as Buffer).toString('base64');
    const edited = logText.replace(root20, Buffer.alloc(32, 3).toString('base64'));
    const r = await verifyAgainst(
      honest.tree,
      parseCheckpointLog(edited, 'checkpoints.log'),
      honest.vkey,
    );
    expect(r.problems.map((p) => p.code)).toEqual(['CHECKPOINT_SIGNATURE']);
    expect(r.firstDisagreeing).toBe('checkpoints.log line 13');
  });

  it('finds two outside checkpoints that cannot both be the log (a fork)', async () => {
    const fork = syntheticLog(30, honest.name, honest.skey, 99);
    const forked = parseCheckpointLog(`${honest.note(12)}\n${fork.note(20)}\n`, 'x');
    const r = await verifyAgainst(honest.tree, forked, honest.vkey);
    expect(r.problems.map((p) => p.code)).toEqual([
      'OUTSIDE_CHECKPOINT_MISMATCH',
      'OUTSIDE_LOG_FORK',
    ]);
  });

  describe('when witnesses are required', () => {
    const w1 = syntheticWitness('w.example/1');
    const w2 = syntheticWitness('w.example/2');
    const cosign = (n: number, ...ws: (typeof w1)[]): string => {
      const text = openNote(honest.note(n), [honest.vkey]).text;
      return `${honest.note(n)}${ws.map((w) => w.cosign(text, 1_700_000_000n)).join('')}\n`;
    };
    const keys = [w1.verifierKey, w2.verifierKey];

    it('reports the largest checkpoint k of them cosigned', async () => {
      const cosigned = parseCheckpointLog(cosign(12, w1, w2) + cosign(20, w1), 'cosigned.log');
      expect(
        (
          await verifyAgainst(honest.tree, cosigned, honest.vkey, {
            witnesses: keys,
            minWitnesses: 2,
          })
        ).witnessedSize,
      ).toBe(12);
      expect(
        (
          await verifyAgainst(honest.tree, cosigned, honest.vkey, {
            witnesses: keys,
            minWitnesses: 1,
          })
        ).witnessedSize,
      ).toBe(20);
    });

    it('fails with NOT_WITNESSED when no checkpoint has k cosignatures', async () => {
      const r = await verifyAgainst(
        honest.tree,
        parseCheckpointLog(cosign(12, w1), 'c'),
        honest.vkey,
        { witnesses: keys, minWitnesses: 2 },
      );
      expect(r.problems.map((p) => p.code)).toEqual(['NOT_WITNESSED']);
    });
  });
});
