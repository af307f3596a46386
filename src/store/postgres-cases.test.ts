import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { pgTestSchemas } from './postgres-test-support.js';

const schemas = await pgTestSchemas();

if ('skip' in schemas) {
  describe.skip(`PostgreSQL cases (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  afterAll(() => schemas.dropAll());
  describe('PostgreSQL legal holds', () => {
    describe('when another process places a hold', () => {
      it('is seen by the next begin(), before this process writes or erases', async () => {
        const url = schemas.url();
        const a = await PostgresStore.open(url);
        const b = await PostgresStore.open(url);
        const tx = await b.begin();
        await tx.putCase({
          id: 'c-1',
          title: 't',
          status: 'open',
          openedBy: 'e-9',
          openedAt: 't',
          heldAt: 'h',
          heldBy: 'e-9',
          eventId: 'x',
        });
        await tx.putCaseMember({
          caseId: 'c-1',
          kind: 'employee',
          ref: 'e-1',
          addedAt: 't',
          eventId: 'x',
        });
        await tx.commit();
        await b.close();
        const own = await a.begin();
        expect(a.dataKeys.holdsOn('e-1')).toEqual(['c-1']);
        await own.rollback();
        expect(a.dataKeys.holdsOn('e-1')).toEqual(['c-1']);
        await a.close();
        const reopened = await PostgresStore.open(url, { readonly: true });
        expect(reopened.dataKeys.holdsOn('e-1')).toEqual(['c-1']);
        await reopened.close();
      });
    });
  });
}
