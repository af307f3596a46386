import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WitnessError } from './errors.js';
import { formatAddCheckpoint, parseAddCheckpoint } from './witness-request.js';

// C2SP/C2SP tlog-witness.md (commit 5ba5ee83), "add-checkpoint": the example request body.
const SPEC_EXAMPLE = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;

function status(body: string): number {
  try {
    parseAddCheckpoint(body);
  } catch (error) {
    if (error instanceof WitnessError) return error.status;
    throw error;
  }
  return 200;
}

describe('add-checkpoint request body (C2SP tlog-witness)', () => {
  it('reads the example of the spec', () => {
    const r = parseAddCheckpoint(SPEC_EXAMPLE);
    expect(r.oldSize).toBe(20852014);
    expect(r.proof.map((h) => h.toString('base64'))[3]).toBe(
      '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
    );
    expect(r.note.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
    expect(formatAddCheckpoint(r)).toBe(SPEC_EXAMPLE);
  });

  it('round-trips any old size and proof', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 63 }),
        (oldSize, hashes) => {
          const request = {
            oldSize,
            proof: hashes.map((h) => Buffer.from(h)),
            note: 'o\n1\nAA==\n\n— o x\n',
          };
          expect(parseAddCheckpoint(formatAddCheckpoint(request))).toEqual(request);
        },
      ),
    );
  });

  it('answers 400 to bodies off the grammar', () => {
    const hash = Buffer.alloc(32).toString('base64');
    const note = 'o\n1\nAA==\n\n— o x\n';
    expect(status(`old 01\n\n${note}`)).toBe(400);
    expect(status(`old -1\n\n${note}`)).toBe(400);
    expect(status(`new 1\n\n${note}`)).toBe(400);
    expect(status(`old 1\n${note}`)).toBe(400);
    expect(status(`old 1\nnot a hash\n\n${note}`)).toBe(400);
    expect(status(`old 1\n${Buffer.alloc(31).toString('base64')}\n\n${note}`)).toBe(400);
    expect(status(`old 1\n${`${hash}\n`.repeat(64)}\n${note}`)).toBe(400);
    expect(status(`old 1\n${`${hash}\n`.repeat(63)}\n${note}`)).toBe(200);
  });
});
