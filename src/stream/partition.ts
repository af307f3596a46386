import { createHash } from 'node:crypto';
import { recordKey, type InterchangeRecord } from '../domain/index.js';

/**
 * The partition of an actor's events: the first four bytes of SHA-256 of the actor id (UTF-8),
 * big-endian, modulo the partition count. Every event of one actor lands in one partition, so
 * the per-actor detectors see all of an actor's events in one ledger; the hash spreads actors
 * evenly whatever their ids look like. Fixed by the count recorded with the stream.
 */
export function partitionOf(actor: string, partitions: number): number {
  return createHash('sha256').update(actor, 'utf8').digest().readUInt32BE(0) % partitions;
}

/**
 * What decides a record's partition: an event's actor; an employee record's own id and an
 * assignment's employee, so that an employee's record and assignments land with their events;
 * any other directory record its kind and key (`seller\0s-1`). Every version of one directory
 * record has the same key, so its versions keep their order in one partition ledger, and each
 * record goes to one partition only: the directory is written once, spread like the events.
 */
export function partitionKeyOf(record: InterchangeRecord): string {
  switch (record.kind) {
    case 'event':
      return record.body.actor;
    case 'employee':
      return record.body.id;
    case 'assignment':
      return record.body.employeeId;
    default:
      return `${record.kind}\u0000${recordKey(record)}`;
  }
}

/**
 * Parses a list of partitions, `0,1,3` or a range `0-3`, each below `count` when given.
 * Returns them sorted, without repeats; throws a RangeError naming the bad item.
 */
export function parsePartitionList(text: string, count?: number): number[] {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(item.trim());
    if (!range) throw new RangeError(`"${item}" is not a partition number or a range like 0-3`);
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) throw new RangeError(`${item}: the range ends before it starts`);
    for (let p = first; p <= last; p++) {
      if (count !== undefined && p >= count)
        throw new RangeError(
          `partition ${p} does not exist (the stream has ${count}: 0-${count - 1})`,
        );
      out.add(p);
    }
  }
  return [...out].sort((a, b) => a - b);
}
