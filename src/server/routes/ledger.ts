import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyInclusion, type Ledger } from '../../ledger/index.js';
import type { StoredCheckpoint } from '../../store/index.js';
import type { RouteContext } from '../route-context.js';
import { ServerError } from '../errors.js';
import { page, pageQuery } from '../pages.js';

const b64 = (b: Buffer): string => b.toString('base64');
const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const inclusionQuery = z
  .object({
    record: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe('an event id, or kind:key of a directory record'),
    index: size.optional().describe('a leaf index'),
    size: size.optional().describe('the tree size to prove against (default: the head)'),
  })
  .refine((q) => (q.record === undefined) !== (q.index === undefined), {
    message: 'give exactly one of record or index',
  });
const consistencyQuery = z.object({ from: size, to: size });

/**
 * The ledger as `warden ledger export-checkpoint|prove|consistency` give it, from the
 * read-only connection: signed checkpoints, and RFC 9162 proofs a client checks against them
 * with the verifier key (the server's answer is evidence, not a verdict to trust).
 */
export function registerLedgerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const reader = ctx.deps.reader;
  const tags = ['ledger'];
  r.get(
    '/ledger/checkpoint',
    {
      config: { scope: 'ledger' },
      schema: { summary: 'the newest signed checkpoint and the verifier key', tags },
    },
    async () => {
      const ledger = await reader.ledger();
      const cp = await reader.store.ledger.latestCheckpoint();
      if (!cp) throw new ServerError('NOT_FOUND', 'the ledger has no checkpoint yet');
      return { ...checkpointOut(cp), verifierKey: ledger.verifierKey(), ledgerSize: ledger.size };
    },
  );
  r.get(
    '/ledger/checkpoints',
    {
      config: { scope: 'ledger' },
      schema: { summary: 'every signed checkpoint, oldest first', tags, querystring: pageQuery },
    },
    async (request) => {
      // checkpoints are only appended: a cursor stays valid as the list grows
      const all = await reader.store.ledger.checkpoints();
      return page(all.map(checkpointOut), request.query, 'append');
    },
  );
  r.get(
    '/ledger/inclusion',
    {
      config: { scope: 'ledger' },
      schema: {
        summary: 'an inclusion proof (RFC 9162 §2.1.3)',
        tags,
        querystring: inclusionQuery,
      },
    },
    async (request) => {
      const ledger = await reader.ledger();
      const q = request.query;
      const treeSize = q.size ?? ledger.size;
      const index = q.index ?? (await leafOf(ctx, q.record ?? ''));
      if (index >= treeSize) {
        throw new ServerError(
          'BAD_REQUEST',
          `query index: leaf ${index} is not in a tree of ${treeSize} leaves`,
        );
      }
      return inclusion(ledger, index, treeSize);
    },
  );
  r.get(
    '/ledger/consistency',
    {
      config: { scope: 'ledger' },
      schema: {
        summary: 'a consistency proof (RFC 9162 §2.1.4)',
        tags,
        querystring: consistencyQuery,
      },
    },
    async (request) => {
      const ledger = await reader.ledger();
      const { from, to } = request.query;
      if (from > to || to > ledger.size) {
        throw new ServerError(
          'BAD_REQUEST',
          `query from/to: need from ≤ to ≤ ${ledger.size} (the head)`,
        );
      }
      const proof = await ledger.proveConsistency(from, to);
      return {
        size1: from,
        size2: to,
        root1: b64(await ledger.rootAt(from)),
        root2: b64(await ledger.rootAt(to)),
        proof: proof.map(b64),
      };
    },
  );
}

function checkpointOut(cp: StoredCheckpoint): object {
  return { size: cp.size, rootHash: b64(cp.rootHash), note: cp.note, createdAt: cp.createdAt };
}

async function leafOf(ctx: RouteContext, record: string): Promise<number> {
  const leaf = await ctx.deps.reader.store.ledger.leafOf(record);
  if (leaf === undefined)
    throw new ServerError(
      'NOT_FOUND',
      `no record ${record} in the ledger (directory records are kind:key)`,
    );
  return leaf;
}

async function inclusion(ledger: Ledger, index: number, treeSize: number): Promise<object> {
  const proof = await ledger.proveInclusion(index, treeSize);
  const leaf = await ledger.leafHashAt(index);
  const root = await ledger.rootAt(treeSize);
  verifyInclusion(index, treeSize, leaf, proof, root); // never hand out a proof that fails
  return { index, treeSize, leafHash: b64(leaf), rootHash: b64(root), proof: proof.map(b64) };
}
