import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCosignatures } from './cosigner-keys.js';
import { WitnessError } from './errors.js';
import { openNote } from './signed-note.js';
import { addCheckpoint, type WitnessedLog } from './witness.js';
import { syntheticLog, syntheticWitness } from './witness-test-support.js';
import { formatCheckpoint } from './checkpoint.js';
import { signNote } from './signed-note.js';

const NOW = 1_764_800_000n;

function refusal(run: () => unknown): WitnessError {
  try {
    run();
  } catch (error) {
    if (error instanceof WitnessError) return error;
    throw error;
  }
  throw new Error('the witness cosigned');
}

describe('addCheckpoint (C2SP tlog-witness)', () => {
  const log = syntheticLog(40);
  const witness = syntheticWitness();
  const first = addCheckpoint(
    { oldSize: 0, proof: [], note: log.note(10) },
    log.vkey,
    undefined,
    witness,
    NOW,
  );

  describe('when it first sees a log (trust on first use)', () => {
    it('cosigns the checkpoint with a cosignature/v1 that verifies with its verifier key', () => {
      const { text, unverified } = openNote(log.note(10) + first.cosignature, [log.vkey]);
      expect(countCosignatures(text, unverified, [witness.verifierKey])).toBe(1);
      expect(first.state).toMatchObject({ origin: log.name, size: 10, logKey: log.vkey });
      expect(first.state.rootHash.equals(log.roots[10] as Buffer)).toBe(true);
    });

    it('answers 409 with latest size 0 to a request that claims an older checkpoint', () => {
      const e = refusal(() =>
        addCheckpoint(
          { oldSize: 5, proof: log.proof(5, 10), note: log.note(10) },
          log.vkey,
          undefined,
          witness,
          NOW,
        ),
      );
      expect([e.code, e.status, e.latestSize]).toEqual(['CONFLICT', 409, 0]);
    });
  });

  describe('when it holds a checkpoint of the log', () => {
    const held: WitnessedLog = first.state;

    it('cosigns a larger checkpoint proved consistent with it', () => {
      const next = addCheckpoint(
        { oldSize: 10, proof: log.proof(10, 33), note: log.note(33) },
        log.vkey,
        held,
        witness,
        NOW,
      );
      expect(next.state.size).toBe(33);
    });

    it('cosigns the same checkpoint again', () => {
      expect(
        addCheckpoint({ oldSize: 10, proof: [], note: log.note(10) }, log.vkey, held, witness, NOW)
          .state.size,
      ).toBe(10);
    });

    it('refuses a rollback: 409 carrying its latest size, or 400 if old is above the checkpoint', () => {
      const e = refusal(() =>
        addCheckpoint(
          { oldSize: 4, proof: log.proof(4, 8), note: log.note(8) },
          log.vkey,
          held,
          witness,
          NOW,
        ),
      );
      expect([e.code, e.status, e.latestSize]).toEqual(['CONFLICT', 409, 10]);
      const e2 = refusal(() =>
        addCheckpoint({ oldSize: 10, proof: [], note: log.note(8) }, log.vkey, held, witness, NOW),
      );
      expect([e2.code, e2.status]).toEqual(['BAD_REQUEST', 400]);
    });

    it('refuses a history rewritten under the same key (422), whatever proof comes with it', () => {
      const forked = syntheticLog(40, log.name, log.skey, 1000); // another history, same key
      const rewritten = forkedNote(log.name, log.skey, 33, Buffer.alloc(32, 7));
      const attempts: [string, Buffer[]][] = [
        [rewritten, log.proof(10, 33)],
        [forked.note(33), forked.proof(10, 33)],
      ];
      for (const [note, proof] of attempts) {
        const e = refusal(() =>
          addCheckpoint({ oldSize: 10, proof, note }, log.vkey, held, witness, NOW),
        );
        expect([e.code, e.status]).toEqual(['UNPROCESSABLE', 422]);
      }
    });

    it('refuses a second root for the size it holds (422)', () => {
      const e = refusal(() =>
        addCheckpoint(
          { oldSize: 10, proof: [], note: forkedNote(log.name, log.skey, 10, Buffer.alloc(32, 1)) },
          log.vkey,
          held,
          witness,
          NOW,
        ),
      );
      expect(e.code).toBe('UNPROCESSABLE');
    });

    it('refuses a log key other than the one it pinned (403)', () => {
      const other = syntheticLog(40, log.name);
      const e = refusal(() =>
        addCheckpoint(
          { oldSize: 10, proof: other.proof(10, 20), note: other.note(20) },
          other.vkey,
          held,
          witness,
          NOW,
        ),
      );
      expect([e.code, e.status]).toEqual(['FORBIDDEN', 403]);
    });
  });

  describe('when the request is not of its log', () => {
    it('answers 404 for another origin and 403 for a signature by another key', () => {
      const stranger = syntheticLog(5, 'other.example/log');
      expect(
        refusal(() =>
          addCheckpoint(
            { oldSize: 0, proof: [], note: stranger.note(5) },
            log.vkey,
            undefined,
            witness,
            NOW,
          ),
        ).status,
      ).toBe(404);
      const impostor = syntheticLog(5, log.name); // same origin, another key
      expect(
        refusal(() =>
          addCheckpoint(
            { oldSize: 0, proof: [], note: impostor.note(5) },
            log.vkey,
            undefined,
            witness,
            NOW,
          ),
        ).status,
      ).toBe(403);
    });

    it('answers 422 to a proof from old size 0, and to a size-0 checkpoint without the empty root', () => {
      expect(
        refusal(() =>
          addCheckpoint(
            { oldSize: 0, proof: log.proof(3, 10), note: log.note(10) },
            log.vkey,
            undefined,
            witness,
            NOW,
          ),
        ).status,
      ).toBe(422);
      const zero = forkedNote(log.name, log.skey, 0, Buffer.alloc(32, 9));
      expect(
        refusal(() =>
          addCheckpoint({ oldSize: 0, proof: [], note: zero }, log.vkey, undefined, witness, NOW),
        ).status,
      ).toBe(422);
    });
  });
});

/** A checkpoint signed with the log's key over a root of the attacker's choosing. */
function forkedNote(origin: string, skey: string, size: number, rootHash: Buffer): string {
  return signNote(formatCheckpoint({ origin, size, rootHash }), [skey]);
}

describe('addCheckpoint over any history', () => {
  const log = syntheticLog(64);
  const fork = syntheticLog(64, log.name, log.skey, 5000); // another history under the same key
  const witness = syntheticWitness();

  it('cosigns every checkpoint that grows the log, and never one of another history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (sizes, forkSize) => {
          let held: WitnessedLog | undefined;
          for (const size of sizes) {
            const old = held?.size ?? 0;
            if (size < old) continue; // the log never shrinks
            const proof = old === 0 || old === size ? [] : log.proof(old, size);
            held = addCheckpoint(
              { oldSize: old, proof, note: log.note(size) },
              log.vkey,
              held,
              witness,
              NOW,
            ).state;
          }
          const last = held as WitnessedLog;
          if (forkSize < last.size) return;
          const proof = forkSize === last.size ? [] : fork.proof(last.size, forkSize);
          const e = refusal(() =>
            addCheckpoint(
              { oldSize: last.size, proof, note: fork.note(forkSize) },
              log.vkey,
              last,
              witness,
              NOW,
            ),
          );
          expect(e.code).toBe('UNPROCESSABLE');
        },
      ),
      { numRuns: 60 },
    );
  });
});
