import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BipartiteGraph,
  csrFromEdges,
  density,
  fraudar,
  GraphError,
  type BipartiteEdge,
  type DenseBlock,
} from './fraudar.js';
import { mulberry32 } from './test-support.js';

const USERS = 400;
const OBJECTS = 200;

/** `count` single actions between random users and objects: the honest background. */
function background(seed: number, count: number): BipartiteEdge[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => ({
    user: Math.floor(random() * USERS),
    object: Math.floor(random() * OBJECTS),
    weight: 1,
  }));
}

/** Every user acting `times` times (as separate edges) for every object. */
function ring(users: number[], objects: number[], times: number, weight = 1): BipartiteEdge[] {
  const edges: BipartiteEdge[] = [];
  for (let t = 0; t < times; t++)
    for (const user of users) for (const object of objects) edges.push({ user, object, weight });
  return edges;
}

const RING_USERS = [17, 42, 99, 150, 233];
const RING_OBJECTS = [7, 61, 120];

const nodesOf = (b: DenseBlock | undefined): { users: number[]; objects: number[] } => ({
  users: b?.users ?? [],
  objects: b?.objects ?? [],
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return e instanceof GraphError ? e.code : 'not a GraphError';
  }
  return undefined;
}

describe('fraudar', () => {
  describe('when one ring is planted in a sparse background', () => {
    it.each([1, 2, 3, 4, 5])('finds exactly the ring as block 1 (seed %i)', (seed) => {
      const edges = [...background(seed, 400), ...ring(RING_USERS, RING_OBJECTS, 3)];
      const [first] = fraudar(USERS, OBJECTS, edges, { blocks: 3 });
      expect(nodesOf(first)).toEqual({ users: RING_USERS, objects: RING_OBJECTS });
    });

    it('reports the ring with merged edges, its mass, and the density that density() gives', () => {
      const edges = [...background(1, 400), ...ring(RING_USERS, RING_OBJECTS, 3)];
      const [first] = fraudar(USERS, OBJECTS, edges);
      const inside = edges.filter(
        (e) => RING_USERS.includes(e.user) && RING_OBJECTS.includes(e.object),
      );
      const merged = new Map<string, number>();
      for (const e of inside)
        merged.set(`${e.user}/${e.object}`, (merged.get(`${e.user}/${e.object}`) ?? 0) + e.weight);
      const reported = new Map(first?.edges.map((e) => [`${e.user}/${e.object}`, e.weight]));
      expect(reported).toEqual(merged);
      const g = density(USERS, OBJECTS, edges, RING_USERS, RING_OBJECTS);
      expect(first?.density).toBeCloseTo(g, 12);
      expect(first?.mass).toBeCloseTo(g * (RING_USERS.length + RING_OBJECTS.length), 12);
    });
  });

  describe('when the ring camouflages itself with popular sellers', () => {
    const POPULAR = [3, 88, 140];
    /** 1,000 extra fans each act once for two of the popular objects; the ring twice for all. */
    function camouflaged(seed: number): { users: number; edges: BipartiteEdge[] } {
      const random = mulberry32(seed + 100);
      const edges = [...background(seed, 400), ...ring(RING_USERS, RING_OBJECTS, 3)];
      for (let fan = USERS; fan < USERS + 1000; fan++) {
        const skip = Math.floor(random() * POPULAR.length);
        for (const [k, object] of POPULAR.entries())
          if (k !== skip) edges.push({ user: fan, object, weight: 1 });
      }
      edges.push(...ring(RING_USERS, POPULAR, 2));
      return { users: USERS + 1000, edges };
    }

    it.each([1, 2, 3])('still finds the ring, without the popular objects (seed %i)', (seed) => {
      const { users, edges } = camouflaged(seed);
      const [first] = fraudar(users, OBJECTS, edges);
      expect(nodesOf(first)).toEqual({ users: RING_USERS, objects: RING_OBJECTS });
    });

    it('takes the popular objects in when column weighting is switched off (the control)', () => {
      const { users, edges } = camouflaged(1);
      // ln(d + 1e300) is ln(1e300) for every degree here: uniform column weights
      const [first] = fraudar(users, OBJECTS, edges, { c: 1e300 });
      expect(first?.objects).toEqual(expect.arrayContaining(POPULAR));
    });
  });

  describe('when two rings are planted', () => {
    const second = { users: [5, 60, 200, 310], objects: [30, 90, 150, 190] };
    const edges = [
      ...background(7, 400),
      ...ring(RING_USERS, RING_OBJECTS, 3),
      ...ring(second.users, second.objects, 1),
    ];

    it('finds both, densest first', () => {
      const blocks = fraudar(USERS, OBJECTS, edges, { blocks: 2 });
      expect(blocks.map(nodesOf)).toEqual([
        { users: RING_USERS, objects: RING_OBJECTS },
        { users: second.users, objects: second.objects },
      ]);
      expect(blocks[0]!.density).toBeGreaterThan(blocks[1]!.density);
    });

    it('stops at minDensity', () => {
      const both = fraudar(USERS, OBJECTS, edges, { blocks: 2 });
      const between = (both[0]!.density + both[1]!.density) / 2;
      const blocks = fraudar(USERS, OBJECTS, edges, { blocks: 5, minDensity: between });
      expect(blocks.map(nodesOf)).toEqual([{ users: RING_USERS, objects: RING_OBJECTS }]);
    });
  });

  describe('when edges carry weights', () => {
    const heavy = { users: [300, 320, 340, 360], objects: [160, 170, 180] };
    const light = { users: [10, 20, 30, 40, 50, 60], objects: [11, 22, 33] };
    const planted = (heavyWeight: number): BipartiteEdge[] => [
      ...background(11, 400),
      ...ring(light.users, light.objects, 2, 1),
      ...ring(heavy.users, heavy.objects, 1, heavyWeight),
    ];

    it('ranks the heavier ring first, though it is the smaller', () => {
      const blocks = fraudar(USERS, OBJECTS, planted(5), { blocks: 2 });
      expect(blocks.map(nodesOf)).toEqual([heavy, light]);
    });

    it('ranks the larger ring first when the smaller weighs 1 an edge (the control)', () => {
      const [first] = fraudar(USERS, OBJECTS, planted(1), { blocks: 2 });
      expect(nodesOf(first)).toEqual(light);
    });
  });

  describe('when there is nothing to find', () => {
    it('returns no block for the empty graph', () => {
      expect(fraudar(0, 0, [], { blocks: 3 })).toEqual([]);
    });

    it('returns no block for nodes without edges', () => {
      expect(fraudar(10, 20, [], { blocks: 3 })).toEqual([]);
    });

    it('returns no block for edges that weigh nothing', () => {
      expect(fraudar(2, 2, [{ user: 0, object: 1, weight: 0 }])).toEqual([]);
    });
  });

  describe('when nodes carry priors', () => {
    it('finds the most suspicious node alone when there are no edges', () => {
      const blocks = fraudar(3, 2, [], { userPrior: Float64Array.of(0, 2, 0.5), blocks: 2 });
      expect(blocks.map((b) => [b.users, b.objects, b.density])).toEqual([
        [[1], [], 2],
        [[2], [], 0.5],
      ]);
    });
  });

  describe('when the input is hostile', () => {
    const edge = (user: number, object: number, weight: number): BipartiteEdge => ({
      user,
      object,
      weight,
    });

    it.each([
      ['a user out of range', () => fraudar(2, 2, [edge(2, 0, 1)]), 'INVALID_EDGE'],
      ['a fractional object', () => fraudar(2, 2, [edge(0, 0.5, 1)]), 'INVALID_EDGE'],
      ['a negative weight', () => fraudar(2, 2, [edge(0, 0, -1)]), 'INVALID_EDGE'],
      ['a NaN weight', () => fraudar(2, 2, [edge(0, 0, NaN)]), 'INVALID_EDGE'],
      ['a negative size', () => fraudar(-1, 2, []), 'INVALID_SIZE'],
      ['too many nodes', () => fraudar(2 ** 31 - 1, 1, []), 'INVALID_SIZE'],
      ['c ≤ 1', () => fraudar(1, 1, [], { c: 1 }), 'INVALID_OPTION'],
      ['fractional blocks', () => fraudar(1, 1, [], { blocks: 1.5 }), 'INVALID_OPTION'],
      ['a negative minDensity', () => fraudar(1, 1, [], { minDensity: -1 }), 'INVALID_OPTION'],
      [
        'a short prior',
        () => fraudar(2, 1, [], { userPrior: new Float64Array(1) }),
        'INVALID_PRIOR',
      ],
      [
        'a negative prior',
        () => fraudar(1, 1, [], { objectPrior: Float64Array.of(-1) }),
        'INVALID_PRIOR',
      ],
      ['a set node out of range', () => density(2, 2, [], [2], []), 'INVALID_EDGE'],
    ])('refuses %s', (_, run, code) => {
      expect(codeOf(run)).toBe(code);
    });
  });
});

