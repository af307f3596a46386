/**
 * Test-only generators, imported by `*.test.ts` files only: interchange v1 event lines
 * (`../shared/spec/interchange.md`, "event") with every optional field present or absent,
 * members in any order, and the ways a line can be wrong or merely unusual.
 */
import fc from 'fast-check';
import {
  ACTION_TARGETS,
  DELETE_REASONS,
  OUTCOMES,
  STANDARD_ACTIONS,
  TARGET_TYPES,
} from '../domain/index.js';
import { jsonProblem } from './json-limits.js';

type Json = Record<string, unknown>;

const codeUnit = (min: number, max: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** Printable text without surrogates (custom action names). */
const idUnit = fc.oneof(
  { weight: 6, arbitrary: codeUnit(0x20, 0x7e) },
  { weight: 2, arbitrary: codeUnit(0xa0, 0x2fff) },
  { weight: 1, arbitrary: codeUnit(0xe000, 0xfffd) },
);

/** Plain ASCII, no space at either end: the ids the fast path decides itself. */
const asciiIdArb = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: codeUnit(0x20, 0x7e), minLength: min, maxLength: max })
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Safe ids (docs/ingest.md, "Ids"): mostly ASCII, some single-script text in other scripts. */
export const idArb = fc.oneof(
  { weight: 8, arbitrary: asciiIdArb(1, 16) },
  { weight: 1, arbitrary: asciiIdArb(120, 128) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Ωμέγα-7',
      'пользователь 12',
      'ユーザー',
      '東京-タロウ',
      'é-1',
      '😀',
    ),
  },
);

/** Code units near every edge of the id rule (C0, DEL and C1, surrogates), and anywhere. */
const anyUnit = fc.oneof(
  codeUnit(0, 0x2f),
  codeUnit(0x70, 0xaf),
  codeUnit(0xd7f0, 0xe00f),
  codeUnit(0, 0xffff),
);

/** Any UTF-16 code units, lone surrogates and controls included: ids that may or may not be valid. */
export const anyIdArb = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: idUnit, minLength: 127, maxLength: 130 }),
);

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 3339 times with a zone: canonical UTC, fractions, offsets, lower case, a leap second. */
export const timeArb = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2099, 11, 31) }),
    fraction: fc.constantFrom('', '', '.5', '.123', '.123456789'),
    zone: fc.constantFrom('Z', 'Z', 'z', '+00:00', '-08:00', '+05:30'),
    t: fc.constantFrom('T', 'T', 't'),
    leap: fc.boolean(),
  })
  .map(({ ms, fraction, zone, t, leap }) => {
    const d = new Date(ms);
    const date = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    const second = leap && d.getUTCSeconds() === 59 ? 60 : d.getUTCSeconds();
    const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(second)}`;
    return `${date}${t}${clock}${fraction}${zone}`;
  });

/** Text up to the contract's 4,096 characters, any code units. */
export const text = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constant('a'.repeat(4096)) },
);

/** Attrs as a JSON line can hold them, with numeric-looking keys, within the JSON limits. */
const OWN_ATTRS = new Set(['rows', 'reason', 'fields', '__proto__', 'constructor', 'prototype']);
export const attrsArb = fc
  .dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.nat(50).map(String)).filter((k) => !OWN_ATTRS.has(k)),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 5, noNullPrototype: true },
  )
  .filter((a) => jsonProblem(a, 2) === undefined);

const memberName = fc.constantFrom('a', 'b', '__proto__', 'constructor', 'prototype', 'toString');

/**
 * Attrs as JSON text (an object), of any depth and with any member names, the JSON limits'
 * edges included (`1e400`, `__proto__`, 15–20 levels): valid or not. Text, because an object
 * cannot hold an own `__proto__` member or a number past a double as a line sends them.
 */
export const edgyAttrsTextArb: fc.Arbitrary<string> = fc
  .letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', '-2.5', '1e400', '-1e999', '1e308', '"x"', 'true', 'null'),
      fc.array(tie('value'), { maxLength: 2 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(memberName, tie('value')), { maxLength: 2 })
        .map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
      fc.integer({ min: 12, max: 20 }).map((n) => `${'['.repeat(n)}1${']'.repeat(n)}`),
    ),
  }))
  .value.chain((value) => memberName.map((k) => `{"${k}":${value}}`));

/** The action with its own attrs fields, where the contract defines them. */
const actionArb = fc.oneof(
  fc.record({
    action: fc.string({ unit: idUnit, minLength: 1, maxLength: 20 }).map((s) => `x-${s}`),
    type: fc.constantFrom(...TARGET_TYPES),
  }),
  fc.constantFrom(...STANDARD_ACTIONS).map((action) => ({ action, type: ACTION_TARGETS[action] })),
);

const ownAttrs = fc.record(
  {
    rows: fc.nat(),
    reason: fc.constantFrom(...DELETE_REASONS),
    fields: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** Any order of an object's members. */
export function shuffled(obj: Json): fc.Arbitrary<Json> {
  const entries = Object.entries(obj);
  return fc
    .shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })
    .map((e): Json => Object.fromEntries(e));
}

/** A valid event line's object, its members in any order (parse `JSON.stringify` of it). */
export const validEventArb: fc.Arbitrary<Json> = fc
  .record(
    {
      id: idArb,
      time: timeArb,
      actor: idArb,
      act: actionArb,
      targetId: idArb,
      outcome: fc.constantFrom(...OUTCOMES),
      ticket: idArb,
      context: fc.record(
        { ip: text, device: text, session: text, geo: text },
        { requiredKeys: [] },
      ),
      attrs: fc.tuple(attrsArb, ownAttrs).map(([free, own]) => ({ ...free, ...own })),
    },
    { requiredKeys: ['id', 'time', 'actor', 'act', 'targetId'] },
  )
  .chain(({ act, targetId, context, ...rest }) =>
    fc
      .tuple(
        shuffled({ type: act.type, id: targetId }),
        context === undefined ? fc.constant(undefined) : shuffled(context),
      )
      .chain(([target, ctx]) =>
        shuffled({
          v: 1,
          kind: 'event',
          ...rest,
          action: act.action,
          target,
          ...(ctx === undefined ? {} : { context: ctx }),
        }),
      ),
  );
