import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafSourceHash, recordLeafHash } from '../ledger/index.js';
import type { AccessEvent } from '../domain/index.js';
import { parseEventFast } from './fast-event.js';
import { parseRecord, parseWithSchema } from './parse-record.js';
import { isPlainAsciiId } from './ids.js';
import { jsonProblem } from './json-limits.js';
import { anyIdArb, edgyAttrsTextArb, validEventArb } from './test-support.js';

type Json = Record<string, unknown>;
type Mutation = (e: Json) => Json;

const on = (action: string, type: string, more: Json = {}): Mutation => {
  return (e) => ({ ...e, action, target: { type, id: 't-1' }, ...more });
};
const set = (key: string, value: unknown): Mutation => {
  return (e) => ({ ...e, [key]: value });
};
const drop = (key: string): Mutation => {
  return (e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== key));
};

/** Lines zod refuses: the fast path must leave every one of them to zod. */
const INVALID: Record<string, Mutation> = {
  'a member outside the contract': set('colour', 'red'),
  'no id': drop('id'),
  'no time': drop('time'),
  'no actor': drop('actor'),
  'no action': drop('action'),
  'no target': drop('target'),
  'v 2': set('v', 2),
  'v as text': set('v', '1'),
  'another kind': set('kind', 'employee'),
  'an empty id': set('id', ''),
  'a 129-unit id': set('id', 'a'.repeat(129)),
  'a control character in the id': set('id', 'a\u0007b'),
  'a C1 control in the actor': set('actor', 'a\u0085'),
  'a lone surrogate in the ticket': set('ticket', '\ud800x'),
  'a numeric id': set('id', 5),
  'a null actor': set('actor', null),
  'a time without a zone': set('time', '2026-03-02T09:14:05'),
  'a time with a space': set('time', '2026-03-02 09:14'),
  'an impossible date': set('time', '2026-02-30T09:14:05Z'),
  'a numeric time': set('time', 1772442845000),
  'an unknown action': on('seller.metrics.steal', 'seller'),
  'a bare x- action': on('x-', 'seller'),
  'a 129-unit custom action': on(`x-${'a'.repeat(127)}`, 'seller'),
  'a standard action on the wrong target': on('review.delete', 'seller'),
  'an unknown target type': on('x-look', 'customer'),
  'a target with another member': set('target', { type: 'seller', id: 's', name: 'n' }),
  'a target without id': set('target', { type: 'seller' }),
  'a target as an array': set('target', ['seller', 's']),
  'an unknown outcome': set('outcome', 'maybe'),
  'an empty ticket': set('ticket', ''),
  'a context member outside the contract': set('context', { ip: '10.0.0.1', mac: 'x' }),
  'a numeric ip': set('context', { ip: 10 }),
  'a 4097-character session': set('context', { session: 'a'.repeat(4097) }),
  'a null context': set('context', null),
  'attrs as an array': set('attrs', [1]),
  'null attrs': set('attrs', null),
  'negative exported rows': on('seller.metrics.export', 'seller', { attrs: { rows: -1 } }),
  'fractional exported rows': on('seller.metrics.export', 'seller', { attrs: { rows: 1.5 } }),
  'a delete reason outside the list': on('review.delete', 'review', { attrs: { reason: 'paid' } }),
  'exported fields that are not text': on('data.export', 'dataset', { attrs: { fields: [1] } }),
  '__proto__ in attrs': set('attrs', JSON.parse('{"__proto__":{"x":1},"k":1}')),
  'constructor deep in attrs': set('attrs', { a: [{ constructor: 1 }] }),
  'prototype in attrs': set('attrs', { prototype: {} }),
  'a record 17 levels deep': set('attrs', JSON.parse(`${'{"a":'.repeat(16)}1${'}'.repeat(16)}`)),
  'a right-to-left override in the actor': set('actor', 'e-000\u202E31'),
  'a zero-width space in the id': set('id', 'ev\u200B1'),
  'a Cyrillic е in the target id': set('target', { type: 'seller', id: 's-еlla' }),
  'a trailing space in the ticket': set('ticket', 't-1 '),
  'a decomposed accent in the actor': set('actor', 'e\u0301-1'),
};

/** Lines zod takes but the fast path does not claim to know: it must defer, and zod decides. */
const UNUSUAL: Record<string, Mutation> = {
  'a surrogate pair in the id': set('id', 'a\u{1f600}'),
  'an astral letter in the actor': set('actor', '\u{1d49c}'),
  'a Greek id': set('id', 'Ωμέγα'),
};

