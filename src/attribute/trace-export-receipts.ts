import type * as Zod from 'zod';
import { lazySchema } from '../domain/index.js';
import type { Store } from '../store/index.js';

/** The scheme name recorded with every fingerprinted export. */
export const EXPORT_SCHEME = 'tardos-symmetric-v1';

/**
 * What the ledger records of a fingerprinted export, in its request event's `attrs.export`:
 * enough to trace it (the code's design and length, the figure columns and their decimals)
 * and to prove which file went out (its SHA-256); no figure itself.
 */
function buildExportRecordSchema({ z }: typeof Zod) {
  return z.strictObject({
    id: z.string().min(1).max(64),
    scheme: z.literal(EXPORT_SCHEME),
    design: z.strictObject({
      recipients: z.number().int().min(1),
      coalition: z.number().int().min(1),
      epsilon: z.number().gt(0).lt(1),
    }),
    length: z.number().int().min(2),
    columns: z.record(z.string(), z.number().int().min(0).max(15)),
    marked: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  });
}

const schema = lazySchema(buildExportRecordSchema);

export type ExportRecord = Zod.infer<ReturnType<typeof buildExportRecordSchema>>;

/** One export as the ledger has it: who got it, when, in which event. */
export interface ExportReceipt {
  readonly record: ExportRecord;
  readonly recipient: string;
  readonly seller: string;
  readonly eventId: string;
  readonly leaf: number;
  readonly time: string;
}

/**
 * Every fingerprinted export the guard allowed, from the ledger's events, oldest first.
 * An export event whose record does not parse is counted, not trusted: someone wrote it
 * behind the guard, or another version of Warden did (`warden ledger verify` says which).
 */
export async function exportReceipts(
  store: Store,
): Promise<{ receipts: ExportReceipt[]; malformed: number }> {
  const receipts: ExportReceipt[] = [];
  let malformed = 0;
  for await (const { leaf, event } of store.guard.eventsOf(
    'seller.metrics.export',
    'allowed',
    true,
  )) {
    const raw = event.attrs?.['export'];
    if (raw === undefined) continue;
    const parsed = schema().safeParse(raw);
    if (!parsed.success) {
      malformed++;
      continue;
    }
    receipts.push({
      record: parsed.data,
      recipient: event.actor,
      seller: event.target.id,
      eventId: event.id,
      leaf,
      time: event.time,
    });
  }
  return { receipts, malformed };
}
