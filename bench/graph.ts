import {
  BipartiteGraph,
  csrFromEdges,
  fraudar,
  type BipartiteEdge,
  type DenseBlock,
} from '../src/detect/fraudar.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

/** The brief for Fraudar: a run at 10^6 edges within 10 s on one core. */
const FLOOR_SECONDS = 10;
const SIZES = [10_000, 100_000, 1_000_000];
const BLOCKS = 3;
const SEED = 1;
/** The planted ring: 20 employees × 10 sellers, 3 actions a pair. */
const RING_USERS = 20;
const RING_OBJECTS = 10;
const RING_WEIGHT = 3;
/** A day's worth of new edges, as a share of the graph. */
const DAY_SHARE = 0.01;

interface Workload {
  users: number;
  objects: number;
  edges: BipartiteEdge[];
  ring: { users: number[]; objects: number[] };
}

export interface GraphSizeResult {
  edges: number;
  users: number;
  objects: number;
  rounds: number;
  /** Medians: the baseline (rows + one summing pass) and fraudar (rows + 3 blocks). */
  baseSeconds: number;
  seconds: number;
  /** Median of the per-round ratios fraudar time / baseline time. */
  ratio: number;
  /** How block 1 covers the planted ring: ring nodes in it, and other nodes in it. */
  ring: { users: number; objects: number; otherUsers: number; otherObjects: number };
}

export interface IncrementalResult {
  edges: number;
  added: number;
  /** Medians: `add` of the day's edges; then `graph.fraudar`; a full rebuild from the list + run. */
  addSeconds: number;
  runSeconds: number;
  fullSeconds: number;
  sameBlocks: boolean;
}

export interface GraphResult {
  sizes: GraphSizeResult[];
  /** Median time at each size ÷ at the size before (10× the edges). */
  growth: number[];
  incremental: IncrementalResult;
}

/**
 * `graph`: Fraudar (3 blocks) on random bipartite graphs — uniform users, power-law object
 * degrees, one planted 20 × 10 ring — at 10^4, 10^5 and 10^6 edges (users ≈ edges / 20,
 * objects ≈ edges / 50). The baseline, in the same rounds with the order alternated, builds the
 * same rows (`csrFromEdges`) and makes one pass summing the weights per node: linear work over
 * the same edges, so the paired ratio is the cost of peeling. Then the incremental path at the
 * largest size: a `BipartiteGraph` holding 99 % of the edges takes the last 1 % (a day's worth)
 * and runs on demand, against a full rebuild and run. The largest size runs `largeRounds`
 * times. A few untimed runs on the smallest graph warm the JIT first. BENCH_SCALE scales the
 * edge counts. `dir` is unused (no files are written).
 */
export function benchGraph(
  _dir: string,
  scale: number,
  rounds: number,
  largeRounds: number,
): Promise<GraphResult> {
  // untimed: the first calls run in the interpreter, which would bill the smallest size
  const warm = workload(Math.max(1000, Math.round(SIZES[0]! * scale)), SEED);
  for (let r = 0; r < 3; r++) {
    timeBaseline(warm);
    fraudar(warm.users, warm.objects, warm.edges, { blocks: BLOCKS });
  }
  const sizes: GraphSizeResult[] = [];
  let largest: Workload | undefined;
  for (const [i, size] of SIZES.entries()) {
    const last = i === SIZES.length - 1;
    const work = workload(Math.max(1000, Math.round(size * scale)), SEED + i);
    sizes.push(timeSize(work, last ? largeRounds : rounds));
    if (last) largest = work;
  }
  const growth = sizes.slice(1).map((s, i) => s.seconds / sizes[i]!.seconds);
  printTable(sizes, growth);
  const incremental = timeIncremental(largest!, largeRounds);
  const top = sizes[sizes.length - 1]!;
  const sized = scale === 1 ? '' : ` at BENCH_SCALE ${scale}`;
  console.log(
    `graph${sized}: fraudar (${BLOCKS} blocks) at ${top.edges.toLocaleString('en-US')} edges ${top.seconds.toFixed(2)} s (edges ${fmtRate(top.edges / top.seconds)}), ${top.ratio.toFixed(1)}× the linear baseline; growth per 10× edges ${growth.map((g) => `${g.toFixed(1)}×`).join(', ')} (floor ≤ ${FLOOR_SECONDS} s at 10^6 edges: ${verdict(top.seconds <= FLOOR_SECONDS)})`,
  );
  return Promise.resolve({ sizes, growth, incremental });
}