const mutated = (table: Record<string, Mutation>): fc.Arbitrary<[string, Json]> =>
  fc
    .tuple(validEventArb, fc.constantFrom(...Object.entries(table)))
    .map(([e, [name, mutate]]) => [name, mutate(e)]);

/** Whether every id of an event is plain ASCII (the ids the fast path decides). */
function plainIds(e: Json): boolean {
  const target = e['target'] as Json;
  return [e['id'], e['actor'], e['ticket'] ?? 'x', target['id']].every(
    (id) => typeof id === 'string' && isPlainAsciiId(id),
  );
}

/** The zod path's body of a line, as `parseRecord` produced it before the fast path. */
function zodBody(line: string): unknown {
  const result = parseWithSchema(JSON.parse(line) as Json, 'event');
  if (!result.ok) throw new Error(`zod refused a generated line: ${result.code} ${line}`);
  return result.record.body;
}

describe('parseEventFast', () => {
  describe('when given a valid event of the common shape', () => {
    it('builds what zod builds: the same fields, values and key order, nested too', () => {
      fc.assert(
        fc.property(validEventArb, (event) => {
          const line = JSON.stringify(event);
          const fast = parseEventFast(JSON.parse(line) as Json);
          const expected = zodBody(line);
          const parsed = parseRecord(line);
          expect(parsed.ok && JSON.stringify(parsed.record.body)).toBe(JSON.stringify(expected));
          // ids beyond plain ASCII are zod's to judge (their Unicode rules live in one place)
          expect(fast === undefined).toBe(!plainIds(event));
          if (fast === undefined) return;
          expect(JSON.stringify(fast)).toBe(JSON.stringify(expected));
          expect(fast).toStrictEqual(expected);
          // the ledger hashes the line in the record's stead: the same leaf
          expect(parsed.ok && parsed.eventLine).toBe(line);
          const leaf = recordLeafHash({ kind: 'event', body: expected as AccessEvent });
          expect(leafSourceHash(line).equals(leaf)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('when given an invalid event', () => {
    it('defers to zod, which refuses it', () => {
      fc.assert(
        fc.property(mutated(INVALID), ([name, event]) => {
          const line = JSON.stringify(event);
          expect(parseEventFast(JSON.parse(line) as Json), name).toBeUndefined();
          expect(parseRecord(line).ok, name).toBe(false);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('when given a valid but unusual event', () => {
    it('defers to zod, whose answer parseRecord returns', () => {
      fc.assert(
        fc.property(mutated(UNUSUAL), ([name, event]) => {
          const line = JSON.stringify(event);
          expect(parseEventFast(JSON.parse(line) as Json), name).toBeUndefined();
          const parsed = parseRecord(line);
          expect(parsed.ok && JSON.stringify(parsed.record.body)).toBe(
            JSON.stringify(zodBody(line)),
          );
        }),
      );
    });
  });

  describe('when given ids of any code units', () => {
    it('answers only what zod answers, and defers whenever zod refuses', () => {
      const ids = fc.record({ id: anyIdArb, actor: anyIdArb, ticket: anyIdArb, target: anyIdArb });
      fc.assert(
        fc.property(validEventArb, ids, (event, { target, ...some }) => {
          const line = JSON.stringify({
            ...event,
            ...some,
            target: { type: 'review', id: target },
          });
          const fast = parseEventFast(JSON.parse(line) as Json);
          const full = parseWithSchema(JSON.parse(line) as Json, 'event');
          if (!full.ok) expect(fast).toBeUndefined();
          else if (fast !== undefined)
            expect(JSON.stringify(fast)).toBe(JSON.stringify(full.record.body));
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('when attrs reach the JSON limits', () => {
    it('defers to zod, which refuses exactly the lines past them, with their code and field', () => {
      fc.assert(
        fc.property(validEventArb, edgyAttrsTextArb, (event, attrs) => {
          const { attrs: _a, ...rest } = event;
          const line = `${JSON.stringify(rest).slice(0, -1)},"attrs":${attrs}}`;
          const obj = JSON.parse(line) as Json;
          const fast = parseEventFast(obj);
          const full = parseWithSchema(JSON.parse(line) as Json, 'event');
          const problem = jsonProblem((obj as { attrs: unknown }).attrs, 2);
          if (problem !== undefined) {
            expect(fast).toBeUndefined();
            expect(full.ok).toBe(false);
            const parsed = parseRecord(line);
            expect(!parsed.ok && parsed.code).toBe(problem.code);
            expect(!parsed.ok && parsed.field).toBe(['attrs', ...problem.path].join('.'));
            expect(!full.ok && full.code).toBe(problem.code);
          } else if (fast !== undefined) {
            expect(full.ok && JSON.stringify(full.record.body)).toBe(JSON.stringify(fast));
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
