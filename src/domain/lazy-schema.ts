import { createRequire } from 'node:module';
import type * as Zod from 'zod';

/**
 * A zod schema built the first time it is asked for. Modules that every short command loads
 * (the org profile's readers, the canary book, the guard's policy table, export receipts) but
 * that validate something only now and then must not load zod at start-up: ~100 files, more
 * than the rest of a short command's start. Node 20 cannot require() an ES module, so zod comes
 * in synchronously through its CommonJS build. A schema made here must not leave its module, nor
 * its errors: they are of that second copy of zod's classes, which `instanceof` against the ES
 * module's would not recognise.
 *
 * @example const schema = lazySchema(({ z }) => z.object({ id: z.string() }));
 *          schema().safeParse(input);
 */
export function lazySchema<T>(build: (zod: typeof Zod) => T): () => T {
  let built: T | undefined;
  return () => (built ??= build(createRequire(import.meta.url)('zod') as typeof Zod));
}
