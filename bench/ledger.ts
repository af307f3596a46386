import { createHash, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { MerkleTree } from 'merkletreejs';
import type { AccessEvent } from '../src/domain/index.js';
import {
  Ledger,
  TileWriter,
  encodeLeafData,
  generateSignerKey,
  leafHash,
  verifyInclusion,
} from '../src/ledger/index.js';
import { SqliteStore } from '../src/store/index.js';
import { removeDb } from './ingest.js';
import { elapsed, fmtRate, median, percentile, verdict } from './stats.js';

const CHUNK = 10_000;

function makeEvents(n: number): AccessEvent[] {
  const t0 = Date.UTC(2026, 2, 2);
  return Array.from({ length: n }, (_, i) => ({
    id: `ev-${i}`,
    time: new Date(t0 + i * 997).toISOString(),
    actor: `e-${i % 3000}`,
    action: 'seller.metrics.view',
    target: { type: 'seller', id: `s-${(i * 7919) % 50000}` },
    ticket: `t-${i % 20000}`,
    context: { ip: `10.0.${i % 250}.${i % 200}`, session: `s-${Math.floor(i / 40)}` },
  }));
}

/** (a) durable appends against the same rows inserted without the ledger, in the same run. */
export async function benchAppends(
  dir: string,
  n: number,
  rounds: number,
): Promise<Record<string, number>> {
  const events = makeEvents(n);
  const plain: number[] = [];
  const ledgered: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // adjacent runs, order alternated, so that the machine's drift falls on both sides
    if (r % 2 === 0) plain.push(await insertRows(join(dir, `plain-${r}.db`), events, false));
    ledgered.push(await insertRows(join(dir, `ledger-${r}.db`), events, true));
    if (r % 2 === 1) plain.push(await insertRows(join(dir, `plain-${r}.db`), events, false));
    console.log(
      `  round ${r + 1}/${rounds}: without ledger ${fmtRate(n / plain[r]!)}, with ledger ${fmtRate(n / ledgered[r]!)}`,
    );
  }
  const ratio = median(plain.map((p, r) => p / ledgered[r]!)); // median of the paired ratios
  console.log(
    `ledger appends ${n.toLocaleString('en-US')}: without ${fmtRate(n / median(plain))}, with ${fmtRate(n / median(ledgered))}, ratio ${ratio.toFixed(2)} (floor 0.6: ${verdict(ratio >= 0.6)})`,
  );
  return { plainRate: n / median(plain), ledgerRate: n / median(ledgered), ratio };
}

async function insertRows(
  path: string,
  events: AccessEvent[],
  withLedger: boolean,
): Promise<number> {
  const store = SqliteStore.open(path);
  const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
  const start = process.hrtime.bigint();
  let leaf = 0;
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    const tx = await store.begin();
    // hashing (on the worker thread) overlaps the inserts; tiles land in the same transaction
    if (withLedger) for (const body of chunk) ledger.appendRecord({ kind: 'event', body });
    await tx.insertEvents(chunk, leaf);
    leaf += chunk.length;
    if (withLedger) await ledger.persist(tx);
    await tx.commit();
  }
  if (withLedger) {
    const tx = await store.begin();
    await ledger.checkpoint(tx, new Date().toISOString());
    await tx.commit();
  }
  const seconds = elapsed(start);
  await ledger.close();
  await store.close();
  removeDb(path);
  return seconds;
}

/** (b) building a tree of n leaves: Warden's appending tiles against merkletreejs (which rebuilds). */
export function benchBuild(n: number, rounds: number): Record<string, number> {
  const leaves = makeEvents(n).map((body) => encodeLeafData({ kind: 'event', body }));
  const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let start = process.hrtime.bigint();
    const writer = new TileWriter();
    for (const leaf of leaves) writer.append(leafHash(leaf));
    writer.root();
    ours.push(elapsed(start));
    start = process.hrtime.bigint();
    new MerkleTree(leaves, sha256, { hashLeaves: true }).getRoot();
    theirs.push(elapsed(start));
    console.log(
      `  round ${r + 1}/${rounds}: warden ${ours[r]!.toFixed(2)} s, merkletreejs ${theirs[r]!.toFixed(2)} s`,
    );
  }
  const ratio = median(theirs) / median(ours);
  console.log(
    `tree of ${n.toLocaleString('en-US')} leaves: warden ${median(ours).toFixed(2)} s, merkletreejs ${median(theirs).toFixed(2)} s: warden ${ratio.toFixed(1)}× faster (${verdict(ratio > 1)})`,
  );
  return { warden: median(ours), merkletreejs: median(theirs), ratio };
}

/** (c) inclusion proofs at n leaves, from tiles stored in SQLite: p50 of generation and verification. */
export async function benchProofs(
  dir: string,
  n: number,
  samples: number,
): Promise<Record<string, number>> {
  const path = join(dir, 'proofs.db');
  const store = SqliteStore.open(path);
  const writer = new TileWriter();
  for (let i = 0; i < n; i += CHUNK) {
    for (let k = i; k < Math.min(n, i + CHUNK); k++)
      writer.append(leafHash(Buffer.from(`leaf ${k}`)));
    const tx = await store.begin();
    await tx.putTiles(writer.takeDirtyTiles());
    await tx.setLedgerSize(writer.size);
    await tx.commit();
  }
  const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
  const root = ledger.root();
  const gen: number[] = [];
  const ver: number[] = [];
  for (let s = 0; s < samples; s++) {
    const index = randomInt(0, n);
    let start = process.hrtime.bigint();
    const proof = await ledger.proveInclusion(index);
    gen.push(elapsed(start) * 1e6);
    const leaf = leafHash(Buffer.from(`leaf ${index}`));
    start = process.hrtime.bigint();
    verifyInclusion(index, n, leaf, proof, root);
    ver.push(elapsed(start) * 1e6);
  }
  await ledger.close();
  await store.close();
  removeDb(path);
  const out = {
    genP50: median(gen),
    genP99: percentile(gen, 99),
    verP50: median(ver),
    verP99: percentile(ver, 99),
  };
  console.log(
    `inclusion proofs at ${n.toLocaleString('en-US')} leaves (${samples} random leaves, tiles in SQLite): generation p50 ${out.genP50.toFixed(1)} µs (p99 ${out.genP99.toFixed(1)}), verification p50 ${out.verP50.toFixed(1)} µs (p99 ${out.verP99.toFixed(1)}) (floor p50 ≤ 100 µs: ${verdict(out.genP50 <= 100 && out.verP50 <= 100)})`,
  );
  return out;
}