describe('density', () => {
  // users 0, 1; objects 0, 1; edge (0, 1) given twice. Weighted degrees: object 0: 1 + 1 = 2,
  // object 1: 1 + 1 = 2; so every edge weighs w / ln(2 + 5) = w / ln 7.
  const edges: BipartiteEdge[] = [
    { user: 0, object: 0, weight: 1 },
    { user: 0, object: 1, weight: 1 },
    { user: 0, object: 1, weight: 1 },
    { user: 1, object: 0, weight: 1 },
  ];
  const LN7 = 1.9459101490553132; // ln 7

  it('matches a hand computation', () => {
    // S = {user 0, object 0, object 1}: f = (1 + 2) / ln 7, |S| = 3
    expect(density(2, 2, edges, [0], [0, 1])).toBeCloseTo(3 / LN7 / 3, 12);
    // S = everything: f = 4 / ln 7, |S| = 4
    expect(density(2, 2, edges, [0, 1], [0, 1])).toBeCloseTo(1 / LN7, 12);
    // S = {user 1, object 1}: no edge inside
    expect(density(2, 2, edges, [1], [1])).toBe(0);
  });

  it('adds the priors of the nodes in the set, counts repeated nodes once, and takes c', () => {
    const userPrior = Float64Array.of(0.5, 9);
    expect(density(2, 2, edges, [0, 0], [0, 1], { userPrior })).toBeCloseTo(
      (3 / LN7 + 0.5) / 3,
      12,
    );
    expect(density(2, 2, edges, [0], [1], { c: 10 })).toBeCloseTo(2 / Math.log(12) / 2, 12);
  });

  it('is 0 for the empty set', () => {
    expect(density(2, 2, edges, [], [])).toBe(0);
  });
});

