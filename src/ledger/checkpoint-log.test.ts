import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCheckpointLog } from './checkpoint-log.js';
import { LedgerError } from './errors.js';
import { syntheticLog } from './witness-test-support.js';

function failure(text: string): { code: string; message: string } {
  try {
    parseCheckpointLog(text, 'cp.log');
  } catch (error) {
    if (error instanceof LedgerError) return { code: error.code, message: error.message };
    throw error;
  }
  return { code: 'none', message: '' };
}

describe('parseCheckpointLog', () => {
  const log = syntheticLog(20);

  it('gives back every appended note, in order, with the line it starts on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 6 }),
        (sizes) => {
          const notes = sizes.map((n) => log.note(n));
          const entries = parseCheckpointLog(notes.map((n) => `${n}\n`).join(''), 'cp.log');
          expect(entries.map((e) => e.note)).toEqual(notes);
          expect(entries[1]?.where ?? 'cp.log line 7').toBe('cp.log line 7');
        },
      ),
    );
  });

  it('reads a single exported checkpoint (no empty line after it)', () => {
    expect(parseCheckpointLog(log.note(3), 'head.note').map((e) => e.note)).toEqual([log.note(3)]);
  });

  it('keeps cosignature lines with the note they follow', () => {
    const cosigned = `${log.note(4)}— witness.example/w1 AAAA\n`;
    expect(parseCheckpointLog(`${cosigned}\n${log.note(5)}\n`, 'x')[0]?.note).toBe(cosigned);
  });

  it('names the line where a torn or edited log stops being notes', () => {
    const one = `${log.note(2)}\n`;
    expect(failure(`${one}${log.note(3).slice(0, 20)}`)).toMatchObject({
      code: 'MALFORMED_CHECKPOINT_LOG',
    });
    expect(failure(`${one}example.com/log\n3\nAAAA\n\n`).message).toMatch(
      /^cp\.log line 11: the checkpoint is not signed/,
    );
    expect(failure(`${one}— stray signature\n`).message).toMatch(/^cp\.log line 7:/);
    expect(failure(`${log.note(2)}trailing text\n`).message).toMatch(/^cp\.log line 6:/);
    expect(failure('').code).toBe('MALFORMED_CHECKPOINT_LOG');
  });
});