function timeSize(work: Workload, rounds: number): GraphSizeResult {
  const base: number[] = [];
  const runs: number[] = [];
  let blocks: DenseBlock[] = [];
  for (let r = 0; r < rounds; r++) {
    // adjacent runs, order alternated, so that the machine's drift falls on both sides
    if (r % 2 === 0) base.push(timeBaseline(work));
    const start = process.hrtime.bigint();
    blocks = fraudar(work.users, work.objects, work.edges, { blocks: BLOCKS });
    runs.push(elapsed(start));
    if (r % 2 === 1) base.push(timeBaseline(work));
    console.log(
      `  ${work.edges.length.toLocaleString('en-US')} edges, round ${r + 1}/${rounds}: baseline ${ms(base[r]!)}, fraudar ${ms(runs[r]!)} (edges ${fmtRate(work.edges.length / runs[r]!)}), ratio ${(runs[r]! / base[r]!).toFixed(1)}`,
    );
  }
  return {
    edges: work.edges.length,
    users: work.users,
    objects: work.objects,
    rounds,
    baseSeconds: median(base),
    seconds: median(runs),
    ratio: median(runs.map((s, r) => s / base[r]!)),
    ring: cover(blocks[0], work.ring),
  };
}

/** Rows, then one pass summing the weights at both ends of every edge. */
function timeBaseline(work: Workload): number {
  const start = process.hrtime.bigint();
  const csr = csrFromEdges(work.users, work.objects, work.edges);
  const sums = new Float64Array(csr.users + csr.objects);
  for (let u = 0; u < csr.users; u++)
    for (let e = csr.offsets[u]!; e < csr.offsets[u + 1]!; e++) {
      sums[u]! += csr.weights[e]!;
      sums[csr.users + csr.targets[e]!]! += csr.weights[e]!;
    }
  const seconds = elapsed(start);
  if (!(sums.reduce((a, b) => a + b, 0) > 0)) throw new Error('graph bench: the baseline summed 0');
  return seconds;
}

function timeIncremental(work: Workload, rounds: number): IncrementalResult {
  const split = Math.round(work.edges.length * (1 - DAY_SHARE));
  const day = work.edges.slice(split);
  const adds: number[] = [];
  const runs: number[] = [];
  const fulls: number[] = [];
  let same = true;
  for (let r = 0; r < rounds; r++) {
    const graph = new BipartiteGraph(work.users, work.objects);
    for (let i = 0; i < split; i++) {
      const e = work.edges[i]!;
      graph.add(e.user, e.object, e.weight);
    }
    let start = process.hrtime.bigint();
    for (const e of day) graph.add(e.user, e.object, e.weight);
    adds.push(elapsed(start));
    start = process.hrtime.bigint();
    const incremental = graph.fraudar({ blocks: BLOCKS });
    runs.push(elapsed(start));
    start = process.hrtime.bigint();
    const full = fraudar(work.users, work.objects, work.edges, { blocks: BLOCKS });
    fulls.push(elapsed(start));
    same &&= incremental.every((b, k) => sameNodes(b, full[k]));
    console.log(
      `  incremental, round ${r + 1}/${rounds}: add ${day.length.toLocaleString('en-US')} edges ${ms(adds[r]!)}, then run ${ms(runs[r]!)}; full rebuild + run ${ms(fulls[r]!)}`,
    );
  }
  const result: IncrementalResult = {
    edges: work.edges.length,
    added: day.length,
    addSeconds: median(adds),
    runSeconds: median(runs),
    fullSeconds: median(fulls),
    sameBlocks: same,
  };
  const { addSeconds, runSeconds, fullSeconds } = result;
  console.log(
    `incremental at ${result.edges.toLocaleString('en-US')} edges (medians): adding a day (${result.added.toLocaleString('en-US')} edges, ${DAY_SHARE * 100} %) ${ms(addSeconds)} (edges ${fmtRate(result.added / addSeconds)}) = ${((addSeconds / fullSeconds) * 100).toFixed(2)} % of a full rebuild + run (${ms(fullSeconds)}); add + run on demand ${ms(addSeconds + runSeconds)} = ${((addSeconds + runSeconds) / fullSeconds).toFixed(2)}× the full; same blocks as the full run: ${same ? 'yes' : 'NO'}`,
  );
  return result;
}