const priors = (n: number): fc.Arbitrary<Float64Array> =>
  fc.float64Array({ minLength: n, maxLength: n, min: 0, max: 2, noNaN: true });

/** Small random weighted graphs, with or without priors, for the properties. */
const smallGraph = fc
  .record({ users: fc.integer({ min: 1, max: 5 }), objects: fc.integer({ min: 1, max: 5 }) })
  .chain(({ users, objects }) =>
    fc.record({
      users: fc.constant(users),
      objects: fc.constant(objects),
      edges: fc.array(
        fc.record({
          user: fc.integer({ min: 0, max: users - 1 }),
          object: fc.integer({ min: 0, max: objects - 1 }),
          weight: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 10, noNaN: true })),
        }),
        { maxLength: 20 },
      ),
      options: fc.record(
        {
          userPrior: priors(users),
          objectPrior: priors(objects),
        },
        { requiredKeys: [] },
      ),
    }),
  );

describe('fraudar, as properties', () => {
  const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  it('never returns a block less dense than the whole graph', () => {
    fc.assert(
      fc.property(smallGraph, ({ users, objects, edges, options }) => {
        const whole = density(users, objects, edges, all(users), all(objects), options);
        const [best] = fraudar(users, objects, edges, options);
        if (best === undefined) expect(whole).toBe(0);
        else expect(best.density).toBeGreaterThanOrEqual(whole * (1 - 1e-12));
      }),
    );
  });

  it('is within a factor 2 of the densest subgraph, as the paper proves (brute force)', () => {
    fc.assert(
      fc.property(smallGraph, ({ users, objects, edges, options }) => {
        let optimum = 0;
        for (let mask = 1; mask < 2 ** (users + objects); mask++) {
          const set = all(users + objects).filter((v) => mask & (1 << v));
          const us = set.filter((v) => v < users);
          const os = set.filter((v) => v >= users).map((v) => v - users);
          optimum = Math.max(optimum, density(users, objects, edges, us, os, options));
        }
        const [best] = fraudar(users, objects, edges, options);
        expect(best?.density ?? 0).toBeGreaterThanOrEqual((optimum / 2) * (1 - 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  it('reports the density that density() gives for the same nodes', () => {
    fc.assert(
      fc.property(smallGraph, ({ users, objects, edges, options }) => {
        const [best] = fraudar(users, objects, edges, options);
        fc.pre(best !== undefined);
        const g = density(users, objects, edges, best.users, best.objects, options);
        expect(best.density).toBeCloseTo(g, 10);
      }),
    );
  });
});

describe('BipartiteGraph', () => {
  describe('when edges arrive one by one', () => {
    it('keeps weighted degrees and merged weights current', () => {
      const graph = new BipartiteGraph();
      graph.add(2, 5, 1);
      graph.add(2, 5, 2);
      graph.add(0, 5);
      graph.add(40, 1, 0.5);
      expect([graph.users, graph.objects, graph.edges]).toEqual([41, 6, 3]);
      expect([graph.userDegree(2), graph.userDegree(40), graph.userDegree(1)]).toEqual([3, 0.5, 0]);
      expect([graph.objectDegree(5), graph.objectDegree(1), graph.objectDegree(99)]).toEqual([
        4, 0.5, 0,
      ]);
      expect([graph.weight(2, 5), graph.weight(2, 4), graph.weight(77, 5)]).toEqual([3, 0, 0]);
    });

    it('builds the same rows as the edge list, and finds the same ring', () => {
      const edges = [...background(3, 400), ...ring(RING_USERS, RING_OBJECTS, 3)];
      const graph = new BipartiteGraph(USERS, OBJECTS);
      for (const e of edges) graph.add(e.user, e.object, e.weight);
      const rows = (csr: ReturnType<typeof csrFromEdges>): string[] =>
        Array.from(csr.targets, (j, e) => `${j}:${csr.weights[e]}`).sort();
      const direct = csrFromEdges(USERS, OBJECTS, edges);
      expect(graph.toCsr().offsets).toEqual(direct.offsets);
      expect(rows(graph.toCsr())).toEqual(rows(direct));
      expect(graph.fraudar({ blocks: 2 }).map(nodesOf)).toEqual(
        fraudar(USERS, OBJECTS, edges, { blocks: 2 }).map(nodesOf),
      );
    });

    it('refuses a hostile edge', () => {
      expect(codeOf(() => new BipartiteGraph().add(-1, 0))).toBe('INVALID_EDGE');
      expect(codeOf(() => new BipartiteGraph().add(0, 0, Infinity))).toBe('INVALID_EDGE');
    });
  });
});
