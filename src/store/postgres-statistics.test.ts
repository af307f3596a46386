import { describe, expect, it } from 'vitest';
import type { PgConnection } from './postgres-connection.js';
import { noteGrowth } from './postgres-statistics.js';

/** A connection that only records the statements it is given. */
function recording(): { c: PgConnection; statements: string[] } {
  const statements: string[] = [];
  const c = {
    run: (sql: string) => {
      statements.push(sql);
      return Promise.resolve(0);
    },
  } as unknown as PgConnection;
  return { c, statements };
}

describe('noteGrowth', () => {
  describe('when an import keeps adding rows', () => {
    it('analyses at 10,000 rows, then each time the rows added double what it counted', async () => {
      const { c, statements } = recording();
      const analysedAt: number[] = [];
      let total = 0;
      for (let batch = 0; batch < 100; batch++) {
        const before = statements.length;
        total += 1000;
        await noteGrowth(c, 1000);
        if (statements.length > before) analysedAt.push(total);
      }
      expect(analysedAt).toEqual([10_000, 20_000, 40_000, 80_000]);
      expect(statements[0]).toBe('ANALYZE directory_current, directory_versions, events');
    });

    it('keeps a count per connection, and analyses nothing for a batch that added none', async () => {
      const a = recording();
      const b = recording();
      await noteGrowth(a.c, 9_999);
      await noteGrowth(b.c, 9_999);
      await noteGrowth(a.c, 0);
      expect(a.statements).toEqual([]);
      await noteGrowth(a.c, 1);
      expect(a.statements).toHaveLength(1);
      expect(b.statements).toEqual([]);
    });
  });
});