function printTable(sizes: GraphSizeResult[], growth: number[]): void {
  const header = [
    'edges',
    'users',
    'objects',
    'rounds',
    'baseline',
    'fraudar (k=3)',
    'fraudar edges/s',
    'paired ratio',
    'growth',
    'ring in block 1',
  ];
  const rows = sizes.map((s, i) => [
    s.edges.toLocaleString('en-US'),
    s.users.toLocaleString('en-US'),
    s.objects.toLocaleString('en-US'),
    String(s.rounds),
    ms(s.baseSeconds),
    ms(s.seconds),
    fmtRate(s.edges / s.seconds),
    s.ratio.toFixed(1),
    i === 0 ? '' : `${growth[i - 1]!.toFixed(1)}×`,
    `${s.ring.users}/${RING_USERS} + ${s.ring.otherUsers}, ${s.ring.objects}/${RING_OBJECTS} + ${s.ring.otherObjects}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(
    'medians; paired ratio = fraudar time ÷ baseline time (rows + one summing pass), per round; growth = time ÷ time at 10× fewer edges; ring in block 1 = planted employees found / 20 + others, sellers found / 10 + others',
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

/**
 * `edges` edges over edges/20 users (uniform) and edges/50 objects (power-law: object
 * ⌊objects · r³⌋, so a few sellers draw most of the actions), one ring planted among them.
 */
function workload(edges: number, seed: number): Workload {
  const random = mulberry32(seed);
  const users = Math.max(RING_USERS, Math.round(edges / 20));
  const objects = Math.max(RING_OBJECTS, Math.round(edges / 50));
  const ring = {
    users: distinct(random, users, RING_USERS),
    objects: distinct(random, objects, RING_OBJECTS),
  };
  const planted: BipartiteEdge[] = [];
  for (const user of ring.users)
    for (const object of ring.objects) planted.push({ user, object, weight: RING_WEIGHT });
  // the ring's edges arrive at random points among the rest, as a day's would; each edge is
  // allocated in list order, so that the list reads through memory as a parsed stream would
  const list: BipartiteEdge[] = [];
  let next = 0;
  while (list.length < edges) {
    const left = planted.length - next;
    const ringEdge = left > 0 && random() * (edges - list.length) < left;
    const { user, object, weight } = ringEdge
      ? planted[next++]!
      : {
          user: Math.floor(random() * users),
          object: Math.floor(objects * random() ** 3),
          weight: 1,
        };
    list.push({ user, object, weight }); // one literal: one hidden class for every edge
  }
  return { users, objects, edges: list, ring };
}

function distinct(random: () => number, n: number, k: number): number[] {
  const picked = new Set<number>();
  while (picked.size < k) picked.add(Math.floor(random() * n));
  return [...picked].sort((a, b) => a - b);
}

function cover(
  block: DenseBlock | undefined,
  ring: { users: number[]; objects: number[] },
): GraphSizeResult['ring'] {
  const users = new Set(ring.users);
  const objects = new Set(ring.objects);
  const found = (xs: number[] | undefined, of: Set<number>): number =>
    (xs ?? []).filter((x) => of.has(x)).length;
  const u = found(block?.users, users);
  const o = found(block?.objects, objects);
  return {
    users: u,
    objects: o,
    otherUsers: (block?.users.length ?? 0) - u,
    otherObjects: (block?.objects.length ?? 0) - o,
  };
}

function sameNodes(
  block: DenseBlock | undefined,
  nodes: { users: number[]; objects: number[] } | undefined,
): boolean {
  const same = (a: number[] | undefined, b: number[] | undefined): boolean =>
    a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  return same(block?.users, nodes?.users) && same(block?.objects, nodes?.objects);
}

/** mulberry32 (Tommy Ettinger): a tiny seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ms = (seconds: number): string =>
  seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
